import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { eventually } from '../support/eventually.ts';
import { startGatewayServer, type GatewayServer, type GatewayServerOptions } from '../../local/gateway-server.ts';
import type { Logger } from '../../local/lambda-invoker.ts';

/**
 * The local gateway's limits and its log under abuse: API Gateway's idle
 * timeout and maximum connection duration (shortened here, the durations are
 * injectable), the end of a connection whose credential expired, and a client
 * that hangs up in the middle of a request body.
 */

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

let gateway: GatewayServer | undefined;
let siteDirectory: string | undefined;
const events: Event[] = [];
/** Every line the gateway logs, formatted as the console would print it. */
const lines: string[] = [];
const log: Logger = {
  info: (message) => void lines.push(message),
  error: (message, error) => void lines.push(error === undefined ? message : format(message, error)),
};

async function start(options: Pick<GatewayServerOptions, 'webSocketLimits' | 'webSocketCredentialExpiry'> = {}): Promise<GatewayServer> {
  siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'gateway-limits-'));
  gateway = await startGatewayServer({
    port: 0,
    siteDirectory,
    log,
    findTechnician: async () => undefined,
    listTechnicians: async () => [],
    httpRoutes: [
      { name: 'upload', method: 'POST', path: '/api/upload', auth: 'public', handler: (event: Event) => void events.push(event) },
    ],
    webSocketAuthorizer: {
      name: 'authorizer',
      handler: (event: Event) => {
        const query = (event.queryStringParameters ?? {}) as Record<string, string>;
        return {
          principalId: 'user-1',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
          },
          context: { role: 'technician', ...(query.expires ? { tokenExpiresAt: query.expires } : {}) },
        };
      },
    },
    webSocketRoutes: [
      { name: 'disconnect', routeKey: '$disconnect', handler: (event: Event) => void events.push(event) },
      { name: 'ping', routeKey: 'ping', handler: () => undefined },
    ],
    ...options,
  });
  return gateway;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  if (siteDirectory) rmSync(siteDirectory, { recursive: true, force: true });
  events.length = 0;
  lines.length = 0;
});

interface Connected {
  readonly socket: WebSocket;
  readonly openedAt: number;
  readonly closed: Promise<{ code: number; reason: string; afterMs: number }>;
}

function connect(server: GatewayServer, query = ''): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.webSocketUrl}${query}`);
    const closed = new Promise<{ code: number; reason: string; afterMs: number }>((resolveClose) =>
      socket.on('close', (code, reason) => resolveClose({ code, reason: reason.toString(), afterMs: Date.now() - openedAt })),
    );
    let openedAt = Date.now();
    socket.on('error', reject);
    socket.on('open', () => {
      openedAt = Date.now();
      resolve({ socket, openedAt, closed });
    });
  });
}

/** Sends `{"action":"ping"}` every intervalMs until the socket closes: activity that resets the idle timer. */
function keepTalking(socket: WebSocket, intervalMs: number): void {
  const timer = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('{"action":"ping"}'), intervalMs);
  socket.once('close', () => clearInterval(timer));
}

const disconnects = () => events.filter((event) => event.requestContext.routeKey === '$disconnect');

describe('WebSocket connection limits', () => {
  it('closes an idle connection with 1001 "Going away", as API Gateway does after 10 idle minutes, and runs $disconnect', async () => {
    const server = await start({ webSocketLimits: { idleTimeoutMs: 300, maxConnectionMs: 60_000 } });
    const { closed } = await connect(server);
    const { code, reason, afterMs } = await closed;
    expect({ code, reason }).toEqual({ code: 1001, reason: 'Going away' });
    expect(afterMs).toBeGreaterThanOrEqual(250);
    await eventually(() => expect(disconnects()).toHaveLength(1));
    expect(disconnects()[0]?.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
    expect(server.connections.size).toBe(0);
  }, 15_000);

  it('keeps a talking connection past the idle timeout and closes it at the maximum duration (2 hours in API Gateway)', async () => {
    const server = await start({ webSocketLimits: { idleTimeoutMs: 400, maxConnectionMs: 1500 } });
    const { socket, closed } = await connect(server);
    keepTalking(socket, 100);
    const { code, reason, afterMs } = await closed;
    expect({ code, reason }).toEqual({ code: 1001, reason: 'Going away' });
    expect(afterMs).toBeGreaterThanOrEqual(1400);
    await eventually(() => expect(disconnects()).toHaveLength(1));
  }, 15_000);

  it('ends a connection when the credential it connected with expires, and runs $disconnect', async () => {
    const server = await start({
      webSocketLimits: { idleTimeoutMs: 60_000, maxConnectionMs: 60_000 },
      webSocketCredentialExpiry: (context) => (context.tokenExpiresAt === undefined ? undefined : Number(context.tokenExpiresAt) * 1000),
    });
    const expiresAt = Math.ceil(Date.now() / 1000) + 1;
    const expiring = await connect(server, `?expires=${expiresAt}`);
    const lasting = await connect(server);
    const { code, reason } = await expiring.closed;
    expect({ code, reason }).toEqual({ code: 1000, reason: 'Token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
    await eventually(() => expect(disconnects()).toHaveLength(1));
    expect(disconnects()[0]?.requestContext).toMatchObject({ disconnectStatusCode: 1000, disconnectReason: 'Token expired' });
    // A connection without an expiry is not touched.
    expect(lasting.socket.readyState).toBe(WebSocket.OPEN);
  }, 15_000);

  it('refuses to open a connection whose credential has already expired', async () => {
    const server = await start({
      webSocketCredentialExpiry: (context) => (context.tokenExpiresAt === undefined ? undefined : Number(context.tokenExpiresAt) * 1000),
    });
    const { closed } = await connect(server, `?expires=${Math.floor(Date.now() / 1000) - 5}`);
    expect(await closed).toMatchObject({ code: 1000, reason: 'Token expired' });
  }, 15_000);
});

describe('a client that hangs up in the middle of a request body', () => {
  it('logs one line without a stack trace and invokes no handler', async () => {
    const server = await start();
    const client = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const head = 'POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n';
    await new Promise<void>((resolve, reject) => client.write(`${head}half a body`, (error) => (error ? reject(error) : resolve())));
    client.destroy();
    await eventually(() => expect(lines).toHaveLength(1));
    // Served to the end: a later request is answered, and nothing more was logged for the first.
    const after = await fetch(`${server.url}/api/upload`, { method: 'POST', body: 'whole' });
    expect(after.status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[http\] POST \/api\/upload: the client closed the connection before the whole request body arrived \(\d+ of 100 bytes\)$/,
    );
    expect(events.map((event) => event.body)).toEqual(['whole']);
  }, 15_000);
});
