/**
 * `npm start`: the whole product on this machine. See docs/local-runtime.md.
 *
 *   PORT=3000               listen port (0 = any free port)
 *   --data-dir <dir>        keep DynamoDB data across restarts (or DATA_DIR)
 *   SWEEP_INTERVAL_SECONDS  how often the time-out sweeper runs (default 15)
 *   SITE_DIR                where to build and serve the site from (default dist/site)
 *   BUILD_APPS              native apps to offer: "cached" (default), "none", "host", "all" or a list, built at start if not cached
 *   plus the tunables of lambdas/domain/config.ts (PIN_VALIDITY_SECONDS, ...)
 */
import { parseArgs } from 'node:util';
import { appPlatforms, hostAppPlatform, isAppPlatform, type AppPlatform } from '../applet/native/platforms.ts';

// The SDK's notice about future Node versions is noise for a local tool; set before any SDK client exists.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const usage = `Usage: npm start [-- --port <port>] [-- --data-dir <folder>]

Runs DynamoDB Local, the HTTP and WebSocket gateways, the local identity provider
and the site on http://127.0.0.1:<port>. Stop with Ctrl+C.

Options (or environment variables):
  --port <port>       PORT      listen port, default 3000; 0 picks a free one
  --data-dir <dir>    DATA_DIR  keep the DynamoDB data in this folder across restarts
                      SWEEP_INTERVAL_SECONDS  time-out sweeper interval, default 15
                      SITE_DIR  build and serve the site from this folder, default dist/site
                      BUILD_APPS  native apps to offer: cached (default: what npm run
                                build:apps built), none, host, all or e.g. linux-x64,windows-x64;
                                named ones are built at start if ~/.cache/pin-remote-support/sea lacks them
See docs/local-runtime.md for the handler tunables (PIN_VALIDITY_SECONDS, ...).`;

function appsToOffer(value: string | undefined): AppPlatform[] | 'cached' {
  if (!value || value === 'cached') return 'cached';
  if (value === 'none') return [];
  if (value === 'all') return [...appPlatforms];
  if (value === 'host') {
    const host = hostAppPlatform();
    return host ? [host] : [];
  }
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isAppPlatform(name));
  if (unknown.length > 0) fail(`BUILD_APPS: unknown platform ${unknown.join(', ')}; use host, all or some of ${appPlatforms.join(', ')}`);
  return names as AppPlatform[];
}

function fail(message: string): never {
  console.error(`local runtime: ${message}`);
  process.exit(1);
}

let args: { port?: string; 'data-dir'?: string; help?: boolean };
try {
  args = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const portText = args.port ?? process.env.PORT ?? '3000';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65_535) fail(`PORT must be a number from 0 to 65535, got "${portText}"`);
const dataDirectory = args['data-dir'] ?? (process.env.DATA_DIR || undefined);

const { startLocalRuntime } = await import('./runtime.ts');

let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
let shuttingDown = false;

async function shutDown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) {
    // A second Ctrl+C: stop waiting; the exit hook still kills DynamoDB Local.
    process.exit(exitCode || 130);
  }
  shuttingDown = true;
  console.log(`\nStopping (${reason})...`);
  const forced = setTimeout(() => {
    console.error('local runtime: shutdown took too long; exiting anyway');
    process.exit(exitCode || 1);
  }, 8000);
  forced.unref();
  try {
    await runtime?.stop();
    console.log('Stopped.');
  } catch (error) {
    console.error('local runtime: error while stopping:', error);
    exitCode ||= 1;
  }
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutDown('SIGINT', 0));
process.on('SIGTERM', () => void shutDown('SIGTERM', 0));
process.on('SIGHUP', () => void shutDown('SIGHUP', 0));
process.on('uncaughtException', (error) => {
  console.error('local runtime: unexpected error:', error);
  void shutDown('unexpected error', 1);
});
// A handler that leaves a promise unawaited fails its invocation in AWS; here it must not take the whole runtime down.
process.on('unhandledRejection', (error) => {
  console.error('local runtime: unhandled promise rejection (a handler did not await a promise; in AWS this fails the invocation):', error);
});

// An orphaned runtime can no longer be stopped with Ctrl+C (e.g. a test runner that was killed): stop with the parent.
const parentPid = process.ppid;
setInterval(() => {
  try {
    process.kill(parentPid, 0);
  } catch {
    void shutDown('the process that started it is gone', 0);
  }
}, 1000).unref();

try {
  runtime = await startLocalRuntime({
    port,
    dataDirectory,
    siteDirectory: process.env.SITE_DIR || undefined,
    apps: appsToOffer(process.env.BUILD_APPS),
    onDynamoDbExit: () => void shutDown('DynamoDB Local stopped and could not be restarted', 1),
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`port ${port} is in use; start with another one, e.g. PORT=3001 npm start`);
  fail(error instanceof Error ? error.message : String(error));
}

const url = runtime.url;
console.log(`
Local runtime up in ${runtime.startMilliseconds} ms:
  PIN page            ${url}/
  Technician console  ${url}/console/
  HTTP API            ${url}/api   (OpenAPI: ${url}/api/openapi.json)
  WebSocket API       ${runtime.webSocketUrl}   (AsyncAPI: ${url}/api/asyncapi.json)
  Dev sign-in         POST ${url}/dev/token  {"username": "alice" | "bob" | "carol"}
  DynamoDB Local      ${runtime.dynamoDb.endpoint}  table ${runtime.table.name}
                      (npm run admin -- ${runtime.dynamoDb.credentialsFile ? `--credentials-file ${runtime.dynamoDb.credentialsFile}` : `--endpoint ${runtime.dynamoDb.endpoint} --table ${runtime.table.name}`} technicians list)
Press Ctrl+C to stop.
Ready: ${url}`);
