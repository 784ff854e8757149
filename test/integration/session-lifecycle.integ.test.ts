import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidTransition, MissingPermission, NotFound, PinInvalid, PinSpaceExhausted, TooManyAttempts, Forbidden } from '#domain/errors';
import { staticIceServers } from '#domain/ice-servers';
import {
  appletConnected,
  appletHello,
  chat,
  customerEnds,
  disconnected,
  screenSignal,
  sessionForTicket,
  technicianConnected,
} from '#domain/live-connections';
import { customerProgress, redeemPin } from '#domain/pin-redemption';
import { hashPin } from '#domain/secrets';
import { closeSession, createSession, generatePin, getSession, getSessionLog, listSessions, startSession } from '#domain/sessions';
import { sweepTimeouts } from '#domain/timeouts';
import { keys } from '#storage/keys';
import { ticketFromFileName } from '../../applet/server-config.ts';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, testDependencies } from '../support/domain.ts';
import { wholeSessionLogTypes } from '../support/session-story.ts';

const alice = seededTechnician('alice');
const bob = seededTechnician('bob');
const carol = seededTechnician('carol');
const customer = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' };

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable({ seed: true });
});
afterAll(async () => {
  await table.drop();
});

type Deps = ReturnType<typeof testDependencies>;

/** The applet connecting with the ticket from its downloaded file's name. */
async function appletJoins(deps: Deps, connectionId: string, redemption: { applet: { fileName: string } }) {
  const grant = await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName));
  if (!grant) throw new Error('the ticket from the redemption opens no session');
  return appletConnected(deps, connectionId, grant, {});
}

/** The resume ticket the server handed a connection in its last session.state. */
function resumeTicketSentTo(deps: Deps, connectionId: string): string {
  const state = deps.notifier.toConnections
    .filter((sent) => sent.connectionId === connectionId && sent.message.type === 'session.state')
    .at(-1);
  const ticket = state?.message.type === 'session.state' ? state.message.resumeTicket : undefined;
  if (!ticket) throw new Error(`no resume ticket was sent to ${connectionId}`);
  return ticket;
}

async function sessionWithPin(deps: Deps, name = 'Erika Mustermann') {
  const session = await createSession(deps, alice, name);
  const { pin } = await generatePin(deps, alice, session.id);
  return { session, pin };
}

