import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { httpRoutes, type HttpRoute } from '#routes';
import { seedTechnicians } from '#storage/directory';
import type { SessionLogEntry } from '#domain/session-model';
import type { SessionItem } from '#domain/session-rules';
import { DynamoStore } from '#storage/dynamo-store';
import { apiCall, closeHttpAgents, devToken, MessageSocket, type RawResponse } from '../../load/api-client.ts';
import { sessionInStatus, type SeededSession } from '../../load/flow.ts';
import { startFuzzRuntime } from './fuzz-harness.ts';

/**
 * Authorization matrix: every technician route x every seeded technician x own /
 * foreign session -> the expected status. Own sessions are governed by the
 * group's permissions (a 403 names the missing one); a foreign session is
 * indistinguishable from a missing one (404 not_found, same body), never a
 * 200 or a 403 that would confirm it exists. Plus the boundaries between the
 * technician's and the customer's side on the WebSocket.
 */

type User = 'alice' | 'bob' | 'carol';
const users: readonly User[] = ['alice', 'bob', 'carol'];
const technicianOf = (user: User) => seedTechnicians.find((technician) => technician.username === user)!;

let runtime: Awaited<ReturnType<typeof startFuzzRuntime>>;
const tokens = {} as Record<User, string>;
const sockets: MessageSocket[] = [];

beforeAll(async () => {
  runtime = await startFuzzRuntime();
  for (const user of users) tokens[user] = await devToken(runtime.url, user);
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) await socket.close();
  closeHttpAgents();
  await runtime?.cleanUp();
});

/**
 * A session in `created` owned by `user`. Carol's group may not create
 * sessions, so hers is written straight to the table: the situation of a
 * technician whose group lost its permissions after creating one.
 */
async function ownSession(user: User): Promise<string> {
  if (user !== 'carol') return (await sessionInStatus(runtime, tokens[user], 'created', `Own of ${user}`)).id;
  const carol = technicianOf('carol');
  const now = new Date().toISOString();
  const id = randomUUID();
  await new DynamoStore<SessionItem, SessionLogEntry>(runtime.table).insertSession({
    id,
    customerName: 'Own of carol',
    status: 'created',
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
    technicianId: carol.sub,
    technicianUsername: carol.username,
    technicianDisplayName: carol.displayName,
  });
  return id;
}

const otherUser = (user: User): User => (user === 'alice' ? 'bob' : 'alice');

function call(route: HttpRoute, sessionId: string, token?: string): Promise<RawResponse> {
  const body = route.name === 'create-session' ? { customerName: 'Matrix customer' } : route.method === 'POST' ? {} : undefined;
  return apiCall(runtime.url, route.method, route.path.replace('{id}', sessionId), { token, body });
}

interface Expected {
  readonly status: number;
  readonly code?: string;
  /** The 403 message must name this permission. */
  readonly permission?: string;
}

/** The contract, cell by cell (own sessions are in `created`). */
const ownExpectations: Record<string, Record<User, Expected>> = {
  'get-me': { alice: { status: 200 }, bob: { status: 200 }, carol: { status: 200 } },
  'create-session': {
    alice: { status: 201 },
    bob: { status: 201 },
    carol: { status: 403, code: 'forbidden', permission: 'privateSessions' },
  },
  'list-sessions': { alice: { status: 200 }, bob: { status: 200 }, carol: { status: 200 } },
  'get-session': { alice: { status: 200 }, bob: { status: 200 }, carol: { status: 200 } },
  'get-session-log': { alice: { status: 200 }, bob: { status: 200 }, carol: { status: 200 } },
  'generate-pin': {
    alice: { status: 201 },
    bob: { status: 403, code: 'forbidden', permission: 'pinCode' },
    carol: { status: 403, code: 'forbidden', permission: 'privateSessions' },
  },
  // Start is only allowed from waiting: a created session is a 409 for its owner, whatever the group.
  'start-session': {
    alice: { status: 409, code: 'invalid_transition' },
    bob: { status: 409, code: 'invalid_transition' },
    carol: { status: 409, code: 'invalid_transition' },
  },
  // Screen view needs an active session: a created one is a 409 for its owner, whatever the group.
  'session-ice-servers': {
    alice: { status: 409, code: 'invalid_transition' },
    bob: { status: 409, code: 'invalid_transition' },
    carol: { status: 409, code: 'invalid_transition' },
  },
  'close-session': { alice: { status: 200 }, bob: { status: 200 }, carol: { status: 200 } },
};

