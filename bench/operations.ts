import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { ticketFromFileName } from '../applet/server-config.ts';
import type { BenchEnvironment } from './environment.ts';
import { authorizerEvent, connectEvent, httpEvent } from './events.ts';
import type { RoundTrip } from './round-trips.ts';

/** The benchmarked operations, in the order a session lives through them. */
export const operationNames = [
  'create-session',
  'generate-pin',
  'redeem-pin',
  'websocket-connect',
  'start-session',
  'close-session',
  'list-sessions',
] as const;
export type OperationName = (typeof operationNames)[number];

export interface OperationSamples {
  readonly samples: number[];
  /** Posts to WebSocket connections each call made (@connections). */
  readonly posts: number[];
  /** The round trips each call made, in order. */
  readonly roundTrips: RoundTrip[][];
}

export type Recorder = Map<OperationName, OperationSamples>;

type Handler = (event: unknown) => Promise<{ statusCode?: number; body?: string } & Record<string, unknown>>;

async function measure<T>(
  env: BenchEnvironment,
  recorder: Recorder | undefined,
  name: OperationName,
  action: () => Promise<T>,
): Promise<T> {
  env.counter.take();
  const postsBefore = env.connections.posts;
  const started = performance.now();
  const value = await action();
  const ms = performance.now() - started;
  const trips = env.counter.take();
  if (recorder) {
    const entry = recorder.get(name) ?? { samples: [], roundTrips: [], posts: [] };
    entry.samples.push(ms);
    entry.posts.push(env.connections.posts - postsBefore);
    entry.roundTrips.push(trips);
    recorder.set(name, entry);
  }
  return value;
}

function expectStatus(name: string, result: { statusCode?: number; body?: string }, status: number): Record<string, unknown> {
  if (result.statusCode !== status) throw new Error(`${name}: expected ${status}, got ${result.statusCode}: ${result.body}`);
  return JSON.parse(result.body ?? '{}') as Record<string, unknown>;
}

/**
 * (a) The real handlers, called in-process with API Gateway events, the way
 * the Lambda runtime calls them: no HTTP, no gateway; the handlers' own
 * DynamoDB client (counted); @connections posts absorbed (the technician's
 * console socket exists, so every change is pushed, as in real use).
 */
export async function inProcessLifecycle(env: BenchEnvironment): Promise<(recorder?: Recorder) => Promise<void>> {
  const h = {
    create: await env.handler<Handler>('lambdas/http/create-session.ts'),
    generate: await env.handler<Handler>('lambdas/http/generate-pin.ts'),
    redeem: await env.handler<Handler>('lambdas/http/redeem-pin.ts'),
    authorizer: await env.handler<Handler>('lambdas/websocket/authorizer.ts'),
    connect: await env.handler<Handler>('lambdas/websocket/connect.ts'),
    start: await env.handler<Handler>('lambdas/http/start-session.ts'),
    close: await env.handler<Handler>('lambdas/http/close-session.ts'),
    list: await env.handler<Handler>('lambdas/http/list-sessions.ts'),
  };
  const inProcess = async <T>(action: () => Promise<T>): Promise<T> => {
    env.connections.mode = 'absorb';
    try {
      return await action();
    } finally {
      env.connections.mode = 'forward';
    }
  };
  return (recorder?: Recorder) =>
    inProcess(async () => {
      const event = httpEvent({
        method: 'POST',
        path: '/api/sessions',
        routeKey: 'POST /api/sessions',
        body: { customerName: 'Erika Mustermann' },
      });
      const created = expectStatus('create-session', await measure(env, recorder, 'create-session', () => h.create(event)), 201);
      const id = String((created.session as { id: string }).id);
      const sessionRoute = (verb: string) => ({
        method: 'POST',
        path: `/api/sessions/${id}/${verb}`,
        routeKey: `POST /api/sessions/{id}/${verb}`,
        pathParameters: { id },
      });
      const pinBody = expectStatus(
        'generate-pin',
        await measure(env, recorder, 'generate-pin', () => h.generate(httpEvent(sessionRoute('pin')))),
        201,
      );
      const redeemEvent = httpEvent({
        method: 'POST',
        path: '/api/pin/redeem',
        routeKey: 'POST /api/pin/redeem',
        technician: false,
        body: { pin: pinBody.pin },
      });
      const redeemed = expectStatus('redeem-pin', await measure(env, recorder, 'redeem-pin', () => h.redeem(redeemEvent)), 200);
      const ticket = ticketFromFileName(String((redeemed.applet as { fileName: string }).fileName));
      if (!ticket) throw new Error('redeem-pin: no ticket in the applet file name');
      const connected = await measure(env, recorder, 'websocket-connect', async () => {
        const decision = (await h.authorizer(authorizerEvent({ ticket }))) as { context?: Record<string, string> };
        if (!decision.context) throw new Error('authorizer refused a fresh ticket');
        return h.connect(connectEvent(`bench-applet-${randomUUID()}`, decision.context));
      });
      if (connected.statusCode !== 200) throw new Error(`websocket-connect: ${connected.statusCode}`);
      expectStatus('start-session', await measure(env, recorder, 'start-session', () => h.start(httpEvent(sessionRoute('start')))), 200);
      expectStatus('close-session', await measure(env, recorder, 'close-session', () => h.close(httpEvent(sessionRoute('close')))), 200);
      const listEvent = httpEvent({ method: 'GET', path: '/api/sessions', routeKey: 'GET /api/sessions' });
      expectStatus('list-sessions', await measure(env, recorder, 'list-sessions', () => h.list(listEvent)), 200);
    });
}

