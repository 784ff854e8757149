/**
 * Every schema a document names (OpenAPI `components.schemas`, AsyncAPI
 * `components.schemas`) is registered here under that name, so the documents
 * are generated from the schemas the code validates with, and nowhere else.
 */
import * as z from 'zod/mini';

export const contractSchemas = z.registry<{ id: string }>();

/** Registers `schema` under `id`, with a description both documents show. */
export function named<T extends z.ZodMiniType>(id: string, description: string, schema: T): T {
  const described = schema.check(z.describe(description));
  contractSchemas.add(described, { id });
  return described;
}

/** An ISO 8601 instant, as the service writes it (`Date.toISOString()`). */
export const timestamp = () => z.string().check(z.meta({ format: 'date-time' }));

export type SchemaTarget = 'openapi-3.0' | 'draft-7';
type JsonSchema = Record<string, unknown>;

/** The name a schema is registered under; a schema a document refers to must have one. */
export function schemaName(schema: z.ZodMiniType): string {
  const meta = contractSchemas.get(schema);
  if (!meta) throw new Error('This schema has no name in the contracts registry.');
  return meta.id;
}

/** `{"$ref": "#/components/schemas/<name>"}`, the same in OpenAPI and AsyncAPI. */
export function schemaRef(schema: z.ZodMiniType): { $ref: string } {
  return { $ref: `#/components/schemas/${schemaName(schema)}` };
}

/**
 * `components.schemas` for a document: the named schemas `roots` refer to,
 * transitively, as JSON Schema of `target`. Only what is reachable, so a
 * document does not depend on which other contract modules a process loaded.
 */
export function componentSchemas(roots: readonly z.ZodMiniType[], target: SchemaTarget): Record<string, JsonSchema> {
  const all = z.toJSONSchema(contractSchemas, { target, io: 'input', uri: (id) => `#/components/schemas/${id}` }).schemas as Record<
    string,
    JsonSchema
  >;
  const wanted = new Map<string, JsonSchema>();
  const visit = (name: string): void => {
    if (wanted.has(name)) return;
    const schema = all[name];
    if (!schema) throw new Error(`No schema named ${name} in the contracts registry.`);
    const { $id: _id, $schema: _schema, ...rest } = schema;
    wanted.set(name, rest);
    for (const match of JSON.stringify(rest).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) visit(match[1]!);
  };
  for (const root of roots) visit(schemaName(root));
  return Object.fromEntries([...wanted].sort(([a], [b]) => a.localeCompare(b)));
}
