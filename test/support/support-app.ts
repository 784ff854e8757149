/**
 * Running the native support app as a customer would (its own file, no
 * interpreter, stdout read line by line), and a private X server for the
 * tests where it shares its screen.
 *
 *   const app = new AppRun(file, ['--yes'], { HOME: dir, DISPLAY: x.display });
 *   await app.waitFor(/^status: waiting$/);
 *   const x = await startXvfb({ width: 1280, height: 800 });  // ... x.stop()
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class AppRun {
  readonly lines: string[] = [];
  /** Everything printed so far, including a question still waiting for its answer (no line end yet). */
  output = '';
  private outputWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  private waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;
  readonly child: ChildProcessWithoutNullStreams;
  constructor(file: string, args: readonly string[], env: Record<string, string>) {
    // No PATH: nothing but the file itself can be what runs.
    this.child = spawn(file, [...args], { cwd: path.dirname(file), env: { PATH: '/nonexistent', ...env } });
    this.child.stdout.on('data', (chunk) => {
      this.output += String(chunk);
      this.outputWaiters = this.outputWaiters.filter((waiter) => (waiter.pattern.test(this.output) ? (waiter.resolve(), false) : true));
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((waiter) => (waiter.pattern.test(line) ? (waiter.resolve(line), false) : true));
    });
    this.child.stderr.on('data', (chunk) => this.lines.push(`[stderr] ${String(chunk).trim()}`));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the app printed no line matching ${pattern} within ${timeoutMs} ms:\n${this.lines.join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }
  /** Waits until the whole output so far matches (a `$` pattern: ends with). */
  waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    if (pattern.test(this.output)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the app's output did not match ${pattern} within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
      this.outputWaiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
  /** Ends the app if still running and waits for it (bounded: SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Downloads a redeemed session's app for `platform` into `directory`, executable. */
export async function downloadApp(
  baseUrl: string,
  downloads: readonly { platform: string; fileName: string; downloadUrl: string }[],
  platform: string,
  directory: string,
): Promise<string> {
  const download = downloads.find((candidate) => candidate.platform === platform);
  if (!download) throw new Error(`no ${platform} download on offer: ${downloads.map((candidate) => candidate.platform).join(', ')}`);
  const response = await fetch(`${baseUrl}${download.downloadUrl}`);
  if (!response.ok) throw new Error(`download ${download.downloadUrl}: ${response.status}`);
  const file = path.join(directory, download.fileName);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  await chmod(file, 0o755);
  return file;
}

export interface XServer {
  /** `:<n>`, for DISPLAY. */
  readonly display: string;
  /** Runs an X client on this display (xdotool, xev) and returns its stdout. */
  x(command: string, args: readonly string[]): Promise<string>;
  pointer(): Promise<{ x: number; y: number }>;
  stop(): Promise<void>;
}

/**
 * Xvfb on a display number it picks itself (`-displayfd`), so parallel runs
 * never collide; no TCP listener. stop() kills it and waits for it.
 */
export async function startXvfb(
  size: { width: number; height: number },
  moreScreens: readonly { width: number; height: number }[] = [],
): Promise<XServer> {
  // Each further screen is X screen 1, 2, ...: DISPLAY :N.1 and so on.
  const screens = [size, ...moreScreens].flatMap((screen, index) => ['-screen', String(index), `${screen.width}x${screen.height}x24`]);
  const child = spawn('Xvfb', ['-displayfd', '3', ...screens, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const displayNumber = await new Promise<string>((resolve, reject) => {
    let text = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within 10 s: ${errors}`)), 10_000);
    child.stderr!.on('data', (chunk) => (errors += String(chunk)));
    child.stdio[3]!.on('data', (chunk) => {
      text += String(chunk);
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code}): ${errors}`));
    });
  });
  const display = `:${displayNumber}`;
  const x = async (command: string, args: readonly string[]) =>
    (await run(command, [...args], { env: { ...process.env, DISPLAY: display }, timeout: 10_000 })).stdout;
  return {
    display,
    x,
    async pointer() {
      const out = await x('xdotool', ['getmouselocation', '--shell']);
      return { x: Number(/X=(\d+)/.exec(out)?.[1]), y: Number(/Y=(\d+)/.exec(out)?.[1]) };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