function openSocket(url: string, onMessage?: (message: Record<string, unknown>) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`WebSocket upgrade refused: ${response.statusCode}`)));
    if (onMessage) socket.on('message', (data) => onMessage(JSON.parse(String(data)) as Record<string, unknown>));
  });
}

export async function getToken(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`/dev/token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

/**
 * (b) The same operations through the local gateway: HTTP with a real JWT,
 * WebSocket upgrade through the authorizer and $connect, notifications posted
 * to the technician's real console socket.
 */
export interface GatewayClient {
  lifecycle(recorder?: Recorder): Promise<void>;
  /** Creates an open session (for the list to have something to list). */
  createOpenSession(): Promise<string>;
  readonly token: string;
  close(): Promise<void>;
}

export async function gatewayClient(env: BenchEnvironment): Promise<GatewayClient> {
  const { url, webSocketUrl } = env.runtime;
  const token = await getToken(url, 'alice');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const technicianSocket = await openSocket(`${webSocketUrl}?token=${encodeURIComponent(token)}`, () => undefined);
  const applets: WebSocket[] = [];

  const call = async (name: OperationName, recorder: Recorder | undefined, path: string, init: RequestInit, status: number) =>
    measure(env, recorder, name, async () => {
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      if (response.status !== status) throw new Error(`${name} through the gateway: expected ${status}, got ${response.status}: ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    });
  const createOpenSession = async (recorder?: Recorder) => {
    const created = await call(
      'create-session',
      recorder,
      '/api/sessions',
      { method: 'POST', headers: auth, body: JSON.stringify({ customerName: 'Erika Mustermann' }) },
      201,
    );
    return String((created.session as { id: string }).id);
  };

  return {
    token,
    createOpenSession: () => createOpenSession(),
    async lifecycle(recorder?: Recorder) {
      const id = await createOpenSession(recorder);
      const pin = await call('generate-pin', recorder, `/api/sessions/${id}/pin`, { method: 'POST', headers: auth }, 201);
      const redeemed = await call(
        'redeem-pin',
        recorder,
        '/api/pin/redeem',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: pin.pin }) },
        200,
      );
      const ticket = ticketFromFileName(String((redeemed.applet as { fileName: string }).fileName));
      if (!ticket) throw new Error('redeem-pin: no ticket in the applet file name');
      applets.push(
        await measure(env, recorder, 'websocket-connect', () => openSocket(`${webSocketUrl}?ticket=${ticket}`, () => undefined)),
      );
      await call('start-session', recorder, `/api/sessions/${id}/start`, { method: 'POST', headers: auth }, 200);
      await call('close-session', recorder, `/api/sessions/${id}/close`, { method: 'POST', headers: auth }, 200);
      await call('list-sessions', recorder, '/api/sessions', { method: 'GET', headers: auth }, 200);
    },
    async close() {
      await Promise.all([...applets, technicianSocket].map(closeSocket));
      // Their $disconnect handlers run on after the sockets are gone; nothing that follows may count them.
      await env.counter.settle();
    },
  };
}
