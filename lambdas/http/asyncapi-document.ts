import type * as z from 'zod/mini';
import { componentSchemas, schemaRef } from '#contracts/schemas/registry';
import { clientMessages, serverMessages } from '#contracts/schemas/websocket';

/**
 * The WebSocket API as an AsyncAPI 3 document, generated from the same zod
 * schemas the handlers validate with. Written from the service's side:
 * `receive` operations are what clients send, `send` operations what the
 * service pushes.
 */

const connectedBy = {
  technician: 'the console (`?token=`)',
  applet: 'the support app (`?ticket=`)',
  page: 'the PIN page (`?progress=`)',
} as const;

/** Who sends each client action, and what the service answers besides an `error` on refusal. */
const clientActions: Record<
  keyof typeof clientMessages,
  { readonly from: readonly (keyof typeof connectedBy)[]; readonly answer?: string }
> = {
  hello: { from: ['applet'], answer: 'session.state' },
  chat: { from: ['technician', 'applet', 'page'] },
  end: { from: ['applet'] },
  ping: { from: ['technician', 'applet', 'page'] },
  follow: { from: ['page'], answer: 'session.state' },
  join: { from: ['page'], answer: 'session.state' },
  screen: { from: ['technician', 'page'] },
};

const serverTypes: Record<keyof typeof serverMessages, readonly (keyof typeof connectedBy)[]> = {
  'session.updated': ['technician'],
  'session.started': ['applet', 'page'],
  'session.closed': ['applet', 'page'],
  'session.state': ['applet', 'page'],
  chat: ['technician', 'applet', 'page'],
  screen: ['technician', 'page'],
  error: ['technician', 'applet', 'page'],
};

const operationId = (name: string) => name.replace(/\.(\w)/g, (_match, letter: string) => letter.toUpperCase());
const sentBy = (sides: readonly (keyof typeof connectedBy)[]) => sides.map((side) => connectedBy[side]).join(', ');

function message(name: string, schema: z.ZodMiniType, direction: string) {
  return { name, title: name, summary: direction, contentType: 'application/json', payload: schemaRef(schema) };
}

export function asyncApiDocument() {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelMessage = (key: string) => ({ $ref: `#/channels/session/messages/${key}` });

  for (const [action, schema] of Object.entries(clientMessages) as [keyof typeof clientMessages, z.ZodMiniType][]) {
    const { from, answer } = clientActions[action];
    messages[action] = message(action, schema, `Sent by ${sentBy(from)}`);
    operations[`receive${operationId(`.${action}`)}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/session' },
      summary: `{"action": "${action}"} (route key ${action})`,
      description: `Sent by ${sentBy(from)}.${answer ? ` Answered with ${answer}.` : ''} A refused message is answered with an error message; the connection stays up.`,
      messages: [channelMessage(action)],
      ...(answer ? { reply: { channel: { $ref: '#/channels/session' }, messages: [channelMessage(answer)] } } : {}),
    };
  }
  for (const [type, schema] of Object.entries(serverMessages) as [keyof typeof serverMessages, z.ZodMiniType][]) {
    messages[type] = message(type, schema, `Pushed to ${sentBy(serverTypes[type])}`);
    operations[`send${operationId(`.${type}`)}`] = {
      action: 'send',
      channel: { $ref: '#/channels/session' },
      summary: `{"type": "${type}"}`,
      description: `Pushed to ${sentBy(serverTypes[type])}.`,
      messages: [channelMessage(type)],
    };
  }

  const securitySchemes = {
    technicianToken: {
      type: 'httpApiKey',
      name: 'token',
      in: 'query',
      description: "The console: the technician's JWT (Cognito ID token)",
    },
    appletTicket: {
      type: 'httpApiKey',
      name: 'ticket',
      in: 'query',
      description: 'The support app: the ticket in its file name, then the single-use resume ticket of the last session.state',
    },
    progressToken: {
      type: 'httpApiKey',
      name: 'progress',
      in: 'query',
      description: 'The PIN page: the progress token from POST /api/pin/redeem',
    },
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'PIN remote support WebSocket API',
      version: '1.0.0',
      description:
        'One WebSocket per console, support app and PIN page. Clients send `{"action": ...}` (API Gateway routes on `$request.body.action`), the service pushes `{"type": ...}`. Frames are at most 32 KB. The HTTP API is described at /api/openapi.json.',
    },
    defaultContentType: 'application/json',
    servers: {
      service: {
        host: '{host}',
        pathname: '/ws',
        protocol: 'wss',
        description: 'Same origin as the site unless /config.json names another `webSocketUrl` (ws:// in the local runtime)',
        variables: { host: { default: 'localhost:3000', description: "The site's host" } },
        security: Object.keys(securitySchemes).map((name) => ({ $ref: `#/components/securitySchemes/${name}` })),
      },
    },
    channels: {
      session: {
        address: '/',
        title: 'The connection',
        description: 'Every message of a connection; which ones a side may send or receive depends on how it connected.',
        messages: Object.fromEntries(Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }])),
      },
    },
    operations,
    components: {
      schemas: componentSchemas([...Object.values(clientMessages), ...Object.values(serverMessages)], 'draft-7'),
      messages,
      securitySchemes,
    },
  };
}
