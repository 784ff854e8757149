import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { webSocketRoutes } from '#routes';
import { closeHttpAgents, devToken, MessageSocket, UpgradeRefused, type ServerMessage } from '../../load/api-client.ts';
import { sessionInStatus, type SeededSession } from '../../load/flow.ts';
import { hostileStrings, startFuzzRuntime, tableSnapshot } from './fuzz-harness.ts';
import { eventually } from '../support/eventually.ts';

/**
 * Hostile input, WebSocket side: malformed, mistyped, oversized and
 * misdirected frames from technicians and applets, and hostile `$connect`
 * query strings. Every bad frame gets exactly one `{"type":"error"}` answer
 * and the socket stays usable (a valid message afterwards still works); every
 * bad `$connect` is refused with API Gateway's 401/403; the table does not change.
 */

let runtime: Awaited<ReturnType<typeof startFuzzRuntime>>;
const tokens: Record<string, string> = {};
let active: SeededSession;
let waiting: SeededSession;
let created: SeededSession;
let bobs: SeededSession;
let alice: MessageSocket;
let bob: MessageSocket;
let before: string[];

const actions = webSocketRoutes.map((route) => route.routeKey).filter((key) => !key.startsWith('$'));

beforeAll(async () => {
  runtime = await startFuzzRuntime();
  for (const user of ['alice', 'bob', 'carol']) tokens[user] = await devToken(runtime.url, user);
  active = await sessionInStatus(runtime, tokens.alice!, 'active');
  waiting = await sessionInStatus(runtime, tokens.alice!, 'waiting');
  created = await sessionInStatus(runtime, tokens.alice!, 'created');
  bobs = await sessionInStatus(runtime, tokens.bob!, 'created');
  alice = await MessageSocket.open(`${runtime.webSocketUrl}?token=${tokens.alice}`);
  bob = await MessageSocket.open(`${runtime.webSocketUrl}?token=${tokens.bob}`);
  before = await tableSnapshot(runtime);
}, 60_000);

afterAll(async () => {
  for (const socket of [alice, bob, active?.applet, waiting?.applet]) await socket?.close();
  closeHttpAgents();
  await runtime?.cleanUp();
});

const errorCodes = ['validation_failed', 'not_found', 'forbidden', 'invalid_transition'];

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A value of any JSON type, or a string nobody should send. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...hostileStrings), fc.string({ unit: 'binary', maxLength: 80 }));

/** Ids of sessions the sender does not own (or that do not exist), in every shape. */
const foreignId = () => fc.oneof(fc.uuid(), fc.constantFrom(bobs.id, ...hostileStrings), fc.constant(undefined));

/** Frames no route can accept, whoever sends them. */
const malformedFrame = () =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).filter((text) => !isValidJson(text)),
    fc.constantFrom(
      '{',
      '{"action":',
      '{"action":"chat",}',
      "{'action':'chat'}",
      'null',
      '[]',
      '0',
      '"chat"',
      'true',
      '{}',
      '{"action":null}',
      '{"action":["chat"]}',
      '{"action":{"chat":1}}',
      '{"action":"$connect"}',
      '{"action":"$disconnect"}',
      '{"action":"$default"}',
    ),
    fc
      .record({
        action: anyValue.filter((value) => typeof value !== 'string' || !actions.includes(value)),
        sessionId: anyValue,
        text: anyValue,
      })
      .map((value) => JSON.stringify(value)),
    fc
      .record({ action: fc.constantFrom('chat'), sessionId: anyValue, text: anyValue }, { requiredKeys: ['action'] })
      .map((value) => JSON.stringify(value)),
    fc
      .record({
        action: fc.constant('chat'),
        sessionId: fc.constant(active.id),
        // The service trims a line before counting it, so the over-long one starts and ends with a letter.
        text: fc.oneof(
          fc.constantFrom('', '   ', '\n\t'),
          fc.string({ minLength: 4001, maxLength: 6000 }).map((text) => `x${text}x`),
        ),
      })
      .map((value) => JSON.stringify(value)),
    fc.record({ action: fc.constant('end'), sessionId: anyValue }, { requiredKeys: ['action'] }).map((value) => JSON.stringify(value)),
    fc
      .record({
        action: fc.constant('hello'),
        systemInfo: fc.oneof(
          fc.constant(null),
          fc.string(),
          fc.integer(),
          fc.array(fc.integer()),
          fc.record({ cpus: fc.oneof(fc.string(), fc.double({ min: 0.5, max: 0.9 }), fc.constant(-1)) }),
          fc.record({ os: fc.string({ minLength: 101, maxLength: 300 }) }),
        ),
      })
      .map((value) => JSON.stringify(value)),
  );