const technicianRoutes = httpRoutes.filter((route) => route.auth === 'technician');
const sessionRoutes = technicianRoutes.filter((route) => route.path.includes('{id}'));

describe('every technician route is covered by this matrix', () => {
  it('has an expectation for each technician route of the route table', () => {
    expect(Object.keys(ownExpectations).sort()).toEqual(technicianRoutes.map((route) => route.name).sort());
  });
});

describe('no token: 401 on every technician route', () => {
  it.each(technicianRoutes.map((route) => [route.name, route] as const))('%s', async (_name, route) => {
    const id = await ownSession('alice');
    const response = await call(route, id);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
  });
});

describe('own sessions: the group permissions decide', () => {
  const cells = technicianRoutes.flatMap((route) => users.map((user) => [route.name, user, route] as const));
  it.each(cells)('%s as %s', async (name, user, route) => {
    const id = await ownSession(user);
    const expected = ownExpectations[name]![user];
    const response = await call(route, id, tokens[user]);
    explained(response.text, () => expect(response.status).toBe(expected.status));
    const body = response.json as Record<string, unknown> & { error?: { code: string; message: string } };
    if (expected.code) expect(body.error?.code).toBe(expected.code);
    if (expected.permission) expect(body.error?.message).toContain(`'${expected.permission}'`);
    if (name === 'get-me') {
      const granted = {
        alice: { privateSessions: true, pinCode: true },
        bob: { privateSessions: true, pinCode: false },
        carol: { privateSessions: false, pinCode: false },
      }[user];
      expect(body.technician).toMatchObject({ username: user, permissions: granted });
    }
    if (name === 'list-sessions') {
      const listed = (body.sessions as { id: string; technician?: { username?: string } }[]).map((session) => session.id);
      expect(listed).toContain(id);
    }
    if (name === 'get-session' || name === 'close-session') expect((body.session as { id: string }).id).toBe(id);
  });
});

