import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LogFull, NotFound, TooManyMessages, ValidationFailed } from '#domain/errors';
import { appletConnected, appletHello, chat, sessionForTicket, technicianConnected } from '#domain/live-connections';
import { MAX_CLIENT_LOG_ENTRIES, messageLimits } from '#domain/message-limits';
import { redeemPin } from '#domain/pin-redemption';
import { createSession, generatePin, getSession, getSessionLog, getSessionLogPage, LOG_PAGE_MAX, startSession } from '#domain/sessions';
import { ticketFromFileName } from '../../applet/server-config.ts';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, testDependencies } from '../support/domain.ts';

const alice = seededTechnician('alice');
const bob = seededTechnician('bob');
type Deps = ReturnType<typeof testDependencies>;

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable({ seed: true });
});
afterAll(async () => {
  await table.drop();
});

async function liveSession(deps: Deps, appletConnection: string, status: 'waiting' | 'active') {
  const session = await createSession(deps, alice, 'Flooding customer');
  const { pin } = await generatePin(deps, alice, session.id);
  const redemption = await redeemPin(deps, pin, { ip: '203.0.113.40' });
  const grant = await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName));
  if (!grant) throw new Error('no grant');
  await appletConnected(deps, appletConnection, grant, {});
  if (status === 'active') await startSession(deps, alice, session.id);
  return session;
}

const refusedWith = (error: unknown) =>
  error instanceof TooManyMessages
    ? 'too_many_messages'
    : error instanceof LogFull
      ? 'log_full'
      : error instanceof Error
        ? error.name
        : 'ok';

describe('a customer flooding a session', () => {
  it('answers hello past the per-session window with too_many_messages and writes nothing for it', async () => {
    const deps = testDependencies(table);
    const session = await liveSession(deps, 'hello-flood', 'waiting');
    const pushesTo = () =>
      deps.notifier.toTechnicians.filter((sent) => sent.message.type === 'session.updated' && sent.message.session.id === session.id)
        .length;
    const pushesBefore = pushesTo();
    const answers = [];
    for (let i = 0; i < 30; i += 1) answers.push(await appletHello(deps, 'hello-flood', { os: 'Linux' }).then(() => 'ok', refusedWith));
    expect(answers.filter((answer) => answer === 'ok')).toHaveLength(messageLimits.helloPerSession.count);
    expect(answers.filter((answer) => answer === 'too_many_messages')).toHaveLength(30 - messageLimits.helloPerSession.count);
    const log = await getSessionLog(deps, alice, session.id);
    expect(log.filter((entry) => entry.type === 'system_info')).toHaveLength(messageLimits.helloPerSession.count);
    // The technician was told of each accepted hello only.
    expect(pushesTo() - pushesBefore).toBe(messageLimits.helloPerSession.count);
  });

  it('bounds chat per session window and the log per session, says so once, and stores each line once', async () => {
    const deps = testDependencies(table);
    const session = await liveSession(deps, 'chat-flood', 'active');
    const line = 'x'.repeat(4000);
    const perWindow = messageLimits.chatPerSession.count;
    const answers: string[] = [];
    // Window after window, until the log bound stops the flood; bounded in count by the loop.
    for (let window = 0; window * perWindow <= MAX_CLIENT_LOG_ENTRIES + perWindow; window += 1) {
      const batch = await Promise.all(
        Array.from({ length: perWindow + 5 }, () => chat(deps, 'chat-flood', session.id, line).then(() => 'ok', refusedWith)),
      );
      answers.push(...batch);
      deps.clock.advanceSeconds(messageLimits.chatPerSession.windowSeconds);
    }
    expect(answers.filter((answer) => answer === 'ok')).toHaveLength(MAX_CLIENT_LOG_ENTRIES);
    expect(answers.filter((answer) => answer === 'log_full').length).toBeGreaterThan(0);
    expect(answers.every((answer) => ['ok', 'log_full', 'too_many_messages'].includes(answer))).toBe(true);

    const log = await getSessionLog(deps, alice, session.id);
    const chats = log.filter((entry) => entry.type === 'chat');
    expect(chats).toHaveLength(MAX_CLIENT_LOG_ENTRIES);
    expect(log.filter((entry) => entry.type === 'log_full')).toHaveLength(1);
    expect(chats[0]).toMatchObject({ message: line, details: { from: 'customer' } });
    expect(chats[0]?.details).not.toHaveProperty('text');
    // The session itself is untouched by the flood.
    expect((await getSession(deps, alice, session.id)).status).toBe('active');

    // Read by cursor: bounded pages that together are the whole log, each entry once.
    const paged = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const answer = await getSessionLogPage(deps, alice, session.id, { limit: LOG_PAGE_MAX, cursor });
      expect(answer.entries.length).toBeLessThanOrEqual(LOG_PAGE_MAX);
      expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(1_000_000);
      paged.push(...answer.entries);
      cursor = answer.cursor;
      if (!answer.hasMore) break;
    }
    expect(paged).toEqual(log);
    await expect(getSessionLogPage(deps, alice, session.id, { limit: LOG_PAGE_MAX + 1 })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(getSessionLogPage(deps, alice, session.id, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationFailed);
  }, 240_000);

  it("bounds the denied entries another technician's probing writes into the owner's log", async () => {
    const deps = testDependencies(table);
    const session = await liveSession(deps, 'probed-applet', 'active');
    await technicianConnected(deps, 'bob-probe', bob);
    for (let i = 0; i < 40; i += 1) {
      await expect(getSession(deps, bob, session.id)).rejects.toBeInstanceOf(NotFound);
      await expect(chat(deps, 'bob-probe', session.id, 'probe')).rejects.toBeInstanceOf(NotFound);
    }
    const denied = (await getSessionLog(deps, alice, session.id)).filter((entry) => entry.type === 'denied');
    expect(denied).toHaveLength(messageLimits.deniedPerSession.count);
  });
});