describe('the session lifecycle against DynamoDB Local', () => {
  it('walks created -> pending -> connecting -> waiting -> active -> closed and logs every step in order', async () => {
    const deps = testDependencies(table, {
      appletDownloads: [
        { platform: 'windows-x64', bytes: 87_000_000 },
        { platform: 'linux-x64', bytes: 125_000_000 },
        { platform: 'node', bytes: 147_000 },
      ],
    });
    const created = await createSession(deps, alice, 'Erika Mustermann');
    expect(created.status).toBe('created');

    const { pin, expiresAt } = await generatePin(deps, alice, created.id);
    expect(pin).toMatch(/^\d{6}$/);
    expect(new Date(expiresAt).getTime() - deps.clock.now().getTime()).toBe(600_000);
    expect((await getSession(deps, alice, created.id)).status).toBe('pending');

    const redemption = await redeemPin(deps, `${pin.slice(0, 3)} ${pin.slice(3)}`, customer);
    expect(redemption.sessionId).toBe(created.id);
    expect(redemption.technician.displayName).toBe('Alice Adler');
    expect(redemption.applet.fileName).toMatch(/^RemoteSupport_[A-Za-z0-9_-]{32}\.cjs$/);
    expect((await getSession(deps, alice, created.id)).status).toBe('connecting');

    const ticket = ticketFromFileName(redemption.applet.fileName);
    // Every system's download carries the same ticket; the native ones live under their platform.
    expect(redemption.applet.downloads).toEqual([
      {
        platform: 'windows-x64',
        fileName: `RemoteSupport_${ticket}.exe`,
        downloadUrl: `/applet/windows-x64/RemoteSupport_${ticket}.exe`,
        bytes: 87_000_000,
      },
      {
        platform: 'linux-x64',
        fileName: `RemoteSupport_${ticket}`,
        downloadUrl: `/applet/linux-x64/RemoteSupport_${ticket}`,
        bytes: 125_000_000,
      },
      { platform: 'node', fileName: `RemoteSupport_${ticket}.cjs`, downloadUrl: `/applet/RemoteSupport_${ticket}.cjs`, bytes: 147_000 },
    ]);
    expect((await sessionForTicket(deps, ticket))?.sessionId).toBe(created.id);
    await technicianConnected(deps, 'tech-conn-1', alice);
    await appletJoins(deps, 'applet-conn-1', redemption);
    // Single-use: the downloaded file's ticket is spent once the applet is in.
    expect(await sessionForTicket(deps, ticket)).toBeUndefined();
    expect((await getSession(deps, alice, created.id)).status).toBe('waiting');
    expect((await customerProgress(deps, redemption.progress.token)).status).toBe('waiting');

    await appletHello(deps, 'applet-conn-1', { os: 'Linux', cpus: 4, hostname: 'erika-pc' });
    const started = await startSession(deps, alice, created.id);
    expect(started.status).toBe('active');
    expect(started.customer?.systemInfo).toMatchObject({ os: 'Linux', cpus: 4, hostname: 'erika-pc' });
    expect(deps.notifier.toConnections).toContainEqual({
      connectionId: 'applet-conn-1',
      message: { type: 'session.started', sessionId: created.id, technician: { displayName: 'Alice Adler' } },
    });

    await chat(deps, 'applet-conn-1', created.id, 'Hallo!');
    await chat(deps, 'tech-conn-1', created.id, 'Guten Tag');
    const closed = await closeSession(deps, alice, created.id);
    expect(closed.status).toBe('closed');
    expect(closed.closeReason).toBe('technician_closed');
    expect(deps.notifier.toConnections.at(-1)).toEqual({
      connectionId: 'applet-conn-1',
      message: { type: 'session.closed', sessionId: created.id, reason: 'technician_closed' },
    });

    const log = await getSessionLog(deps, alice, created.id);
    expect(log.map((entry) => entry.type)).toEqual(wholeSessionLogTypes);
    expect(log[1]?.message).toBe(`PIN code ${pin} created`);
    expect(log[2]?.details).toMatchObject({ ip: customer.ip, userAgent: customer.userAgent });
    // A chat line is stored once, as the entry's message.
    expect(log[6]).toMatchObject({ message: 'Hallo!', details: { from: 'customer' } });
    expect(log[7]).toMatchObject({ message: 'Guten Tag', details: { from: 'technician' } });
    expect(log[6]?.details).toEqual({ from: 'customer' });
    expect(await listSessions(deps, alice)).not.toContainEqual(expect.objectContaining({ id: created.id }));
    // The resume ticket dies with the session.
    expect(await sessionForTicket(deps, resumeTicketSentTo(deps, 'applet-conn-1'))).toBeUndefined();
  });

  it('stores the PIN only as a keyed hash: the table never holds the digits', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    const secret = await deps.pinSecret();
    const stored = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.pin(hashPin(secret, pin)) }));
    expect(stored.Item?.sessionId).toBe(session.id);
    const raw = JSON.stringify((await table.client.send(new GetCommand({ TableName: table.name, Key: keys.session(session.id) }))).Item);
    expect(raw).not.toContain(pin);
  });

  it('lets exactly one of 20 concurrent redeems of one PIN win', async () => {
    const deps = testDependencies(table, { redeemFailuresPerClient: 1000 });
    const { session, pin } = await sessionWithPin(deps);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => redeemPin(deps, pin, { ip: `198.51.100.${i}` })));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PinInvalid);
    }
    expect((await getSession(deps, alice, session.id)).status).toBe('connecting');
    const redeemedEntries = (await getSessionLog(deps, alice, session.id)).filter((entry) => entry.type === 'pin_redeemed');
    expect(redeemedEntries).toHaveLength(1);
  });

  it('lets exactly one of 20 concurrent starts win', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'applet-race', redemption);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => startSession(deps, alice, session.id)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(InvalidTransition);
    }
    const starts = (await getSessionLog(deps, alice, session.id)).filter((entry) => entry.type === 'started');
    expect(starts).toHaveLength(1);
  });

  it('leaves exactly one live PIN when a session gets PINs generated concurrently', async () => {
    const deps = testDependencies(table);
    const session = await createSession(deps, alice, 'Concurrent');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => generatePin(deps, alice, session.id)));
    const pins = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.pin] : []));
    expect(pins.length).toBeGreaterThanOrEqual(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(InvalidTransition);
    }
    const outcomes = [];
    for (const pin of pins)
      outcomes.push(
        await redeemPin(deps, pin, customer).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      );
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
  });

  it('replaces the previous PIN when a new one is generated', async () => {
    const deps = testDependencies(table);
    const { session, pin: first } = await sessionWithPin(deps);
    const { pin: second } = await generatePin(deps, alice, session.id);
    await expect(redeemPin(deps, first, customer)).rejects.toBeInstanceOf(PinInvalid);
    await expect(redeemPin(deps, second, customer)).resolves.toMatchObject({ sessionId: session.id });
    const log = await getSessionLog(deps, alice, session.id);
    expect(log.filter((entry) => entry.type === 'pin_generated' || entry.type === 'pin_replaced')).toHaveLength(2);
  });

  it('gives the same answer for unknown, expired and used PINs', async () => {
    const deps = testDependencies(table, { redeemFailuresPerClient: 1000 });
    const used = await sessionWithPin(deps);
    await redeemPin(deps, used.pin, customer);
    const expired = await sessionWithPin(deps);
    deps.clock.advanceSeconds(601);
    const unknown = used.pin === '000000' ? '000001' : '000000';
    const errors = await Promise.all(
      [used.pin, expired.pin, unknown].map((pin) =>
        redeemPin(deps, pin, customer).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(PinInvalid);
      expect((error as PinInvalid).message).toBe(new PinInvalid().message);
    }
  });
});

