import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { httpRoutes, scheduledJobs, webSocketAuthorizer, webSocketRoutes } from '#routes';
import { repositoryRoot } from './environment.ts';
import { summarize, type Summary } from './stats.ts';

/**
 * Each Lambda bundled the way lib/constructs/service-function.ts has CDK
 * bundle it (esbuild, ESM, node22, minified, AWS SDK bundled, createRequire
 * banner), so the figures are the deployed artefacts' figures.
 */
export interface BundleSize {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Minified bytes by origin: aws-sdk (incl. @smithy), zod, jose, powertools, own code, other. */
  readonly byOrigin: Record<string, number>;
}

export const bundleBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

function originOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (!match) return 'own code';
  const name = match[1] as string;
  // The SDK's own dependencies count as the SDK: the endpoint cache (mnemonist, obliterator), the invoke store, XML.
  const sdkDependencies = ['tslib', 'fast-xml-parser', 'strnum', 'bowser', 'uuid', 'mnemonist', 'obliterator'];
  if (/^@(aws-sdk|smithy|aws-crypto|aws)\//.test(name) || sdkDependencies.includes(name)) return 'aws-sdk';
  if (name.startsWith('@aws-lambda-powertools/')) return 'powertools';
  if (name === 'zod' || name === 'jose') return name;
  return 'other';
}

export const allHandlers = [...httpRoutes, webSocketAuthorizer, ...webSocketRoutes, ...scheduledJobs].map((declaration) => ({
  name: declaration.name,
  entry: declaration.entry,
}));

/** The floor bundle's name in the results (bench/cold-start-floor.ts). */
export const floorBundleName = 'floor: DynamoDB GetItem only';

export async function bundleHandlers(): Promise<{ directory: string; sizes: BundleSize[]; cleanup: () => void }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-bundles-'));
  const entries = [...allHandlers, { name: floorBundleName, entry: 'bench/cold-start-floor.ts' }];
  const fileName = (name: string) => name.replace(/[^a-z0-9-]+/gi, '-');
  // One esbuild call, one self-contained output per entry (no code splitting, as each Lambda ships alone).
  const result = await build({
    entryPoints: entries.map((entry) => ({ in: path.join(repositoryRoot, entry.entry), out: fileName(entry.name) })),
    outdir: directory,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: bundleBanner },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repositoryRoot,
  });
  const outputs = result.metafile.outputs;
  const sizes: BundleSize[] = [];
  for (const entry of entries) {
    const file = path.join(directory, `${fileName(entry.name)}.mjs`);
    const content = await readFile(file);
    const output = Object.entries(outputs).find(([outputPath]) => path.resolve(repositoryRoot, outputPath) === file)?.[1];
    const byOrigin: Record<string, number> = {};
    for (const [input, info] of Object.entries(output?.inputs ?? {})) {
      const origin = originOf(input);
      byOrigin[origin] = (byOrigin[origin] ?? 0) + info.bytesInOutput;
    }
    sizes.push({ name: entry.name, file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length, byOrigin });
  }
  return { directory, sizes, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

export interface ColdStart {
  readonly name: string;
  /** Node's own start-up until the first line of the driver runs. */
  readonly bootstrap: Summary;
  /** import() of the bundle: module evaluation, SDK client construction. */
  readonly init: Summary;
  /** CPU time (user + system, all threads) of that import: what the bundle costs, barely touched by other load on the machine. */
  readonly initCpu: Summary;
  /** The first event, against DynamoDB Local: lazy SDK set-up, credentials, first connection. */
  readonly firstEvent: Summary;
  /** Spawn to answer, measured by the parent. */
  readonly total: Summary;
  readonly statusCodes: string[];
}

const driver = `
const started = performance.now();
const cpuBefore = process.cpuUsage();
const module = await import(process.env.BENCH_BUNDLE);
const imported = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const result = await module.handler(JSON.parse(process.env.BENCH_EVENT), { awsRequestId: 'cold', functionName: 'cold', getRemainingTimeInMillis: () => 10000 });
const answered = performance.now();
process.stdout.write(JSON.stringify({ bootstrap: started, init: imported - started, initCpu: (cpu.user + cpu.system) / 1000, firstEvent: answered - imported, status: String(result?.statusCode ?? (result?.principalId ? 'allow' : '?')) }));
process.exit(0);
`;

function runOnce(bundle: string, event: unknown, env: Record<string, string>): Promise<RawColdStart> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', driver], {
      env: { ...env, BENCH_BUNDLE: pathToFileURL(bundle).href, BENCH_EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const total = performance.now() - started;
      if (code !== 0) return reject(new Error(`cold start of ${path.basename(bundle)} exited ${code}: ${err.slice(0, 2000)}`));
      try {
        resolve({ ...(JSON.parse(out) as Omit<RawColdStart, 'total'>), total });
      } catch {
        reject(new Error(`cold start of ${path.basename(bundle)} printed no result: ${out} ${err.slice(0, 2000)}`));
      }
    });
  });
}

/** Several single-run measurements of one handler as one. */
export function mergeColdStartRuns(name: string, runs: readonly RawColdStart[]): ColdStart {
  return {
    name,
    bootstrap: summarize(runs.map((r) => r.bootstrap)),
    init: summarize(runs.map((r) => r.init)),
    initCpu: summarize(runs.map((r) => r.initCpu)),
    firstEvent: summarize(runs.map((r) => r.firstEvent)),
    total: summarize(runs.map((r) => r.total)),
    statusCodes: [...new Set(runs.map((r) => r.status))],
  };
}

export interface RawColdStart {
  readonly bootstrap: number;
  readonly init: number;
  readonly initCpu: number;
  readonly firstEvent: number;
  readonly total: number;
  readonly status: string;
}

/** `prepare` returns a fresh event each run (a new session in the state the handler needs). */
export async function measureColdStart(
  bundle: string,
  prepare: () => Promise<unknown>,
  env: Record<string, string>,
): Promise<RawColdStart> {
  return runOnce(bundle, await prepare(), env);
}
