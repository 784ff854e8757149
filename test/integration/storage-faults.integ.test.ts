import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { appletConnected, sessionForTicket } from '#domain/live-connections';
import { redeemPin } from '#domain/pin-redemption';
import { createSession, generatePin, getSession, getSessionLog, startSession } from '#domain/sessions';
import { createDocumentClient } from '#storage/dynamo-client';
import { keys } from '#storage/keys';
import { errorResponse } from '#shared/http';
import { ticketFromFileName } from '../../applet/server-config.ts';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, testDependencies } from '../support/domain.ts';
import { injectFaults, type FaultKind } from '../support/fault-injection.ts';

const alice = seededTechnician('alice');
const customer = { ip: '203.0.113.44' };

let table: TestTable;
let faults: ReturnType<typeof injectFaults>;
let deps: ReturnType<typeof testDependencies>;

beforeAll(async () => {
  table = await createTestTable({ seed: true });
});
afterAll(async () => {
  await table.drop();
});
beforeEach(() => {
  // A client of its own per test, so that planned faults never leak into the next test.
  const client = createDocumentClient(table.endpoint);
  faults = injectFaults(client);
  deps = testDependencies({ client, name: table.name });
});

/** What the HTTP adapter makes of a failure: the client's view. */
async function responseTo(action: Promise<unknown>) {
  const error = await action.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeDefined();
  const response = errorResponse(error);
  return { status: response.statusCode, retryAfter: response.headers?.['retry-after'], body: JSON.parse(String(response.body)) as unknown };
}

async function waitingSession() {
  const session = await createSession(deps, alice, 'Faulty');
  const { pin } = await generatePin(deps, alice, session.id);
  const redemption = await redeemPin(deps, pin, customer);
  const grant = await sessionForTicket(deps, ticketFromFileName(redemption.applet.fileName));
  await appletConnected(deps, 'faulty-applet', grant!, {});
  return session;
}

describe('storage faults', () => {
  it.each<FaultKind>(['throttle', 'timeout', 'transaction-throttled', 'connection-refused'])(
    'answers a start hit by %s with 503 + Retry-After and leaves the session exactly as it was; the retry succeeds once',
    async (kind) => {
      const session = await waitingSession();
      faults.plan({ command: 'TransactWriteItemsCommand', kind, times: 1 });
      const response = await responseTo(startSession(deps, alice, session.id));
      expect(response).toEqual({ status: 503, retryAfter: '2', body: { error: { code: 'unavailable', message: expect.any(String) } } });
      expect((await getSession(deps, alice, session.id)).status).toBe('waiting');
      expect((await getSessionLog(deps, alice, session.id)).map((entry) => entry.type)).not.toContain('started');

      await expect(startSession(deps, alice, session.id)).resolves.toMatchObject({ status: 'active' });
      expect((await getSessionLog(deps, alice, session.id)).filter((entry) => entry.type === 'started')).toHaveLength(1);
    },
  );

  it('keeps the PIN and the session untouched when the redeem transaction fails, so the customer can simply retry', async () => {
    const session = await createSession(deps, alice, 'Redeem fault');
    const { pin } = await generatePin(deps, alice, session.id);
    faults.plan({ command: 'TransactWriteItemsCommand', kind: 'transaction-throttled', times: 1 });
    expect((await responseTo(redeemPin(deps, pin, customer))).status).toBe(503);
    expect((await getSession(deps, alice, session.id)).status).toBe('pending');
    await expect(redeemPin(deps, pin, customer)).resolves.toMatchObject({ sessionId: session.id });
  });

  it('answers 503 when the read before a redeem times out, without counting a failed guess', async () => {
    const session = await createSession(deps, alice, 'Read fault');
    const { pin } = await generatePin(deps, alice, session.id);
    faults.plan({ command: 'GetItemCommand', kind: 'timeout', times: 1 });
    expect((await responseTo(redeemPin(deps, pin, customer))).status).toBe(503);
    const window = Math.floor(deps.clock.now().getTime() / 1000 / deps.config.redeemFailureWindowSeconds);
    const counter = await table.client.send(
      new GetCommand({ TableName: table.name, Key: keys.rateWindow('redeem-fail', customer.ip, window) }),
    );
    expect(counter.Item?.count ?? 0).toBe(0);
    await expect(redeemPin(deps, pin, customer)).resolves.toMatchObject({ sessionId: session.id });
  });

  it('never writes half a session when its create is throttled, and a retry with the same Idempotency-Key makes exactly one', async () => {
    faults.plan({ command: 'TransactWriteItemsCommand', kind: 'throttle', times: 1 });
    const key = `fault-${Date.now()}`;
    expect((await responseTo(createSession(deps, alice, 'Idempotent', key))).status).toBe(503);
    const created = await createSession(deps, alice, 'Idempotent', key);
    const replayed = await createSession(deps, alice, 'Idempotent', key);
    expect(replayed.id).toBe(created.id);
    expect((await getSessionLog(deps, alice, created.id)).filter((entry) => entry.type === 'created')).toHaveLength(1);
  });

  it('answers a generate-PIN hit by throttling with 503 and leaves no live PIN behind', async () => {
    const session = await createSession(deps, alice, 'PIN fault');
    faults.plan({ command: 'TransactWriteItemsCommand', kind: 'throttle', times: 1 });
    expect((await responseTo(generatePin(deps, alice, session.id))).status).toBe(503);
    const view = await getSession(deps, alice, session.id);
    expect(view.status).toBe('created');
    expect(view.pinExpiresAt).toBeUndefined();
    expect(faults.injected).toBe(1);
  });
});
