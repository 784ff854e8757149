import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { SessionLogEntry } from '#domain/session-model';
import type { SessionChange, SessionItem } from '#domain/session-rules';
import { createDocumentClient } from '#storage/dynamo-client';
import { DynamoStore } from '#storage/dynamo-store';
import { StorageUnavailable } from '#storage/faults';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { injectFaults } from '../support/fault-injection.ts';

let table: TestTable;
let store: DynamoStore<SessionItem, SessionLogEntry>;

beforeAll(async () => {
  table = await createTestTable();
  store = new DynamoStore(table);
});
afterAll(async () => {
  await table.drop();
});

const at = new Date().toISOString();
const entry = (message: string): SessionLogEntry => ({ at, type: 'started', actor: { kind: 'system' }, message });

async function waitingSession(): Promise<SessionItem> {
  const session: SessionItem = {
    id: randomUUID(),
    customerName: 'Transition',
    status: 'waiting',
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    technicianId: 'tech-1',
    technicianUsername: 'tech',
    technicianDisplayName: 'Tech',
    ticketHash: 'ticket-hash',
  };
  expect(await store.insertSession(session, entry('created'))).toBe('created');
  return session;
}

const start: SessionChange = { set: { status: 'active', startedAt: at }, remove: ['ticketHash'] };

describe('DynamoStore transitions', () => {
  it('answers won, writes the patch and the log entry together, and a second insert of the id is exists', async () => {
    const session = await waitingSession();
    expect(
      await store.transition({
        sessionId: session.id,
        expected: { status: ['waiting'], attributes: { technicianId: 'tech-1' } },
        patch: start,
        log: entry('started'),
      }),
    ).toEqual({
      outcome: 'won',
    });
    const stored = await store.getSession(session.id);
    expect(stored).toMatchObject({ status: 'active', startedAt: at });
    expect(stored?.ticketHash).toBeUndefined();
    expect((await store.readLog(session.id)).map((logged) => logged.message)).toEqual(['created', 'started']);
    expect(await store.insertSession(session)).toBe('exists');
  });

  it('answers lost (session) when the stored status or an expected attribute differs, and writes nothing', async () => {
    const session = await waitingSession();
    expect(
      await store.transition({ sessionId: session.id, expected: { status: ['created'] }, patch: start, log: entry('started') }),
    ).toEqual({ outcome: 'lost', because: 'session' });
    expect(
      await store.transition({ sessionId: session.id, expected: { attributes: { technicianId: 'someone-else' } }, patch: start }),
    ).toEqual({ outcome: 'lost', because: 'session' });
    expect(await store.transition({ sessionId: session.id, expected: { attributes: { pinHash: 'a-pin' } }, patch: start })).toEqual({
      outcome: 'lost',
      because: 'session',
    });
    expect((await store.getSession(session.id))?.status).toBe('waiting');
    expect(await store.readLog(session.id)).toHaveLength(1);
  });

  it('answers lost (companion) when a companion write is refused: the token to consume is already spent', async () => {
    const session = await waitingSession();
    const nowEpoch = Math.floor(Date.now() / 1000);
    const consume = { write: 'consume-token', token: { kind: 'ticket', hash: 'never-issued' }, nowEpoch } as const;
    expect(await store.transition({ sessionId: session.id, expected: { status: ['waiting'] }, patch: start, with: [consume] })).toEqual({
      outcome: 'lost',
      because: 'companion',
    });
    expect((await store.getSession(session.id))?.status).toBe('waiting');
  });

  it('answers gone for a session that does not exist', async () => {
    expect(
      await store.transition({ sessionId: randomUUID(), expected: { status: ['waiting'] }, patch: start, log: entry('started') }),
    ).toEqual({ outcome: 'gone' });
  });

  it('turns a throttled transaction into StorageUnavailable, so no adapter needs to know DynamoDB', async () => {
    const session = await waitingSession();
    const client = createDocumentClient(table.endpoint);
    injectFaults(client).plan({ command: 'TransactWriteItemsCommand', kind: 'transaction-throttled', times: 1 });
    const faulty = new DynamoStore<SessionItem, SessionLogEntry>({ client, name: table.name });
    await expect(faulty.transition({ sessionId: session.id, expected: { status: ['waiting'] }, patch: start })).rejects.toBeInstanceOf(
      StorageUnavailable,
    );
    expect((await store.getSession(session.id))?.status).toBe('waiting');
  });

  it('refuses a misspelt attribute at compile time', () => {
    // @ts-expect-error: `startedAtt` is no attribute of a session (tsc fails if this ever compiles).
    const misspeltSet: SessionChange = { set: { startedAtt: at } };
    // @ts-expect-error: a required attribute cannot be removed.
    const removesStatus: SessionChange = { remove: ['status'] };
    expect([misspeltSet, removesStatus]).toHaveLength(2);
  });
});