describe('expiry without TTL deletion', () => {
  it('treats a PIN past its validity as absent while DynamoDB still holds it, and the sweeper finalizes the session', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    deps.clock.advanceSeconds(600);

    await expect(redeemPin(deps, pin, customer)).rejects.toBeInstanceOf(PinInvalid);
    const secret = await deps.pinSecret();
    const lingering = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.pin(hashPin(secret, pin)) }));
    expect(lingering.Item).toBeDefined();

    const view = await getSession(deps, alice, session.id);
    expect(view.status).toBe('expired');
    expect(view.closeReason).toBe('pin_expired');
    expect((await listSessions(deps, alice)).find((s) => s.id === session.id)?.status).toBe('expired');

    const swept = await sweepTimeouts(deps);
    expect(swept.finalized).toBeGreaterThanOrEqual(1);
    const stored = await table.client.send(new GetCommand({ TableName: table.name, Key: keys.session(session.id) }));
    expect(stored.Item?.status).toBe('expired');
    expect(stored.Item?.gsi2pk).toBeUndefined();
    expect(deps.notifier.toTechnicians).toContainEqual({
      technicianId: alice.id,
      message: { type: 'session.updated', session: expect.objectContaining({ id: session.id, status: 'expired' }) },
    });
    expect((await getSessionLog(deps, alice, session.id)).at(-1)?.type).toBe('expired');

    // An expired session can get a fresh PIN, which works.
    const again = await generatePin(deps, alice, session.id);
    await expect(redeemPin(deps, again.pin, customer)).resolves.toMatchObject({ sessionId: session.id });
  });

  it('times out a connecting session and refuses its applet afterwards', async () => {
    const deps = testDependencies(table, { connectingTimeoutSeconds: 60 });
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    const grant = await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName));
    deps.clock.advanceSeconds(61);
    expect((await getSession(deps, alice, session.id)).status).toBe('timed_out');
    expect(await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName))).toBeUndefined();
    await expect(appletConnected(deps, 'late-applet', grant!, {})).rejects.toBeInstanceOf(Forbidden);
    await sweepTimeouts(deps);
    expect((await getSession(deps, alice, session.id)).closeReason).toBe('connecting_timed_out');
  });

  it('times out a waiting session and tells its applet', async () => {
    const deps = testDependencies(table, { waitingTimeoutSeconds: 120 });
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'waiting-applet', redemption);
    deps.clock.advanceSeconds(121);
    await expect(startSession(deps, alice, session.id)).rejects.toBeInstanceOf(InvalidTransition);
    await sweepTimeouts(deps);
    expect(deps.notifier.toConnections).toContainEqual({
      connectionId: 'waiting-applet',
      message: { type: 'session.closed', sessionId: session.id, reason: 'waiting_timed_out' },
    });
  });

  it('never times out a waiting session when the waiting time-out is 0', async () => {
    const deps = testDependencies(table, { waitingTimeoutSeconds: 0 });
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'patient-applet', redemption);
    deps.clock.advanceSeconds(30 * 86_400);
    expect((await getSession(deps, alice, session.id)).status).toBe('waiting');
    await expect(startSession(deps, alice, session.id)).resolves.toMatchObject({ status: 'active' });
  });
});

