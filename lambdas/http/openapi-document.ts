import type * as z from 'zod/mini';
import { logPage } from '#contracts/limits';
import { componentSchemas, schemaRef } from '#contracts/schemas/registry';
import {
  createSessionRequestSchema,
  customerProgressSchema,
  errorBodySchema,
  generatedPinSchema,
  iceConfigurationSchema,
  logPageSchema,
  meResponseSchema,
  redeemPinRequestSchema,
  redemptionSchema,
  sessionListResponseSchema,
  sessionResponseSchema,
  startSessionRequestSchema,
} from '#contracts/schemas/http';
import { RESOURCE_SERVER } from '#domain/integration-clients';
import { httpRoutes } from '#routes';

const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: jsonContent(schemaRef(errorBodySchema)) });
/** The two documents describe themselves loosely: they are generated, and their own standards define them. */
const anyDocument = { type: 'object' };

interface Operation {
  readonly summary: string;
  readonly parameters?: readonly unknown[];
  /** `optional`: the body may be left out (Start without a verification code). */
  readonly requestBody?: { readonly schema: z.ZodMiniType; readonly optional?: boolean };
  readonly success: readonly [number, string, z.ZodMiniType | typeof anyDocument];
  readonly errors: readonly number[];
}

/** Per-route summaries, bodies and answers (schemas from contracts/); paths and auth come from the route table. */
const operations: Record<string, Operation> = {
  'get-me': {
    summary: 'The signed-in technician, their groups and permissions',
    success: [200, 'The technician', meResponseSchema],
    errors: [401],
  },
  'create-session': {
    summary: 'Create a session for a customer ("New session")',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A retried create with the same key answers the same session',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
      },
    ],
    requestBody: { schema: createSessionRequestSchema },
    success: [201, 'The new session', sessionResponseSchema],
    errors: [400, 401, 403, 413],
  },
  'list-sessions': {
    summary: "The caller's open sessions, newest first",
    success: [200, 'Sessions', sessionListResponseSchema],
    errors: [401],
  },
  'get-session': { summary: 'One session', success: [200, 'The session', sessionResponseSchema], errors: [400, 401, 404] },
  'get-session-log': {
    summary: "One page of the session's log, oldest first; read again with `cursor` while `hasMore`",
    parameters: [
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: logPage.maxLimit, default: logPage.defaultLimit },
      },
      { name: 'cursor', in: 'query', required: false, description: 'From the previous page', schema: { type: 'string' } },
    ],
    success: [200, 'Log entries', logPageSchema],
    errors: [400, 401, 404],
  },
  'generate-pin': {
    summary: 'Create a PIN code for the session ("Create PIN code"); replaces any earlier PIN',
    success: [201, 'The PIN, shown once', generatedPinSchema],
    errors: [400, 401, 403, 404, 409, 503],
  },
  'start-session': {
    summary: 'Start a waiting session ("Start"); where the group requires it, with the verification code the customer reads out',
    requestBody: { schema: startSessionRequestSchema, optional: true },
    success: [200, 'The active session', sessionResponseSchema],
    errors: [400, 401, 404, 409],
  },
  'close-session': {
    summary: 'Close the session',
    success: [200, 'The closed session', sessionResponseSchema],
    errors: [400, 401, 404, 409],
  },
  'redeem-pin': {
    summary: 'The customer redeems a PIN ("Connect to technician")',
    requestBody: { schema: redeemPinRequestSchema },
    success: [200, 'The session the PIN opened, the personalized applet download and the progress token', redemptionSchema],
    errors: [400, 404, 429, 503],
  },
  'customer-progress': {
    summary: "The customer's view of their one session (Bearer: the progress token from redeem)",
    success: [200, 'Status', customerProgressSchema],
    errors: [401],
  },
  'session-ice-servers': {
    summary: "STUN/TURN servers for viewing the customer's screen (active sessions only; short-lived credentials)",
    success: [200, 'RTCConfiguration fields', iceConfigurationSchema],
    errors: [400, 401, 404, 409],
  },
  'customer-ice-servers': {
    summary: "STUN/TURN servers for sharing the customer's screen (Bearer: the progress token; active sessions only)",
    success: [200, 'RTCConfiguration fields', iceConfigurationSchema],
    errors: [401, 409],
  },
  openapi: { summary: 'This document', success: [200, 'OpenAPI 3 document', anyDocument], errors: [] },
  asyncapi: {
    summary: 'The WebSocket API: every message in both directions',
    success: [200, 'AsyncAPI 3 document', anyDocument],
    errors: [],
  },
};

const schemaOrRef = (schema: z.ZodMiniType | typeof anyDocument) =>
  schema === anyDocument ? anyDocument : schemaRef(schema as z.ZodMiniType);

const errorDescriptions: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden (names the missing permission)',
  404: 'not_found, or pin_invalid for any unknown, expired or used PIN',
  409: 'invalid_transition, or verification_code_mismatch on Start',
  413: 'payload_too_large',
  429: 'too_many_attempts (see Retry-After)',
  503: 'pin_space_exhausted or unavailable (see Retry-After)',
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of httpRoutes) {
    const operation = operations[route.name];
    if (!operation) throw new Error(`No OpenAPI description for route ${route.name}`);
    const parameters = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(operation.parameters ?? []),
    ];
    const [status, description, schema] = operation.success;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.name,
      summary: operation.summary,
      ...(route.auth === 'technician'
        ? {
            security: [
              { technicianJwt: [] },
              ...(route.clientScope ? [{ integrationClient: [`${RESOURCE_SERVER}/${route.clientScope}`] }] : []),
            ],
          }
        : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(operation.requestBody
        ? { requestBody: { required: !operation.requestBody.optional, content: jsonContent(schemaRef(operation.requestBody.schema)) } }
        : {}),
      responses: {
        [status]: { description, content: jsonContent(schemaOrRef(schema)) },
        ...Object.fromEntries(operation.errors.map((code) => [code, error(errorDescriptions[code] ?? 'error')])),
        500: error('internal (never a stack trace)'),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'PIN remote support API', version: '1.0.0', description: 'Start remote-support sessions by 6-digit PIN code.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        technicianJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito ID token)' },
        integrationClient: {
          type: 'oauth2',
          description:
            'Helpdesk systems: a client-credentials access token (Cognito /oauth2/token in AWS, POST /dev/client-token locally). The client acts for a technician of a group it is allowed for; one PIN per second per technician (429 + Retry-After).',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: {
                [`${RESOURCE_SERVER}/sessions.read`]: "read a technician's sessions and their logs",
                [`${RESOURCE_SERVER}/sessions.write`]: 'create sessions and PIN codes for a technician, and close them',
              },
            },
          },
        },
      },
      schemas: componentSchemas(documentedSchemas(), 'openapi-3.0'),
    },
  };
}

/** Every schema the operations name; components.schemas holds these and what they refer to. */
function documentedSchemas(): z.ZodMiniType[] {
  const named = Object.values(operations).flatMap((operation) => [operation.requestBody?.schema, operation.success[2]]);
  return [errorBodySchema, ...named.filter((schema): schema is z.ZodMiniType => schema !== undefined && schema !== anyDocument)];
}