/** Frames that would be fine from the right sender, sent by the wrong one. */
const technicianMisdirected = () =>
  fc.oneof(
    fc.constant(JSON.stringify({ action: 'hello', systemInfo: { os: 'linux' } })),
    foreignId().map((sessionId) => JSON.stringify({ action: 'chat', sessionId, text: 'hello from the wrong side' })),
    fc
      .constantFrom(
        () => created.id,
        () => waiting.id,
      )
      .map((id) => JSON.stringify({ action: 'chat', sessionId: id(), text: 'not active yet' })),
    fc
      .constantFrom(
        () => active.id,
        () => waiting.id,
        () => bobs.id,
      )
      .map((id) => JSON.stringify({ action: 'end', sessionId: id() })),
  );

/** Chat or end aimed at any session but the applet's own. */
const appletMisdirected = (own: SeededSession) =>
  fc.oneof(
    foreignId().map((sessionId) => JSON.stringify({ action: 'chat', sessionId, text: 'into another session' })),
    fc
      .constantFrom(...[active, waiting, created, bobs].filter((session) => session.id !== own.id))
      .chain((other) => fc.constantFrom('chat', 'end').map((action) => JSON.stringify({ action, sessionId: other.id, text: 'not mine' }))),
  );

async function expectOneError(socket: MessageSocket, frame: string): Promise<ServerMessage> {
  const from = socket.received.length;
  socket.send(frame);
  const answer = await socket.next((message) => message.type === 'error' || message.message !== undefined, 10_000, from);
  const context = `${JSON.stringify(answer)} <- ${frame.slice(0, 200)}`;
  explained(context, () => expect(answer.type).toBe('error'));
  explained(context, () => expect(errorCodes).toContain(answer.code));
  explained(context, () => expect(typeof answer.message).toBe('string'));
  explained(context, () => expect(JSON.stringify(answer)).not.toMatch(/\.ts:\d+|node_modules|Exception|SESSION#|CONN#|stack/));
  explained(context, () => expect(socket.isOpen).toBe(true));
  return answer;
}

describe('bad frames get one error each and the socket stays', () => {
  it('from a technician', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(malformedFrame(), technicianMisdirected()), async (frame) => {
        await expectOneError(alice, frame);
      }),
      { numRuns: 80 },
    );
    expect(await tableSnapshot(runtime)).toEqual(before);
  });

  it("from another technician, aimed at alice's sessions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          () => active.id,
          () => waiting.id,
          () => created.id,
        ),
        fc.constantFrom('chat', 'end'),
        async (id, action) => {
          const answer = await expectOneError(bob, JSON.stringify({ action, sessionId: id(), text: 'sneaking in' }));
          expect(answer.code).toBe('not_found');
        },
      ),
      { numRuns: 10 },
    );
    expect(await tableSnapshot(runtime)).toEqual(before);
  });

  it('from an applet (active and waiting sessions)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(
            () => active,
            () => waiting,
          )
          .chain((sender) => fc.tuple(fc.constant(sender()), fc.oneof(malformedFrame(), appletMisdirected(sender())))),
        async ([sender, frame]) => {
          await expectOneError(sender.applet!, frame);
        },
      ),
      { numRuns: 80 },
    );
    expect(await tableSnapshot(runtime)).toEqual(before);
  });

  it('binary frames and frames just under the 128 KB limit', async () => {
    await expectOneError(alice, Buffer.from([0xff, 0xfe, 0x00, 0x7b]) as unknown as string);
    await expectOneError(active.applet!, JSON.stringify({ action: 'chat', sessionId: active.id, text: 'x'.repeat(120 * 1024) }));
    expect(await tableSnapshot(runtime)).toEqual(before);
  });

  it('after all of it, valid messages still work both ways', async () => {
    const appletFrom = active.applet!.received.length;
    alice.send({ action: 'chat', sessionId: active.id, text: 'still here?' });
    const toCustomer = await active.applet!.next((message) => message.type === 'chat', 10_000, appletFrom);
    expect(toCustomer).toMatchObject({ sessionId: active.id, from: 'technician', text: 'still here?' });
    const aliceFrom = alice.received.length;
    active.applet!.send({ action: 'chat', sessionId: active.id, text: 'yes' });
    const toTechnician = await alice.next((message) => message.type === 'chat', 10_000, aliceFrom);
    expect(toTechnician).toMatchObject({ sessionId: active.id, from: 'customer', text: 'yes' });
    before = await tableSnapshot(runtime); // the two chat lines are meant to be logged
  });
});

