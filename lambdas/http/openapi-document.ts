import { RESOURCE_SERVER } from '#domain/integration-clients';
import { httpRoutes } from '#routes';
import { sessionStatuses } from '#domain/session-model';

const errorCodes = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'pin_invalid',
  'invalid_transition',
  'verification_code_mismatch',
  'payload_too_large',
  'too_many_attempts',
  'pin_space_exhausted',
  'unavailable',
  'internal',
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: jsonContent(ref('Error')) });

/** Per-route request and success-response descriptions; paths and auth come from the route table. */
const operations: Record<string, { summary: string; requestBody?: unknown; success: [number, string, unknown]; errors: number[] }> = {
  'get-me': { summary: 'The signed-in technician, their groups and permissions', success: [200, 'The technician', { type: 'object', properties: { technician: ref('Technician') } }], errors: [401] },
  'create-session': {
    summary: 'Create a session for a customer ("New session")',
    requestBody: {
      type: 'object',
      required: ['customerName'],
      properties: {
        customerName: { type: 'string', minLength: 1, maxLength: 100 },
        technician: { type: 'string', description: 'Integration clients only (required for them): the user name of the technician the session is for.' },
      },
    },
    success: [201, 'The new session', { type: 'object', properties: { session: ref('Session') } }],
    errors: [400, 401, 403, 413],
  },
  'list-sessions': { summary: "The caller's open sessions, newest first", success: [200, 'Sessions', { type: 'object', properties: { sessions: { type: 'array', items: ref('Session') } } }], errors: [401] },
  'get-session': { summary: 'One session', success: [200, 'The session', { type: 'object', properties: { session: ref('Session') } }], errors: [400, 401, 404] },
  'get-session-log': {
    summary: "One page of the session's log, oldest first: query `limit` (1-200, default 100) and `cursor` (from the previous page); read again with `cursor` while `hasMore`",
    success: [200, 'Log entries', { type: 'object', required: ['entries', 'hasMore'], properties: { entries: { type: 'array', maxItems: 200, items: ref('LogEntry') }, cursor: { type: 'string' }, hasMore: { type: 'boolean' } } }],
    errors: [400, 401, 404],
  },
  'generate-pin': {
    summary: 'Create a PIN code for the session ("Create PIN code"); replaces any earlier PIN',
    success: [201, 'The PIN, shown once', { type: 'object', properties: { pin: { type: 'string', pattern: '^[0-9]{6}$' }, expiresAt: { type: 'string', format: 'date-time' }, session: ref('Session') } }],
    errors: [400, 401, 403, 404, 409, 503],
  },
  'start-session': {
    summary: 'Start a waiting session ("Start"); where the group requires it, with the verification code the customer reads out',
    requestBody: { type: 'object', properties: { verificationCode: { type: 'string', pattern: '^[0-9]{2}$' } } },
    success: [200, 'The active session', { type: 'object', properties: { session: ref('Session') } }],
    errors: [400, 401, 404, 409],
  },
  'close-session': { summary: 'Close the session', success: [200, 'The closed session', { type: 'object', properties: { session: ref('Session') } }], errors: [400, 401, 404, 409] },
  'redeem-pin': {
    summary: 'The customer redeems a PIN ("Connect to technician")',
    requestBody: { type: 'object', required: ['pin'], properties: { pin: { type: 'string', example: '012345' } } },
    success: [
      200,
      'The session the PIN opened, the personalized applet download and the progress token',
      {
        type: 'object',
        properties: {
          sessionId: { type: 'string' },
          technician: { type: 'object', properties: { displayName: { type: 'string' } } },
          applet: {
            type: 'object',
            properties: {
              downloadUrl: { type: 'string', description: 'The Node.js script (platform node)' },
              fileName: { type: 'string' },
              downloads: {
                type: 'array',
                description: 'One entry per system there is a download for: the native apps and the Node.js script',
                items: {
                  type: 'object',
                  properties: {
                    platform: { type: 'string', enum: ['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64', 'node'] },
                    fileName: { type: 'string', example: 'RemoteSupport_<ticket>.exe' },
                    downloadUrl: { type: 'string', example: '/applet/windows-x64/RemoteSupport_<ticket>.exe' },
                    bytes: { type: 'integer' },
                  },
                },
              },
            },
          },
          progress: { type: 'object', properties: { url: { type: 'string' }, token: { type: 'string' } } },
        },
      },
    ],
    errors: [400, 404, 429, 503],
  },
  'customer-progress': {
    summary: "The customer's view of their one session (Bearer: the progress token from redeem)",
    success: [200, 'Status', { type: 'object', properties: { status: { type: 'string', enum: [...sessionStatuses] }, technician: { type: 'object', properties: { displayName: { type: 'string' } } }, updatedAt: { type: 'string', format: 'date-time' } } }],
    errors: [401],
  },
  'session-ice-servers': {
    summary: "STUN/TURN servers for viewing the customer's screen (active sessions only; short-lived credentials)",
    success: [200, 'RTCConfiguration fields', ref('IceConfiguration')],
    errors: [400, 401, 404, 409],
  },
  'customer-ice-servers': {
    summary: "STUN/TURN servers for sharing the customer's screen (Bearer: the progress token; active sessions only)",
    success: [200, 'RTCConfiguration fields', ref('IceConfiguration')],
    errors: [401, 409],
  },
  openapi: { summary: 'This document', success: [200, 'OpenAPI 3 document', { type: 'object' }], errors: [] },
};

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
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
    const [status, description, schema] = operation.success;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.name,
      summary: operation.summary,
      ...(route.auth === 'technician'
        ? { security: [{ technicianJwt: [] }, ...(route.clientScope ? [{ integrationClient: [`${RESOURCE_SERVER}/${route.clientScope}`] }] : [])] }
        : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(operation.requestBody ? { requestBody: { required: true, content: jsonContent(operation.requestBody) } } : {}),
      responses: {
        [status]: { description, content: jsonContent(schema) },
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
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: errorCodes }, message: { type: 'string' } } } },
        },
        Session: {
          type: 'object',
          required: ['id', 'customerName', 'status', 'createdAt', 'updatedAt'],
          properties: {
            id: { type: 'string' },
            customerName: { type: 'string' },
            status: { type: 'string', enum: [...sessionStatuses] },
            createdAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            statusChangedAt: { type: 'string', format: 'date-time' },
            pinExpiresAt: { type: 'string', format: 'date-time' },
            deadlineAt: { type: 'string', format: 'date-time' },
            startedAt: { type: 'string', format: 'date-time' },
            closedAt: { type: 'string', format: 'date-time' },
            closeReason: { type: 'string' },
            technician: { type: 'object', properties: { id: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' } } },
            verificationCode: { type: 'string', pattern: '^[0-9]{2}$' },
            customer: { type: 'object', properties: { connected: { type: 'boolean' }, via: { type: 'string', enum: ['app', 'browser'] }, ip: { type: 'string' }, userAgent: { type: 'string' }, systemInfo: { type: 'object' } } },
            failedRedeemsBeforeSuccess: { type: 'integer' },
          },
        },
        IceConfiguration: {
          type: 'object',
          required: ['iceServers'],
          properties: {
            iceServers: { type: 'array', items: { type: 'object', properties: { urls: {}, username: { type: 'string' }, credential: { type: 'string' } } } },
            iceTransportPolicy: { type: 'string', enum: ['all', 'relay'] },
          },
        },
        LogEntry: {
          type: 'object',
          properties: {
            at: { type: 'string', format: 'date-time' },
            type: { type: 'string' },
            actor: { type: 'object', properties: { kind: { type: 'string', enum: ['technician', 'customer', 'system'] }, name: { type: 'string' } } },
            message: { type: 'string' },
            details: { type: 'object' },
          },
        },
        Technician: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            username: { type: 'string' },
            displayName: { type: 'string' },
            groups: { type: 'array', items: { type: 'string' } },
            permissions: { type: 'object', properties: { privateSessions: { type: 'boolean' }, pinCode: { type: 'boolean' } } },
          },
        },
      },
    },
  };
}
