import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { baselineActions, baselineKindFor, baselineKinds, type BaselineKind, type Baselines } from './baseline.ts';
import {
  bundleLimitRatio,
  coldStartLimitRatio,
  customerPathLimitRatio,
  drawToleranceStandardErrors,
  handlerOverheadLimit,
  pageWeightLimits,
  roundTripBudgets,
  type BudgetCheck,
  appStartLimitRatio,
} from './budgets.ts';
import { appGzipBudgetBytes } from '../applet/native/platforms.ts';
import { measureAppSizes, measureAppStart, type AppSize, type AppStartResult } from './support-app.ts';
import {
  bundleHandlers,
  floorBundleName,
  measureColdStart,
  mergeColdStartRuns,
  type BundleSize,
  type ColdStart,
  type RawColdStart,
} from './bundles.ts';
import { coldStartEvents } from './cold-start-events.ts';
import { measureCustomerPath, type CustomerPathResult } from './customer-path.ts';
import { repositoryRoot, startBenchEnvironment, type BenchEnvironment } from './environment.ts';
import { gatewayClient, inProcessLifecycle, operationNames, type OperationName, type Recorder } from './operations.ts';
import { measurePages, type PageResult } from './pages.ts';
import { measurePinSpace, sustainableIssueRate, type PinSpaceResult } from './pin-space.ts';
import { renderReport } from './report.ts';
import { measureSessionCost, type SessionCost } from './session-cost.ts';
import { round, summarize, type Summary } from './stats.ts';

export interface OperationFigure {
  readonly name: OperationName;
  readonly mode: 'in-process' | 'gateway';
  readonly time: Summary;
  /** Mean DynamoDB round trips per call, not counting the permission cache's refreshes. */
  readonly roundTrips: number;
  /** Mean permission cache refreshes per call (one BatchGetItem each, every permissionCacheSeconds per warm function). */
  readonly permissionRefreshes: number;
  /** Mean posts to WebSocket connections per call. */
  readonly posts: number;
  readonly sequence: string;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Sum of the baseline p50s of the round trips in `sequence`. */
  readonly designFloorMs: number;
  readonly ratioToDesignFloor: number;
  /** The single write the operation cannot do without: the "one round trip" target. */
  readonly physicalFloor: BaselineKind;
  readonly ratioToPhysicalFloor: number;
}

export interface BenchResults {
  readonly quick: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: Record<string, string | number>;
  readonly iterations: number;
  readonly baselines?: Baselines;
  readonly operations?: OperationFigure[];
  readonly pinSpace?: PinSpaceResult;
  readonly issueRates?: ReturnType<typeof sustainableIssueRate>[];
  readonly bundles?: BundleSize[];
  readonly coldStarts?: ColdStart[];
  readonly customerPath?: CustomerPathResult;
  readonly pages?: PageResult[];
  readonly appSizes?: AppSize[];
  readonly appStart?: AppStartResult;
  readonly sessionCost?: SessionCost;
  readonly budgets: BudgetCheck[];
}

const physicalFloors: Record<OperationName, BaselineKind> = {
  'create-session': 'TransactWriteItems(2)',
  'generate-pin': 'TransactWriteItems(3)',
  'redeem-pin': 'TransactWriteItems(5)',
  'websocket-connect': 'TransactWriteItems(3)',
  'start-session': 'UpdateItem',
  'close-session': 'TransactWriteItems(3)',
  'list-sessions': 'Query',
};

const sections = ['operations', 'pins', 'bundles', 'path', 'pages', 'apps', 'cost'] as const;
type Section = (typeof sections)[number];

