import { describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Parser } from '@asyncapi/parser';
import { downloadPlatforms as nativeDownloadPlatforms } from '../../applet/native/platforms.ts';
import { downloadPlatforms } from '#contracts/downloads';
import { errorCodes } from '#contracts/errors';
import { maxChatLength, maxCustomerNameLength } from '#contracts/limits';
import { sessionStatuses } from '#contracts/statuses';
import { clientMessages, serverMessages } from '#contracts/schemas/websocket';
import { createSessionRequestSchema } from '#contracts/schemas/http';
import { asyncApiDocument } from '#http/asyncapi-document';
import { handler as asyncApi } from '#http/asyncapi';
import { openApiDocument } from '#http/openapi-document';
import { httpRoutes, webSocketRoutes } from '#routes';

type Json = Record<string, unknown>;
const at = (document: unknown, path: string): unknown =>
  path.split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);

/** Errors and warnings only: the parser also reports hints, such as a newer AsyncAPI version existing. */
async function asyncApiProblems(document: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics
    .filter((diagnostic) => Number(diagnostic.severity) <= 1)
    .map((diagnostic) => `${diagnostic.path.join('/')}: ${diagnostic.message}`);
}

describe('the AsyncAPI document of the WebSocket API', () => {
  it('is a valid AsyncAPI 3 document for a real parser, and is what /api/asyncapi.json serves', async () => {
    const served = await asyncApi();
    expect(served.statusCode).toBe(200);
    expect(served.headers?.['content-type']).toMatch(/^application\/json/);
    const document = JSON.parse(served.body as string) as Json;
    expect(document.asyncapi).toMatch(/^3\./);
    expect(await asyncApiProblems(document)).toEqual([]);
  });

  it('would fail that parser when broken, so the check above means something', async () => {
    const broken = asyncApiDocument() as unknown as { operations: Record<string, Json> };
    broken.operations.receiveChat!.channel = { $ref: '#/channels/nowhere' };
    expect((await asyncApiProblems(broken)).length).toBeGreaterThan(0);
  });

  it('names every client action (each a WebSocket route) and every server message type, with payloads from the schemas', () => {
    const document = asyncApiDocument();
    const routeKeys = webSocketRoutes.map((route) => route.routeKey);
    for (const action of Object.keys(clientMessages)) {
      expect(routeKeys).toContain(action);
      expect(at(document, `components/messages/${action}/payload/$ref`)).toMatch(/^#\/components\/schemas\//);
    }
    for (const type of Object.keys(serverMessages))
      expect(at(document, `channels/session/messages/${type}`)).toEqual({ $ref: `#/components/messages/${type}` });
    expect(at(document, 'components/schemas/ChatRequest/properties/text/maxLength')).toBe(maxChatLength);
    expect(at(document, 'components/schemas/ErrorMessage/properties/code/enum')).toEqual([...errorCodes]);
  });
});

describe('the OpenAPI document of the HTTP API', () => {
  it('is a valid OpenAPI 3 document for a real validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(openApiDocument()) as never)).resolves.toBeDefined();
  });

  it('takes its bodies from the schemas the handlers parse with', () => {
    const document = openApiDocument();
    const createSession = (document.paths['/api/sessions'] as Record<string, Json>).post!;
    expect((at(createSession, 'requestBody/content') as Json)['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/CreateSessionRequest' },
    });
    expect(at(document, 'components/schemas/CreateSessionRequest/properties/customerName/maxLength')).toBe(maxCustomerNameLength);
    expect(createSessionRequestSchema.safeParse({ customerName: 'x'.repeat(maxCustomerNameLength + 1) }).success).toBe(false);
    expect(at(document, 'components/schemas/Session/properties/status/enum')).toEqual([...sessionStatuses]);
    expect(at(document, 'components/schemas/Error/properties/error/properties/code/enum')).toEqual([...errorCodes]);
    for (const route of httpRoutes) expect(Object.keys(document.paths[route.path] ?? {})).toContain(route.method.toLowerCase());
  });
});

describe('the contracts', () => {
  it('offer the downloads the support app is built for', () => {
    expect([...downloadPlatforms]).toEqual([...nativeDownloadPlatforms]);
  });
});
