import { BatchWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Dependencies } from '#domain/dependencies';
import { PinSpaceExhausted } from '#domain/errors';
import { hashPin } from '#domain/secrets';
import { createSession, generatePin } from '#domain/sessions';
import { dependencies } from '#shared/dependencies';
import { keys } from '#storage/keys';
import type { BenchEnvironment } from './environment.ts';

/**
 * Draws per PIN as the live fraction of a small PIN space rises. The space is
 * filled with live PIN items directly (the collision check looks at nothing
 * else), then generate-PIN runs for fresh sessions; each new PIN is deleted
 * again so the occupancy stays put. A draw is one conditional
 * TransactWriteItems, counted on the handlers' client.
 */
export interface OccupancyResult {
  readonly occupancy: number;
  readonly samples: number;
  readonly expectedDraws: number;
  readonly meanDraws: number;
  readonly maxDraws: number;
  /** With the default bound on draws: share of generate-PIN calls answered 503 pin_space_exhausted. */
  readonly exhaustion: {
    readonly tries: number;
    readonly refused: number;
    readonly expectedRefusedShare: number;
    readonly maxDrawsBound: number;
  };
}

export interface PinSpaceResult {
  readonly digits: number;
  readonly levels: OccupancyResult[];
}

const technician = { id: '6f1c2a9e-0a11-4c1e-9a57-a11ce0000001', username: 'alice', displayName: 'Alice Adler', groups: ['Support'] };
const silentNotifier = { toTechnician: async () => undefined, toConnection: async () => true, disconnect: async () => undefined };

export async function measurePinSpace(
  env: BenchEnvironment,
  options: { digits: number; samplesPerLevel: Record<number, number>; exhaustionTries: number },
): Promise<PinSpaceResult> {
  const base = dependencies();
  const secret = await base.pinSecret();
  const space = 10 ** options.digits;
  const withDraws = (maxDraws: number): Dependencies => ({
    ...base,
    notifier: silentNotifier,
    config: { ...base.config, pinDigits: options.digits, pinMaxDraws: maxDraws },
  });
  const unbounded = withDraws(100 * space);
  const bounded = withDraws(base.config.pinMaxDraws);
  const liveUntil = Math.floor(Date.now() / 1000) + 24 * 3600;
  const pinKey = (pin: number) => keys.pin(hashPin(secret, String(pin).padStart(options.digits, '0')));

  // Fill order is random so that occupied slots are spread over the space like real PINs.
  const order = Array.from({ length: space }, (_, i) => i).sort(() => Math.random() - 0.5);
  let filled = 0;
  const fillTo = async (count: number) => {
    const batch = order.slice(filled, count);
    for (let i = 0; i < batch.length; i += 25) {
      const items = batch.slice(i, i + 25).map((pin) => ({
        PutRequest: { Item: { ...pinKey(pin), kind: 'pin', sessionId: 'bench-filler', technicianDisplayName: 'Bench', ttl: liveUntil } },
      }));
      await env.rawTable.client.send(new BatchWriteCommand({ RequestItems: { [env.rawTable.name]: items } }));
    }
    filled = count;
  };

  const draw = async (deps: Dependencies): Promise<{ draws: number; refused: boolean }> => {
    const session = await createSession(deps, technician, 'PIN space');
    env.counter.take();
    let refused = false;
    let pin: string | undefined;
    try {
      pin = (await generatePin(deps, technician, session.id)).pin;
    } catch (error) {
      if (!(error instanceof PinSpaceExhausted)) throw error;
      refused = true;
    }
    const draws = env.counter.take().filter((trip) => trip.operation === 'TransactWriteItems').length;
    if (pin) await env.rawTable.client.send(new DeleteCommand({ TableName: env.rawTable.name, Key: keys.pin(hashPin(secret, pin)) }));
    return { draws, refused };
  };

  await env.counter.settle();
  const levels: OccupancyResult[] = [];
  for (const occupancy of [0.1, 0.5, 0.9, 0.99]) {
    await fillTo(Math.round(occupancy * space));
    const samples = options.samplesPerLevel[occupancy] ?? 10;
    const draws: number[] = [];
    for (let i = 0; i < samples; i += 1) draws.push((await draw(unbounded)).draws);
    let refused = 0;
    const tries = occupancy >= 0.9 ? options.exhaustionTries : 0;
    for (let i = 0; i < tries; i += 1) if ((await draw(bounded)).refused) refused += 1;
    levels.push({
      occupancy,
      samples,
      expectedDraws: 1 / (1 - occupancy),
      meanDraws: draws.reduce((sum, value) => sum + value, 0) / draws.length,
      maxDraws: Math.max(...draws),
      exhaustion: { tries, refused, expectedRefusedShare: occupancy ** base.config.pinMaxDraws, maxDrawsBound: base.config.pinMaxDraws },
    });
  }
  return { digits: options.digits, levels };
}

/**
 * Little's law: live PINs = issue rate x validity. Keeping occupancy under
 * `occupancy` keeps mean draws under 1/(1-occupancy).
 */
export function sustainableIssueRate(digits: number, validitySeconds: number, occupancy: number) {
  const livePins = occupancy * 10 ** digits;
  const perSecond = livePins / validitySeconds;
  return { occupancy, livePins, perSecond, perMinute: perSecond * 60, perHour: perSecond * 3600, meanDraws: 1 / (1 - occupancy) };
}