describe('oversized frames', () => {
  it('a frame over 128 KB closes that socket with 1009, as API Gateway does; other sockets are unaffected', async () => {
    const victim = await MessageSocket.open(`${runtime.webSocketUrl}?token=${tokens.alice}`);
    victim.send('x'.repeat(1024 * 1024));
    expect((await victim.closed()).code).toBe(1009);
    await expectOneError(alice, '{"action":"nope"}');
    // Its $disconnect runs after the close, in a handler that may still be cold.
    // The closed socket's connection record is gone: nothing is left that was not there before.
    await eventually(async () => expect((await tableSnapshot(runtime)).filter((item) => !before.includes(item))).toEqual([]), {
      timeoutMs: 15_000,
    });
  });
});

describe('$connect refuses hostile query strings', () => {
  const query = fc.oneof(
    fc.constantFrom(...hostileStrings).map((value) => ({ ticket: value })),
    fc.constantFrom(...hostileStrings).map((value) => ({ token: value })),
    fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 128 }).map((value) => ({ ticket: value })),
    fc
      .constantFrom(
        () => ({ ticket: tokens.alice! }),
        () => ({ token: active.redeemed!.ticket }),
        () => ({ token: active.redeemed!.progressToken }),
        () => ({ ticket: active.redeemed!.progressToken }),
      )
      .map((make) => make()),
    fc.constant({}),
    fc.constant({ ticket: '', token: '' }),
  );
  it("403 with API Gateway's body, never 500, and no connection is registered", async () => {
    await fc.assert(
      fc.asyncProperty(query, async (parameters) => {
        const search = Object.entries(parameters)
          .map(
            ([name, value]) =>
              `${name}=${[...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`,
          )
          .join('&');
        const refused = await MessageSocket.open(`${runtime.webSocketUrl}?${search}`).then(
          async (socket) => {
            await socket.close();
            return undefined;
          },
          (error: unknown) => error,
        );
        explained(search, () => expect(refused).toBeInstanceOf(UpgradeRefused));
        explained(search, () => expect((refused as UpgradeRefused).status).toBe(403));
        explained(search, () => expect(JSON.parse((refused as UpgradeRefused).body)).toHaveProperty('message'));
      }),
      { numRuns: 60 },
    );
    const afterConnects = await tableSnapshot(runtime);
    expect(afterConnects.filter((item) => !before.includes(item)).concat(before.filter((item) => !afterConnects.includes(item)))).toEqual(
      [],
    );
  });

  it('an unknown ticket is refused; a fresh ticket opens exactly its own session, once', async () => {
    await expect(MessageSocket.open(`${runtime.webSocketUrl}?ticket=${randomUUID().replaceAll('-', '')}`)).rejects.toMatchObject({
      status: 403,
    });
    const connecting = await sessionInStatus(runtime, tokens.alice!, 'connecting');
    const applet = await MessageSocket.open(`${runtime.webSocketUrl}?ticket=${connecting.redeemed!.ticket}`);
    applet.send({ action: 'hello', systemInfo: { os: 'linux' } });
    const state = await applet.next((message) => message.type === 'session.state');
    expect(state.session).toMatchObject({ id: connecting.id, status: 'waiting' });
    await expect(MessageSocket.open(`${runtime.webSocketUrl}?ticket=${connecting.redeemed!.ticket}`)).rejects.toMatchObject({
      status: 403,
    });
    await applet.close();
  });
});
