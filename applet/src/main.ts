/*
 * Entry point of the reference applet (bundled into RemoteSupport.cjs).
 * Expected failures are handled inside runApplet with a message and an exit
 * code; anything reaching the catch below is a bug, reported without a stack
 * unless REMOTE_SUPPORT_DEBUG is set.
 */
import { isSea } from 'node:sea';
import { runApplet } from './app.ts';
import { detectLanguage, messagesFor } from './i18n.ts';
import { intlFacts } from './system-info.ts';

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
  (exitCode) => closesItsOwnWindow().then(() => exitWhenFlushed(exitCode)),
  (error: unknown) => {
    const detail = process.env.REMOTE_SUPPORT_DEBUG
      ? error instanceof Error
        ? error.stack
        : String(error)
      : error instanceof Error
        ? error.message
        : String(error);
    process.stderr.write(`Unexpected failure: ${detail}\n`);
    exitWhenFlushed(1);
  },
);

/** Exits once pending output is written; stdout may be an asynchronous pipe (Windows). */
function exitWhenFlushed(exitCode: number): void {
  process.stdout.write('', () => process.exit(exitCode));
}

/**
 * Double-clicked on Windows, the app's console window vanishes the moment it
 * exits, taking the last message (session ended, ticket refused) with it; so
 * the app waits for Enter there (at most 10 minutes). Not with --yes, not
 * when stdin is not a console (scripts, tests), not for the Node.js script.
 */
function closesItsOwnWindow(): Promise<void> {
  if (
    process.platform !== 'win32' ||
    !runsAsNativeApp() ||
    !process.stdin.isTTY ||
    process.argv.some((arg) => arg === '--yes' || arg === '-y')
  ) {
    return Promise.resolve();
  }
  process.stdout.write(`${messagesFor(detectLanguage(process.env, intlFacts().locale)).pressEnterToClose}\n`);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10 * 60_000);
    process.stdin.resume();
    process.stdin.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A single-executable build (applet/native/) is its own file: the ticket is in process.execPath's name. */
function runsAsNativeApp(): boolean {
  try {
    return isSea();
  } catch {
    return false;
  }
}
