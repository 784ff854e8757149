/*
 * Entry point of the reference applet (bundled into RemoteSupport.cjs).
 * Expected failures are handled inside runApplet with a message and an exit
 * code; anything reaching the catch below is a bug, reported without a stack
 * unless REMOTE_SUPPORT_DEBUG is set.
 */
import { isSea } from 'node:sea';
import { runApplet } from './app.ts';

// A closed stdout (e.g. piped into `head`) must not crash the applet mid-session.
process.stdout.on('error', () => undefined);

runApplet({
  argv: process.argv,
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  onSignal: (signal, handler) => process.on(signal, handler),
  nativeApp: runsAsNativeApp() ? { executablePath: process.execPath } : undefined,
}).then(
  (exitCode) => exitWhenFlushed(exitCode),
  (error: unknown) => {
    const detail = process.env.REMOTE_SUPPORT_DEBUG ? (error instanceof Error ? error.stack : String(error)) : error instanceof Error ? error.message : String(error);
    process.stderr.write(`Unexpected failure: ${detail}\n`);
    exitWhenFlushed(1);
  },
);

/** Exits once pending output is written; stdout may be an asynchronous pipe (Windows). */
function exitWhenFlushed(exitCode: number): void {
  process.stdout.write('', () => process.exit(exitCode));
}

/** A single-executable build (applet/native/) is its own file: the ticket is in process.execPath's name. */
function runsAsNativeApp(): boolean {
  try {
    return isSea();
  } catch {
    return false;
  }
}
