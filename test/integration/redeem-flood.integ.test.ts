import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultConfig, loadConfig } from '#domain/config';
import { PinInvalid, TooManyAttempts } from '#domain/errors';
import { redeemPin } from '#domain/pin-redemption';
import { createSession, generatePin, getSessionLog } from '#domain/sessions';
import type { SessionLogEntry } from '#domain/session-model';
import type { SessionItem } from '#domain/session-rules';
import { DynamoStore } from '#storage/dynamo-store';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, testDependencies } from '../support/domain.ts';

const alice = seededTechnician('alice');
const GUESSES = 20_000;
const IN_FLIGHT = 64;
/** Warm function instances the flood is spread over; each learns of the spent budget by itself. */
const INSTANCES = 16;

type Deps = ReturnType<typeof testDependencies>;

/** Sends `count` wrong guesses, at most IN_FLIGHT at a time; returns how each one was answered. */
async function flood(deps: Deps, count: number, addressFor: (index: number) => string): Promise<Record<string, number>> {
  const answers: Record<string, number> = {};
  const instances = Array.from({ length: INSTANCES }, () => ({ ...deps, store: new DynamoStore<SessionItem, SessionLogEntry>(table) }));
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const instance = instances[index % INSTANCES] ?? deps;
      const code = await redeemPin(instance, '000000', { ip: addressFor(index) }).then(
        () => 'redeemed',
        (error: unknown) =>
          error instanceof TooManyAttempts ? 'too_many_attempts' : error instanceof PinInvalid ? 'pin_invalid' : String(error),
      );
      answers[code] = (answers[code] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return answers;
}

async function sessionWithPin(deps: Deps, name: string) {
  const session = await createSession(deps, alice, name);
  let { pin } = await generatePin(deps, alice, session.id);
  // The flood guesses 000000; a session that drew it gets a fresh PIN.
  while (pin === '000000') ({ pin } = await generatePin(deps, alice, session.id));
  return { session, pin };
}

async function customersStillGetIn(deps: Deps) {
  const first = await sessionWithPin(deps, 'Right first time');
  await expect(redeemPin(deps, first.pin, { ip: '198.51.100.10' })).resolves.toMatchObject({ sessionId: first.session.id });

  const second = await sessionWithPin(deps, 'One typo');
  const typo = second.pin === '999999' ? '999998' : '999999';
  await expect(redeemPin(deps, typo, { ip: '198.51.100.11' })).rejects.toBeInstanceOf(PinInvalid);
  await expect(redeemPin(deps, second.pin, { ip: '198.51.100.11' })).resolves.toMatchObject({ sessionId: second.session.id });
  const redeemed = (await getSessionLog(deps, alice, second.session.id)).find((entry) => entry.type === 'pin_redeemed');
  expect(redeemed?.details).not.toHaveProperty('redeemedUnderAttack');
}

// Each test its own table: the global failure counter is shared by everything in a table.
let table: TestTable;
beforeEach(async () => {
  table = await createTestTable({ seed: true });
});
afterEach(async () => {
  await table.drop();
});

describe('one client flooding PIN redemption', () => {
  it('cannot switch on "under attack" mode or the ceiling from one IPv4 address: 20,000 guesses, then customers get in', async () => {
    const deps = testDependencies(table);
    const answers = await flood(deps, GUESSES, () => '192.0.2.66');
    expect(answers).toEqual({
      pin_invalid: defaultConfig.redeemFailuresPerClient,
      too_many_attempts: GUESSES - defaultConfig.redeemFailuresPerClient,
    });
    await customersStillGetIn(deps);
  }, 240_000);

  it('cannot do it by rotating addresses inside one IPv6 /64 either', async () => {
    const deps = testDependencies(table);
    const answers = await flood(deps, GUESSES, (index) => `2001:db8:66:66:${(index % 65_536).toString(16)}::${(index >> 16) + 1}`);
    expect(answers.pin_invalid).toBe(defaultConfig.redeemFailuresPerClient);
    await customersStillGetIn(deps);
  }, 240_000);

  it('refuses a configuration in which one client alone could spend the global budget', () => {
    expect(() => loadConfig({ REDEEM_FAILURES_PER_CLIENT: '50', REDEEM_FAILURES_GLOBAL: '49' })).toThrow(/REDEEM_FAILURES_GLOBAL/);
    expect(loadConfig({ REDEEM_FAILURES_PER_CLIENT: '50', REDEEM_FAILURES_GLOBAL: '50' }).redeemFailuresGlobal).toBe(50);
  });
});
