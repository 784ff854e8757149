/**
 * Every schema a document names (OpenAPI `components.schemas`, AsyncAPI
 * `components.schemas`) is registered here under that name, so the documents
 * are generated from the schemas the code validates with, and nowhere else.
 */
import * as z from 'zod/mini';

export const contractSchemas = z.registry<{ id: string }>();

/** Registers `schema` under `id`, with a description both documents show. */
export function named<T extends z.ZodMiniType>(id: string, description: string, schema: T): T {
  const described = schema.check(z.describe(description)) as T;
  contractSchemas.add(described, { id });
  return described;
}

/** An ISO 8601 instant, as the service writes it (`Date.toISOString()`). */
export const timestamp = () => z.string().check(z.meta({ format: 'date-time' }));