describe('foreign sessions: 404 not_found, exactly like a session that does not exist', () => {
  const cells = sessionRoutes.flatMap((route) => users.map((user) => [route.name, user, route] as const));
  it.each(cells)("%s as %s on %s's session", async (name, user, route) => {
    const owner = otherUser(user);
    const foreign = await ownSession(owner);
    const response = await call(route, foreign, tokens[user]);
    const missing = await call(route, randomUUID(), tokens[user]);
    explained(response.text, () => expect(response.status).toBe(404));
    expect(response.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    explained('a foreign session must look exactly like a missing one', () => expect(response.json).toEqual(missing.json));

    // The owner's session is untouched, and the owner can see the attempt in its log.
    const ownerView = await apiCall(runtime.url, 'GET', `/api/sessions/${foreign}`, { token: tokens[owner] });
    expect((ownerView.json as { session: { status: string } }).session.status).toBe('created');
    const log = await apiCall(runtime.url, 'GET', `/api/sessions/${foreign}/log`, { token: tokens[owner] });
    const denied = (log.json as { entries: { type: string; message: string }[] }).entries.filter((entry) => entry.type === 'denied');
    explained(`${name} by ${user} should be logged as denied`, () =>
      expect(denied.map((entry) => entry.message).join('\n')).toContain(user),
    );
  });

  it('list-sessions never lists a foreign session', async () => {
    const alices = await ownSession('alice');
    const bobs = await ownSession('bob');
    for (const [user, foreign] of [
      ['bob', alices],
      ['carol', alices],
      ['alice', bobs],
    ] as const) {
      const response = await apiCall(runtime.url, 'GET', '/api/sessions', { token: tokens[user] });
      const ids = (response.json as { sessions: { id: string }[] }).sessions.map((session) => session.id);
      explained(`${user} must not see ${foreign}`, () => expect(ids).not.toContain(foreign));
    }
  });

  it('start and close of a foreign waiting session are 404 and leave it waiting', async () => {
    const waiting = await sessionInStatus(runtime, tokens.alice, 'waiting');
    sockets.push(waiting.applet!);
    for (const user of ['bob', 'carol'] as const) {
      for (const action of ['start', 'close', 'pin']) {
        const response = await apiCall(runtime.url, 'POST', `/api/sessions/${waiting.id}/${action}`, { token: tokens[user] });
        explained(`${action} by ${user}`, () => expect(response.status).toBe(404));
      }
    }
    const view = await apiCall(runtime.url, 'GET', `/api/sessions/${waiting.id}`, { token: tokens.alice });
    expect((view.json as { session: { status: string } }).session.status).toBe('waiting');
    const started = await apiCall(runtime.url, 'POST', `/api/sessions/${waiting.id}/start`, { token: tokens.alice });
    expect(started.status).toBe(200);
  });
});

describe('the technician side and the customer side stay apart', () => {
  let active: SeededSession;
  let other: SeededSession;
  let aliceSocket: MessageSocket;
  let bobSocket: MessageSocket;

  beforeAll(async () => {
    active = await sessionInStatus(runtime, tokens.alice, 'active', 'Matrix active');
    other = await sessionInStatus(runtime, tokens.alice, 'active', 'Matrix other');
    aliceSocket = await MessageSocket.open(`${runtime.webSocketUrl}?token=${tokens.alice}`);
    bobSocket = await MessageSocket.open(`${runtime.webSocketUrl}?token=${tokens.bob}`);
    sockets.push(active.applet!, other.applet!, aliceSocket, bobSocket);
  });

  async function answerTo(socket: MessageSocket, message: unknown) {
    const from = socket.received.length;
    socket.send(message);
    return socket.next((received) => received.type === 'error' || received.type === 'session.state', 10_000, from);
  }

  it('a technician cannot speak as the applet: hello is refused', async () => {
    const answer = await answerTo(aliceSocket, { action: 'hello', systemInfo: { os: 'linux' } });
    expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it("a technician cannot end a session the customer's way, not even their own", async () => {
    const answer = await answerTo(aliceSocket, { action: 'end', sessionId: active.id });
    expect(answer).toMatchObject({ type: 'error', code: 'not_found' });
  });

  it('another technician cannot chat into or end a foreign session, and the customer hears nothing', async () => {
    const appletFrom = active.applet!.received.length;
    expect(await answerTo(bobSocket, { action: 'chat', sessionId: active.id, text: 'hi, I am your technician' })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    expect(await answerTo(bobSocket, { action: 'end', sessionId: active.id })).toMatchObject({ type: 'error', code: 'not_found' });
    aliceSocket.send({ action: 'chat', sessionId: active.id, text: 'marker' });
    const next = await active.applet!.next((message) => message.type === 'chat', 10_000, appletFrom);
    expect(next).toMatchObject({ from: 'technician', text: 'marker' });
  });

  it('a ticket opens exactly its own session: the applet cannot chat into or end another one', async () => {
    const state = await answerTo(active.applet!, { action: 'hello', systemInfo: { os: 'linux' } });
    expect(state).toMatchObject({ type: 'session.state', session: { id: active.id } });
    expect(await answerTo(active.applet!, { action: 'chat', sessionId: other.id, text: 'cross-talk' })).toMatchObject({
      type: 'error',
      code: 'not_found',
    });
    expect(await answerTo(active.applet!, { action: 'end', sessionId: other.id })).toMatchObject({ type: 'error', code: 'not_found' });
    const view = await apiCall(runtime.url, 'GET', `/api/sessions/${other.id}`, { token: tokens.alice });
    expect((view.json as { session: { status: string } }).session.status).toBe('active');
  });

  it('credentials do not cross over: JWT as ticket, ticket as JWT, ticket or progress token as bearer', async () => {
    const connecting = await sessionInStatus(runtime, tokens.alice, 'connecting');
    const { ticket, progressToken } = connecting.redeemed!;
    await expect(MessageSocket.open(`${runtime.webSocketUrl}?ticket=${tokens.alice}`)).rejects.toMatchObject({ status: 403 });
    await expect(MessageSocket.open(`${runtime.webSocketUrl}?token=${ticket}`)).rejects.toMatchObject({ status: 403 });
    await expect(MessageSocket.open(`${runtime.webSocketUrl}?token=${progressToken}`)).rejects.toMatchObject({ status: 403 });
    for (const bearer of [ticket, progressToken]) {
      const response = await apiCall(runtime.url, 'GET', `/api/sessions/${connecting.id}`, { token: bearer });
      expect(response.status).toBe(401);
    }
    const progressWithJwt = await apiCall(runtime.url, 'GET', '/api/pin/progress', { token: tokens.alice });
    expect(progressWithJwt.status).toBe(401);
    const progressWithTicket = await apiCall(runtime.url, 'GET', '/api/pin/progress', { token: ticket });
    expect(progressWithTicket.status).toBe(401);
    const progress = await apiCall(runtime.url, 'GET', '/api/pin/progress', { token: progressToken });
    expect(progress.status).toBe(200);
    expect(Object.keys(progress.json as object).sort()).toEqual(['status', 'technician', 'updatedAt']);
  });
});