describe('PIN space', () => {
  it('draws 100 distinct live PINs from a 2-digit space and answers the 101st with pin_space_exhausted', async () => {
    const small = await createTestTable({ seed: true });
    try {
      const deps = testDependencies(small, { pinDigits: 2, pinMaxDraws: 3000 });
      const pins = new Set<string>();
      for (let i = 0; i < 100; i += 1) {
        const session = await createSession(deps, alice, `Customer ${i}`);
        pins.add((await generatePin(deps, alice, session.id)).pin);
      }
      expect(pins.size).toBe(100);
      const last = await createSession(deps, alice, 'One too many');
      const exhausted = testDependencies(small, { pinDigits: 2, pinMaxDraws: 8 });
      await expect(generatePin({ ...exhausted, pinSecret: deps.pinSecret }, alice, last.id)).rejects.toBeInstanceOf(PinSpaceExhausted);
      // Once PINs expire their slots are free again, though DynamoDB has not deleted them.
      deps.clock.advanceSeconds(601);
      await expect(generatePin(deps, alice, last.id)).resolves.toMatchObject({ pin: expect.stringMatching(/^\d{2}$/) });
    } finally {
      await small.drop();
    }
  }, 120_000);
});

describe('guessing limits', () => {
  it('answers 429 with Retry-After once a client used up its failures, even for a correct PIN, while other clients go on', async () => {
    const deps = testDependencies(table, { redeemFailuresPerClient: 3, redeemFailureWindowSeconds: 600 });
    const { session, pin } = await sessionWithPin(deps);
    const wrong = pin === '999999' ? '999998' : '999999';
    const attacker = { ip: '192.0.2.66' };
    for (let i = 0; i < 3; i += 1) await expect(redeemPin(deps, wrong, attacker)).rejects.toBeInstanceOf(PinInvalid);
    const blocked = await redeemPin(deps, pin, attacker).catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(TooManyAttempts);
    expect((blocked as TooManyAttempts).retryAfterSeconds).toBeGreaterThan(0);
    expect((blocked as TooManyAttempts).retryAfterSeconds).toBeLessThanOrEqual(600);
    const redemption = await redeemPin(deps, pin, customer);
    expect(redemption.sessionId).toBe(session.id);
  });
});

describe('parallel guessing', () => {
  it('evaluates exactly the per-client budget when one client fires 50 guesses at once', async () => {
    const deps = testDependencies(table, { redeemFailuresPerClient: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => redeemPin(deps, String(100000 + i), { ip: '192.0.2.222' })),
    );
    const reasons = results.map((result) => (result.status === 'rejected' ? (result.reason as { code?: string }).code : 'redeemed'));
    expect(reasons.filter((code) => code === 'pin_invalid')).toHaveLength(10);
    expect(reasons.filter((code) => code === 'too_many_attempts')).toHaveLength(40);
  });
});

describe('under a guessing attack', () => {
  it('gives every client one attempt per window once the global budget is spent, so the customer with the right PIN still gets in', async () => {
    // Its own table: the global failure counter is shared by everything in a table.
    const attacked = await createTestTable({ seed: true });
    try {
      const deps = testDependencies(attacked, { redeemFailuresPerClient: 10, redeemFailuresGlobal: 5 });
      const { session, pin } = await sessionWithPin(deps);
      const wrong = pin === '999999' ? '999998' : '999999';
      for (let i = 0; i < 5; i += 1) await expect(redeemPin(deps, wrong, { ip: `192.0.2.${i}` })).rejects.toBeInstanceOf(PinInvalid);
      // A fresh attacker address gets one guess, then 429; one that already failed gets none.
      await expect(redeemPin(deps, wrong, { ip: '192.0.2.100' })).rejects.toBeInstanceOf(PinInvalid);
      await expect(redeemPin(deps, wrong, { ip: '192.0.2.100' })).rejects.toBeInstanceOf(TooManyAttempts);
      await expect(redeemPin(deps, wrong, { ip: '192.0.2.1' })).rejects.toBeInstanceOf(TooManyAttempts);
      // The real customer, typing the PIN the technician read out, is not locked out.
      await expect(redeemPin(deps, pin, { ip: '198.51.100.50' })).resolves.toMatchObject({ sessionId: session.id });
      const redeemed = (await getSessionLog(deps, alice, session.id)).find((entry) => entry.type === 'pin_redeemed');
      // Only attempts a client was allowed to make count overall: 5 + 1, not the 2 refused.
      expect(redeemed?.details).toMatchObject({ redeemedUnderAttack: true, failedAttemptsOverall: 6 });
    } finally {
      await attacked.drop();
    }
  });

  it('counts an IPv6 client by its /64, so rotating addresses inside it does not buy guesses', async () => {
    const deps = testDependencies(table, { redeemFailuresPerClient: 2 });
    await expect(redeemPin(deps, '000000', { ip: '2001:db8:7:7::1' })).rejects.toBeInstanceOf(PinInvalid);
    await expect(redeemPin(deps, '000000', { ip: '2001:db8:7:7::2' })).rejects.toBeInstanceOf(PinInvalid);
    await expect(redeemPin(deps, '000000', { ip: '2001:db8:7:7::3' })).rejects.toBeInstanceOf(TooManyAttempts);
  });
});

