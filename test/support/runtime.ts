import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts the real local runtime (`local/main.ts`, what `npm start` runs) as a
 * child process on a free port, for end-to-end and browser tests.
 *
 *   const runtime = await startRuntimeProcess({ SWEEP_INTERVAL_SECONDS: '1' });
 *   const token = await getToken(runtime.url, 'alice');
 *   ...
 *   await runtime.stop();   // in afterAll
 *
 * Each process gets its own DynamoDB Local (in memory) and its own site
 * folder, so test files can run in parallel. The whole process group is
 * killed on stop() and when the test process exits; DynamoDB Local's own
 * watchdog covers a test process that is killed outright.
 */
export interface RuntimeProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** ws://127.0.0.1:<port>/ws */
  readonly wsUrl: string;
  readonly port: number;
  /** Process id of the runtime (the leader of its process group). */
  readonly pid: number;
  /** Process id of its DynamoDB Local (Java). */
  readonly dynamoDbPid: number;
  /** Its DynamoDB Local, e.g. to arrange data the API cannot (table `remote-support`). */
  readonly dynamoDbEndpoint: string;
  /** The file (mode 600) with that DynamoDB Local's per-run key: only that key sees the runtime's table. */
  readonly dynamoDbCredentialsFile: string;
  /** Every line the runtime printed so far, stdout and stderr interleaved; keeps growing while it runs. */
  readonly lines: string[];
  /** Resolves on the first printed line that matches, e.g. a handler's log line; rejects after timeoutMs. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Settles when the process has exited. */
  readonly exited: Promise<RuntimeExit>;
  /** Sends `signal` (default SIGINT, i.e. Ctrl+C) to the process group, waits for the exit, SIGKILLs after 10 s. */
  stop(signal?: NodeJS.Signals): Promise<RuntimeExit>;
}

export interface RuntimeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * @param env extra environment for the runtime, e.g. `{ PIN_VALIDITY_SECONDS: '2', SWEEP_INTERVAL_SECONDS: '1' }`.
 *   PORT is 0 unless given; SITE_DIR is a fresh temporary folder unless given.
 */
export async function startRuntimeProcess(
  env: Record<string, string> = {},
  options: { startTimeoutMs?: number } = {},
): Promise<RuntimeProcess> {
  const siteDirectory = env.SITE_DIR ? undefined : mkdtempSync(path.join(os.tmpdir(), 'remote-support-site-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      PORT: '0',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // The same downloads on every machine, whatever the app cache holds; a test that wants apps names them.
      BUILD_APPS: 'none',
      ...(siteDirectory ? { SITE_DIR: siteDirectory } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() reaches tsx, node and java alike, as Ctrl+C in a terminal does.
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the local runtime');
  liveGroups.add(pid);

  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const listener of lineListeners) listener(line);
    });
  }
  const exited = new Promise<RuntimeExit>((resolve) => {
    child.once('exit', (code, signal) => {
      liveGroups.delete(pid);
      // DynamoDB Local has been stopped by the runtime (or its watchdog) by now; make sure nothing of the group lingers.
      killGroup(pid, 'SIGKILL');
      if (siteDirectory) rmSync(siteDirectory, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 10_000): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        lineListeners.delete(listener);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output so far:\n${lines.join('\n')}`));
      }, timeoutMs);
      const listener = (line: string) => {
        if (!pattern.test(line)) return;
        clearTimeout(timer);
        lineListeners.delete(listener);
        resolve(line);
      };
      lineListeners.add(listener);
    });
  };

  let stopping: Promise<RuntimeExit> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGINT'): Promise<RuntimeExit> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) killGroup(pid, signal);
      const forced = setTimeout(() => killGroup(pid, 'SIGKILL'), 10_000);
      const exit = await exited;
      clearTimeout(forced);
      return exit;
    })();
    return stopping;
  };

  let readyLine: string;
  try {
    readyLine = await Promise.race([
      waitForLine(/^Ready: http:\/\/127\.0\.0\.1:\d+$/, options.startTimeoutMs ?? 60_000),
      exited.then((exit) => {
        throw new Error(`local runtime exited before it was ready (code ${exit.code}, signal ${exit.signal}):\n${lines.join('\n')}`);
      }),
    ]);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  const url = readyLine.slice('Ready: '.length);
  const dynamoDbLine = /DynamoDB Local ready .*\(pid (\d+), .*(http:\/\/127\.0\.0\.1:\d+)\)/.exec(lines.join('\n'));
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    port: Number(new URL(url).port),
    pid,
    dynamoDbPid: Number(dynamoDbLine?.[1] ?? NaN),
    dynamoDbEndpoint: dynamoDbLine?.[2] ?? '',
    dynamoDbCredentialsFile: /--credentials-file (\S+)/.exec(lines.join('\n'))?.[1] ?? '',
    lines,
    waitForLine,
    exited,
    stop,
  };
}

/** A technician's JWT from the runtime's local identity provider (`alice`, `bob` or `carol` are seeded). */
export async function getToken(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`POST /dev/token for ${username} answered ${response.status}: ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}