function machine(): Record<string, string | number> {
  let java = 'unknown';
  try {
    java = execFileSync('sh', ['-c', 'java -version 2>&1 | head -1'], { encoding: 'utf8' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    java,
    os: `${os.type()} ${os.release()}`,
  };
}

function modal(sequences: string[]): string {
  const counts = new Map<string, number>();
  for (const sequence of sequences) counts.set(sequence, (counts.get(sequence) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

/**
 * Baseline p50s per round (the two baseline passes around each round pooled),
 * so each handler call can be set against the floor measured next to it.
 */
type RoundBaselines = Record<BaselineKind, number>[];

function median(values: readonly number[]): number {
  return summarize(values).p50;
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

function figures(recorder: Recorder, mode: OperationFigure['mode'], baselines: Baselines, rounds: RoundBaselines): OperationFigure[] {
  return operationNames.flatMap((name) => {
    const found = recorder.get(name);
    if (!found) return [];
    const entry = found;
    const time = summarize(entry.samples);
    const sequenceOf = (trips: (typeof entry.roundTrips)[number]) => trips.map((trip) => trip.kind).join(' + ');
    const sequence = modal(entry.roundTrips.map(sequenceOf));
    const postsMean = entry.posts.reduce((sum, value) => sum + value, 0) / Math.max(1, entry.posts.length);
    const modalTrips = entry.roundTrips.find((trips) => sequenceOf(trips) === sequence) ?? [];
    const modalIndex = entry.roundTrips.findIndex((trips) => sequenceOf(trips) === sequence);
    const posted = (entry.posts[modalIndex] ?? 0) > 0;
    // Pushes run in parallel with each other, after the write: one post lies on the critical path.
    const floorOf = (pick: (kind: BaselineKind) => number) =>
      modalTrips.reduce((sum, trip) => sum + pick(baselineKindFor(trip.kind)), 0) + (posted ? pick('PostToConnection') : 0);
    const designFloorMs = floorOf((kind) => baselines[kind].p50);
    // The median of per-round ratios: each call against the floor measured in its own round, so drift cancels.
    const ratioToDesignFloor = median(
      entry.samples.map((sample, round) => sample / floorOf((kind) => rounds[round]?.[kind] ?? baselines[kind].p50)),
    );
    const meanOf = (pick: (trips: (typeof entry.roundTrips)[number]) => number) => mean(entry.roundTrips.map(pick));
    const physicalFloor = physicalFloors[name];
    return [
      {
        name,
        mode,
        time,
        roundTrips: meanOf((trips) => trips.filter((trip) => trip.kind !== 'BatchGetItem(groups)').length),
        permissionRefreshes: meanOf((trips) => trips.filter((trip) => trip.kind === 'BatchGetItem(groups)').length),
        posts: postsMean,
        sequence,
        readUnits: meanOf((trips) => trips.reduce((sum, trip) => sum + trip.readUnits, 0)),
        writeUnits: meanOf((trips) => trips.reduce((sum, trip) => sum + trip.writeUnits, 0)),
        designFloorMs,
        ratioToDesignFloor,
        physicalFloor,
        ratioToPhysicalFloor: time.p50 / baselines[physicalFloor].p50,
      },
    ];
  });
}

async function runOperations(env: BenchEnvironment, iterations: number, openSessions: number) {
  const gateway = await gatewayClient(env);
  try {
    const inProcess = await inProcessLifecycle(env);
    const baseline = baselineActions(env.rawTable, env.connections.url);
    const baselineSamples = new Map<BaselineKind, number[]>(baselineKinds.map((kind) => [kind, []]));
    const rounds: RoundBaselines = [];
    for (let i = 0; i < openSessions; i += 1) await gateway.createOpenSession();
    const baselineRound = async (record: boolean) => {
      for (const kind of baselineKinds) {
        env.connections.mode = 'absorb';
        const started = performance.now();
        await baseline[kind]();
        if (record) baselineSamples.get(kind)?.push(performance.now() - started);
        env.connections.mode = 'forward';
      }
    };
    // Warm-up: the JIT of both JVM and Node, the permission cache, the sockets.
    const warmup = Math.max(3, Math.ceil(iterations / 8));
    for (let i = 0; i < warmup; i += 1) {
      await baselineRound(false);
      await inProcess();
      await gateway.lifecycle();
    }
    // Interleaved, so that drift (JIT, GC, the other process on the second core) hits baseline and handlers alike.
    const inProcessRecorder: Recorder = new Map();
    const gatewayRecorder: Recorder = new Map();
    for (let i = 0; i < iterations; i += 1) {
      const before = new Map(baselineKinds.map((kind) => [kind, baselineSamples.get(kind)?.length ?? 0]));
      await baselineRound(true);
      await inProcess(inProcessRecorder);
      await gateway.lifecycle(gatewayRecorder);
      await baselineRound(true);
      rounds.push(
        // Two samples per kind and round: their mean (a nearest-rank median of two would be the smaller one).
        Object.fromEntries(
          baselineKinds.map((kind) => [kind, mean((baselineSamples.get(kind) ?? []).slice(before.get(kind) ?? 0))]),
        ) as Record<BaselineKind, number>,
      );
    }
    const baselines = Object.fromEntries([...baselineSamples.entries()].map(([kind, samples]) => [kind, summarize(samples)])) as Baselines;
    return {
      baselines,
      operations: [
        ...figures(inProcessRecorder, 'in-process', baselines, rounds),
        ...figures(gatewayRecorder, 'gateway', baselines, rounds),
      ],
    };
  } finally {
    await gateway.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: path.join(repositoryRoot, 'bench', 'results') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`npm run bench [-- --quick] [-- --only=${sections.join(',')}] [-- --out=<folder>]
Runs the benchmarks (docs/performance.md) against its own DynamoDB Local and local gateway; writes <folder>/latest.{md,json};
exits 1 when a budget is broken (see docs/performance.md).`);
    return 0;
  }
  const only = new Set((values.only ?? sections.join(',')).split(',').map((name) => name.trim()));
  for (const name of only)
    if (!(sections as readonly string[]).includes(name))
      throw new Error(`--only: unknown section "${name}"; choose from ${sections.join(', ')}`);
  const wants = (section: Section) => only.has(section);
  const quick = values.quick;
  const startedAt = new Date();
  const started = performance.now();
  const iterations = quick ? 8 : 24;
  const log = (message: string) => console.error(`[bench ${Math.round((performance.now() - started) / 1000)} s] ${message}`);

  // Timing ratios mean nothing on an oversubscribed machine (other suites running); counts and sizes still do.
  let busiest = os.loadavg()[0] ?? 0;
  const busy = () => {
    busiest = Math.max(busiest, os.loadavg()[0] ?? 0);
    return busiest > os.cpus().length;
  };
  const timingAdvisory = () => quick || busy();
  const env = await startBenchEnvironment();
  const results: { -readonly [K in keyof BenchResults]?: BenchResults[K] } & { budgets: BudgetCheck[] } = { budgets: [] };
  const budgets = results.budgets;
  try {
    log(`DynamoDB Local ${env.dynamoDb.endpoint}, gateway ${env.runtime.url}`);
    if (wants('operations')) {
      log(`operations: ${iterations} interleaved rounds of baseline, in-process handlers and gateway`);
      const { baselines, operations } = await runOperations(env, iterations, 10);
      results.baselines = baselines;
      results.operations = operations;
      for (const figure of operations.filter((f) => f.mode === 'in-process')) {
        const budget = roundTripBudgets[figure.name];
        if (budget) {
          budgets.push({
            id: `${figure.name}: DynamoDB round trips`,
            limit: `<= ${budget.limit}`,
            measured: `${round(figure.roundTrips)} (${figure.sequence})`,
            pass: figure.roundTrips <= budget.limit,
          });
        }
        budgets.push({
          id: `${figure.name}: in-process time / its round trips' baseline (median of per-round ratios)`,
          limit: `<= ${handlerOverheadLimit}x`,
          measured: `${round(figure.ratioToDesignFloor)}x (p50 ${round(figure.time.p50, 1)} ms; floor p50 ${round(figure.designFloorMs, 1)} ms)`,
          pass: figure.ratioToDesignFloor <= handlerOverheadLimit,
          advisory: timingAdvisory(),
        });
      }
    }
    if (wants('pins')) {
      log('PIN space: 3 digits, filled to 10/50/90/99 %');
      const pinSpace = await measurePinSpace(env, {
        digits: 3,
        samplesPerLevel: quick ? { 0.1: 10, 0.5: 10, 0.9: 6, 0.99: 3 } : { 0.1: 40, 0.5: 30, 0.9: 20, 0.99: 5 },
        exhaustionTries: quick ? 5 : 12,
      });
      results.pinSpace = pinSpace;
      results.issueRates = [0.01, 0.05, 0.0909, 0.5].map((occupancy) => sustainableIssueRate(6, 600, occupancy));
      for (const level of pinSpace.levels) {
        const standardError = Math.sqrt(level.occupancy) / (1 - level.occupancy) / Math.sqrt(level.samples);
        const limit = level.expectedDraws + drawToleranceStandardErrors * standardError + 0.05;
        budgets.push({
          id: `PIN draws at ${level.occupancy * 100} % occupancy`,
          limit: `<= ${round(limit)} (1/(1-o) = ${round(level.expectedDraws)} + ${drawToleranceStandardErrors} s.e.)`,
          measured: `${round(level.meanDraws)} mean over ${level.samples}`,
          pass: level.meanDraws <= limit,
          advisory: level.samples < 10,
        });
        if (level.exhaustion.tries > 0) {
          const share = level.exhaustion.refused / level.exhaustion.tries;
          const tolerance =
            3 * Math.sqrt((level.exhaustion.expectedRefusedShare * (1 - level.exhaustion.expectedRefusedShare)) / level.exhaustion.tries) +
            0.05;
          budgets.push({
            id: `503 pin_space_exhausted share at ${level.occupancy * 100} % (${level.exhaustion.maxDrawsBound} draws)`,
            limit: `${round(level.exhaustion.expectedRefusedShare)} +- ${round(tolerance)}`,
            measured: `${level.exhaustion.refused}/${level.exhaustion.tries}`,
            pass: Math.abs(share - level.exhaustion.expectedRefusedShare) <= tolerance,
            advisory: quick,
          });
        }
      }
    }
    if (wants('bundles')) {
      log('bundles: esbuild every handler, then cold starts in fresh processes');
      const bundled = await bundleHandlers();
      try {
        results.bundles = bundled.sizes;
        const floorSize = bundled.sizes.find((size) => size.name === floorBundleName);
        if (!floorSize) throw new Error('the floor bundle was not built');
        for (const size of bundled.sizes.filter((candidate) => candidate !== floorSize)) {
          const ratio = size.bytes / floorSize.bytes;
          budgets.push({
            id: `${size.name}: bundle (minified) / floor bundle`,
            limit: `<= ${bundleLimitRatio}x (${round((bundleLimitRatio * floorSize.bytes) / 1024, 0)} KiB)`,
            measured: `${round(ratio)}x (${round(size.bytes / 1024, 1)} KiB)`,
            pass: ratio <= bundleLimitRatio,
          });
        }
        env.connections.mode = 'absorb';
        const runs = quick ? 2 : 4;
        const events: Record<string, () => Promise<unknown>> = { [floorBundleName]: async () => ({}), ...coldStartEvents(env) };
        // One process per handler in turn, round after round, so that load on the machine spreads evenly over them.
        const perHandler = new Map<string, RawColdStart[]>();
        for (let run = 0; run < runs; run += 1) {
          for (const [name, prepare] of Object.entries(events)) {
            const bundle = bundled.sizes.find((size) => size.name === name);
            if (!bundle) continue;
            const list = perHandler.get(name) ?? [];
            list.push(await measureColdStart(bundle.file, prepare, env.coldStartEnvironment()));
            perHandler.set(name, list);
          }
        }
        const coldStarts = [...perHandler.entries()].map(([name, list]) => mergeColdStartRuns(name, list));
        env.connections.mode = 'forward';
        results.coldStarts = coldStarts;
        const floorCold = coldStarts.find((cold) => cold.name === floorBundleName);
        if (!floorCold) throw new Error('the floor bundle was not measured');
        for (const cold of coldStarts.filter((candidate) => candidate !== floorCold)) {
          const ratio = cold.initCpu.p50 / floorCold.initCpu.p50;
          budgets.push({
            id: `${cold.name}: cold init CPU (import of the bundle) p50 / floor`,
            limit: `<= ${coldStartLimitRatio}x (${round(coldStartLimitRatio * floorCold.initCpu.p50, 0)} ms CPU)`,
            measured: `${round(ratio)}x (${round(cold.initCpu.p50, 0)} ms CPU, ${round(cold.init.p50, 0)} ms wall; + first event ${round(cold.firstEvent.p50, 0)} ms, status ${cold.statusCodes.join('/')})`,
            pass: ratio <= coldStartLimitRatio,
            advisory: quick,
          });
        }
      } finally {
        bundled.cleanup();
      }
    }
    if (wants('path')) {
      log('customer path: redeem -> applet -> console sees waiting');
      const customerPath = await measureCustomerPath(env, quick ? 5 : 10);
      results.customerPath = customerPath;
      const floor = customerPath.redeem.p50 + (Number.isFinite(customerPath.appletStartFloor.p50) ? customerPath.appletStartFloor.p50 : 0);
      budgets.push({
        id: 'customer path p50 (redeem -> console sees waiting) / (redeem + applet start)',
        limit: `<= ${customerPathLimitRatio}x (${round(customerPathLimitRatio * floor, 0)} ms)`,
        measured: `${round(customerPath.total.p50 / floor)}x (${round(customerPath.total.p50, 0)} ms, ${customerPath.appletMode})`,
        pass: customerPath.total.p50 <= customerPathLimitRatio * floor,
        advisory: timingAdvisory(),
      });
    }
    if (wants('pages')) {
      log('pages: headless Chromium, fresh context per load');
      const pages = await measurePages(env.runtime.url, quick ? 1 : 4);
      results.pages = pages;
      for (const page of pages) {
        const limit = pageWeightLimits[page.page];
        if (limit)
          budgets.push({
            id: `${page.page}: gzip bytes on first load`,
            limit: `<= ${Math.round(limit / 1024)} KiB`,
            measured: `${round(page.gzipBytes / 1024, 1)} KiB`,
            pass: page.gzipBytes <= limit,
          });
      }
    }
    if (wants('apps')) {
      log(
        "apps: every platform's support app (built once, then cached), sizes; this machine's app against the Node.js script, start to waiting",
      );
      results.appSizes = await measureAppSizes(log);
      for (const size of results.appSizes) {
        budgets.push({
          id: `support app ${size.platform}: gzip bytes`,
          limit: `<= ${appGzipBudgetBytes / 1e6} MB`,
          measured: `${round(size.gzipBytes / 1e6, 1)} MB (${round(size.bytes / 1e6, 1)} MB raw)`,
          pass: size.gzipBytes <= appGzipBudgetBytes,
        });
      }
      const start = await measureAppStart(env, quick ? 3 : 8);
      if (start) {
        results.appStart = start;
        const ratio = start.app.p50 / start.script.p50;
        budgets.push({
          id: `support app ${start.platform}: start to waiting p50 / Node.js script's`,
          limit: `<= ${appStartLimitRatio}x`,
          measured: `${round(ratio)}x (${round(start.app.p50, 0)} ms vs ${round(start.script.p50, 0)} ms, same run)`,
          pass: ratio <= appStartLimitRatio,
          advisory: timingAdvisory(),
        });
      }
    }
    if (wants('cost')) {
      log('cost: one representative session, everything billable counted');
      results.sessionCost = await measureSessionCost(env);
    }
  } finally {
    await env.stop();
  }
  const complete: BenchResults = {
    ...results,
    quick,
    startedAt: startedAt.toISOString(),
    seconds: Math.round((performance.now() - started) / 1000),
    machine: {
      ...machine(),
      loadAverageMax: round(busiest, 1),
      timingBudgets: quick ? 'advisory (--quick)' : busy() ? 'advisory (machine busy: load above CPU count)' : 'enforced',
    },
    iterations,
  };
  const report = renderReport(complete);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(path.join(values.out, 'latest.md'), report);
  writeFileSync(path.join(values.out, 'latest.json'), `${JSON.stringify(complete, null, 2)}\n`);
  console.log(report);
  const broken = budgets.filter((budget) => !budget.pass && !budget.advisory);
  if (broken.length > 0) {
    console.error(
      `\n${broken.length} budget(s) broken:\n${broken.map((budget) => `  - ${budget.id}: ${budget.measured}, limit ${budget.limit}`).join('\n')}`,
    );
    return 1;
  }
  console.error(
    `\nAll ${budgets.filter((budget) => !budget.advisory).length} enforced budgets met (${budgets.filter((budget) => budget.advisory).length} advisory).`,
  );
  return 0;
}