describe('retried requests', () => {
  it('creates one session for a create retried with the same Idempotency-Key', async () => {
    const deps = testDependencies(table);
    const key = `retry-${Date.now()}`;
    const first = await createSession(deps, alice, 'Retry customer', key);
    const again = await createSession(deps, alice, 'Retry customer', key);
    expect(again.id).toBe(first.id);
    const sessions = (await listSessions(deps, alice)).filter((session) => session.customerName === 'Retry customer');
    expect(sessions).toHaveLength(1);
    expect((await getSessionLog(deps, alice, first.id)).filter((entry) => entry.type === 'created')).toHaveLength(1);
    await expect(createSession(deps, alice, 'Someone else', key)).rejects.toMatchObject({ code: 'validation_failed' });
    // Another technician's identical key is another session.
    const bobs = await createSession(deps, bob, 'Retry customer', key);
    expect(bobs.id).not.toBe(first.id);
  });
});

describe('permissions and ownership', () => {
  it('refuses session creation without privateSessions and PIN creation without pinCode, naming the permission and logging it', async () => {
    const deps = testDependencies(table);
    await expect(createSession(deps, carol, 'Nobody')).rejects.toMatchObject({ code: 'forbidden', permission: 'privateSessions' });
    const bobs = await createSession(deps, bob, 'Max');
    const denied = await generatePin(deps, bob, bobs.id).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(MissingPermission);
    expect((denied as MissingPermission).message).toContain("'pinCode'");
    const log = await getSessionLog(deps, bob, bobs.id);
    expect(log.at(-1)).toMatchObject({ type: 'denied', details: { permission: 'pinCode' } });
    expect((await getSession(deps, bob, bobs.id)).status).toBe('created');
  });

  it('hides other technicians sessions as not found and records the attempt in their log', async () => {
    const deps = testDependencies(table);
    const { session } = await sessionWithPin(deps);
    await expect(getSession(deps, bob, session.id)).rejects.toBeInstanceOf(NotFound);
    await expect(startSession(deps, bob, session.id)).rejects.toBeInstanceOf(NotFound);
    await expect(closeSession(deps, bob, session.id)).rejects.toBeInstanceOf(NotFound);
    expect((await listSessions(deps, bob)).map((s) => s.id)).not.toContain(session.id);
    const log = await getSessionLog(deps, alice, session.id);
    expect(log.filter((entry) => entry.type === 'denied')).toHaveLength(3);
    expect((await getSession(deps, alice, session.id)).status).toBe('pending');
  });

  it('refuses chat before the session is active, and from a connection of another session', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'applet-a', redemption);
    await expect(chat(deps, 'applet-a', session.id, 'too early')).rejects.toBeInstanceOf(InvalidTransition);
    const other = await sessionWithPin(deps, 'Other customer');
    await appletJoins(deps, 'applet-b', await redeemPin(deps, other.pin, customer));
    await expect(chat(deps, 'applet-b', session.id, 'intruding')).rejects.toBeInstanceOf(NotFound);
    await technicianConnected(deps, 'bob-conn', bob);
    await expect(chat(deps, 'bob-conn', session.id, 'intruding')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('the customer side', () => {
  it('lets the customer end the session from the applet, once', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'applet-end', redemption);
    await startSession(deps, alice, session.id);
    await customerEnds(deps, 'applet-end', session.id);
    const view = await getSession(deps, alice, session.id);
    expect(view).toMatchObject({ status: 'closed', closeReason: 'customer_ended' });
    await expect(customerEnds(deps, 'applet-end', session.id)).rejects.toBeInstanceOf(InvalidTransition);
  });

  it('marks the customer disconnected when the applet drops, and back when it reconnects', async () => {
    const deps = testDependencies(table);
    const { session, pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    await appletJoins(deps, 'applet-1', redemption);
    await appletHello(deps, 'applet-1', { os: 'Linux' });
    await startSession(deps, alice, session.id);
    await disconnected(deps, 'applet-1');
    expect((await getSession(deps, alice, session.id)).customer?.connected).toBe(false);
    const resume = await sessionForTicket(deps, resumeTicketSentTo(deps, 'applet-1'));
    await appletConnected(deps, 'applet-2', resume!, {});
    const view = await getSession(deps, alice, session.id);
    expect(view.status).toBe('active');
    expect(view.customer?.connected).toBe(true);
    // The spent resume ticket cannot connect a second applet.
    await expect(appletConnected(deps, 'applet-3', resume!, {})).rejects.toBeInstanceOf(Forbidden);
  });

  /** An active session with its app connected and alice's console signalling on 'alice-console'. */
  async function activeWithApp(deps: Deps, appConnectionId: string) {
    const { session, pin } = await sessionWithPin(deps);
    await appletJoins(deps, appConnectionId, await redeemPin(deps, pin, customer));
    await appletHello(deps, appConnectionId, { os: 'Linux' });
    await startSession(deps, alice, session.id);
    await technicianConnected(deps, 'alice-console', alice);
    return session;
  }

  const logTypes = async (deps: Deps, sessionId: string) => (await getSessionLog(deps, alice, sessionId)).map((entry) => entry.type);

  it("logs control_revoked when the app's socket closes while control is granted (window closed, crash)", async () => {
    const deps = testDependencies(table);
    const session = await activeWithApp(deps, 'app-granted');
    for (const [connection, kind] of [
      ['alice-console', 'request'],
      ['app-granted', 'share'],
      ['alice-console', 'control_request'],
      ['app-granted', 'control_grant'],
    ] as const) {
      await screenSignal(deps, connection, session.id, { kind });
    }
    await disconnected(deps, 'app-granted');
    const types = await logTypes(deps, session.id);
    expect(types.slice(-3)).toEqual(['control_granted', 'applet_disconnected', 'control_revoked']);
  });

  it('logs no control_revoked when the app closes after control already ended, or was never granted', async () => {
    const deps = testDependencies(table);
    const released = await activeWithApp(deps, 'app-released');
    for (const [connection, kind] of [
      ['alice-console', 'request'],
      ['app-released', 'share'],
      ['alice-console', 'control_request'],
      ['app-released', 'control_grant'],
      ['alice-console', 'control_release'],
    ] as const) {
      await screenSignal(deps, connection, released.id, { kind });
    }
    await disconnected(deps, 'app-released');
    expect(await logTypes(deps, released.id)).not.toContain('control_revoked');

    const viewing = await activeWithApp(deps, 'app-viewing');
    await screenSignal(deps, 'alice-console', viewing.id, { kind: 'request' });
    await disconnected(deps, 'app-viewing');
    expect(await logTypes(deps, viewing.id)).toEqual(expect.arrayContaining(['applet_disconnected']));
    expect(await logTypes(deps, viewing.id)).not.toContain('control_revoked');
  });

  it("hands the session's ICE configuration to the app with the screen request (it has no progress token)", async () => {
    const turn = [{ urls: 'turn:192.0.2.10:3478', username: 'u', credential: 'c' }];
    const deps = { ...testDependencies(table), iceServers: staticIceServers(JSON.stringify(turn), 'relay') };
    const session = await activeWithApp(deps, 'app-ice');
    await screenSignal(deps, 'alice-console', session.id, { kind: 'request' });
    const request = deps.notifier.toConnections.filter((sent) => sent.connectionId === 'app-ice' && sent.message.type === 'screen').at(-1);
    expect(request?.message).toMatchObject({
      signal: { kind: 'request' },
      iceConfiguration: { iceServers: turn, iceTransportPolicy: 'relay' },
    });
  });

  it('lets exactly one of two applets racing with the same ticket in', async () => {
    const deps = testDependencies(table);
    const { pin } = await sessionWithPin(deps);
    const redemption = await redeemPin(deps, pin, customer);
    const grant = await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName));
    const results = await Promise.allSettled([appletConnected(deps, 'twin-1', grant!, {}), appletConnected(deps, 'twin-2', grant!, {})]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });
});
