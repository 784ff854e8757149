/**
 * Are unknown, expired and used PINs distinguishable by timing? Redeems many
 * PINs of each kind, interleaved, in-process against DynamoDB Local, and
 * prints the latency distributions, the DynamoDB calls each kind made, and the
 * two-sample Kolmogorov-Smirnov distance between every pair of kinds.
 *
 *   npm run timing -- [--samples 300]
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { PinInvalid } from '#domain/errors';
import { redeemPin } from '#domain/pin-redemption';
import { createSession, generatePin } from '#domain/sessions';
import { createDocumentClient } from '#storage/dynamo-client';
import { createTable, seedDirectory } from '../local/create-table.ts';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { seededTechnician, testDependencies } from '../test/support/domain.ts';

type Kind = 'unknown' | 'expired' | 'used';
const kinds: Kind[] = ['unknown', 'expired', 'used'];

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Largest gap between two empirical distribution functions (0 = identical, 1 = disjoint). */
function ksDistance(a: number[], b: number[]): number {
  const all = [...a, ...b].sort((x, y) => x - y);
  let distance = 0;
  for (const x of all) {
    const fa = a.filter((v) => v <= x).length / a.length;
    const fb = b.filter((v) => v <= x).length / b.length;
    distance = Math.max(distance, Math.abs(fa - fb));
  }
  return distance;
}

const samples = argument('samples', 300);
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LOG_LEVEL: 'SILENT' });
const dynamo = await startDynamoDbLocal();
try {
  const name = 'redeem-timing';
  await createTable(new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: dynamo.endpoint }), name);
  const client = createDocumentClient(dynamo.endpoint);
  const calls: string[] = [];
  client.middlewareStack.add((next, context) => (args) => (calls.push(String(context.commandName)), next(args)), { step: 'initialize' });
  const table = { client, name };
  await seedDirectory(table);
  const deps = testDependencies(table, { redeemFailuresPerClient: 1_000_000, redeemFailuresGlobal: 100_000_000 });
  const alice = seededTechnician('alice');

  // Prepare: PINs that expired (clock moved past them), PINs already used, and PINs never issued.
  const expired: string[] = [];
  const used: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    const session = await createSession(deps, alice, `expired ${i}`);
    expired.push((await generatePin(deps, alice, session.id)).pin);
  }
  deps.clock.advanceSeconds(deps.config.pinValiditySeconds + 1);
  for (let i = 0; i < samples; i += 1) {
    const session = await createSession(deps, alice, `used ${i}`);
    const { pin } = await generatePin(deps, alice, session.id);
    await redeemPin(deps, pin, { ip: '192.0.2.1' });
    used.push(pin);
  }
  const issued = new Set([...expired, ...used]);
  const unknown: string[] = [];
  while (unknown.length < samples) {
    const candidate = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    if (!issued.has(candidate)) unknown.push(candidate);
  }
  const pools: Record<Kind, string[]> = { unknown, expired, used };

  const timings: Record<Kind, number[]> = { unknown: [], expired: [], used: [] };
  const callShapes: Record<Kind, Set<string>> = { unknown: new Set(), expired: new Set(), used: new Set() };
  const warmup = 50;
  for (let i = 0; i < samples * 3 + warmup; i += 1) {
    const kind = kinds[i % 3]!;
    const pin = i < warmup ? '000000' : pools[kind].pop()!;
    calls.length = 0;
    const started = performance.now();
    const error = await redeemPin(deps, pin, { ip: `198.51.100.${i % 200}` }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const elapsed = performance.now() - started;
    if (!(error instanceof PinInvalid)) throw new Error(`a ${kind} PIN was not refused as pin_invalid`);
    if (i >= warmup) {
      timings[kind].push(elapsed);
      callShapes[kind].add(calls.join(' > '));
    }
  }

  console.log(`Redeem of ${samples} PINs of each kind, interleaved, in-process against DynamoDB Local\n`);
  console.log('kind     p10 ms  p50 ms  p90 ms  p99 ms   DynamoDB calls');
  for (const kind of kinds) {
    const sorted = [...timings[kind]].sort((a, b) => a - b);
    const row = [10, 50, 90, 99].map((p) => percentile(sorted, p).toFixed(2).padStart(7)).join(' ');
    console.log(`${kind.padEnd(8)}${row}   ${[...callShapes[kind]].join(' | ')}`);
  }
  console.log(
    '\nKolmogorov-Smirnov distance (0 = same distribution; 5% critical value for these sample sizes:',
    (1.36 * Math.sqrt(2 / samples)).toFixed(3),
    ')',
  );
  for (const [a, b] of [
    ['unknown', 'expired'],
    ['unknown', 'used'],
    ['expired', 'used'],
  ] as [Kind, Kind][]) {
    console.log(`  ${a} vs ${b}: ${ksDistance(timings[a], timings[b]).toFixed(3)}`);
  }
  const shapes = new Set(kinds.map((kind) => [...callShapes[kind]].join('|')));
  console.log(
    shapes.size === 1
      ? '\nAll three kinds make the same DynamoDB calls in the same order.'
      : '\nWARNING: the kinds make different DynamoDB calls.',
  );
  process.exitCode = shapes.size === 1 ? 0 : 1;
} finally {
  await dynamo.stop();
}
