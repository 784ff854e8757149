/**
 * `npm run load`: drives the local runtime with many technicians, customers
 * and applets at once, plus a PIN-guessing attacker, and reports throughput,
 * latency per route, errors, sessions completed vs started and guesses
 * blocked. Not part of `npm test`. See docs/security.md for results.
 *
 *   npm run load                                   # start a runtime, 200-session burst, 150 s sustained mix
 *   npm run load -- --duration 60 --concurrency 30
 *   npm run load -- --url http://127.0.0.1:3000    # a runtime you started (loopback only)
 *   npm run load -- --attacker-ips 150 --duration 30   # enough attacker addresses to spend the global budget
 *
 * Exit code 1 when any 5xx, lost log entry or unexplained session failure occurred.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { putLocalTechnician, type LocalTechnician } from '#storage/directory';
import { createDocumentClient } from '#storage/dynamo-client';
import { readCredentialsFile } from '../local/dynamodb-credentials.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../test/support/runtime.ts';
import { apiCall, closeHttpAgents, devToken, MessageSocket, ticketFromRedeem, type RawResponse, type ServerMessage } from './api-client.ts';
import { markdownTable, Metrics } from './metrics.ts';

const usage = `Usage: npm run load -- [options]
  --url <http://127.0.0.1:port>  target a running local runtime (loopback only); default: start one
  --burst <n>            sessions started at once in the first phase (default 200)
  --duration <seconds>   sustained mixed phase (default 150, max 1800)
  --concurrency <n>      session flows in flight during the sustained phase (default 40)
  --technicians <n>      extra Support technicians to seed when this script starts the runtime (default 20)
  --attacker-ips <n>     loopback addresses the PIN guesser uses (default 4; 0 = no attacker)
  --attacker-rate <n>    guesses per second (default 40)
  --max-sessions <n>     stop starting sessions after this many (default 20000)
  --json <file>          also write the raw figures as JSON`;

function fail(message: string): never {
  console.error(`load: ${message}\n\n${usage}`);
  process.exit(2);
}

const { values: args } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        burst: { type: 'string', default: '200' },
        duration: { type: 'string', default: '150' },
        concurrency: { type: 'string', default: '40' },
        technicians: { type: 'string', default: '20' },
        'attacker-ips': { type: 'string', default: '4' },
        'attacker-rate': { type: 'string', default: '40' },
        'max-sessions': { type: 'string', default: '20000' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
})();
if (args.help) {
  console.log(usage);
  process.exit(0);
}

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const options = {
  burst: wholeNumber('burst', args.burst, 0, 2000),
  durationSeconds: wholeNumber('duration', args.duration, 0, 1800),
  concurrency: wholeNumber('concurrency', args.concurrency, 1, 500),
  technicians: wholeNumber('technicians', args.technicians, 0, 200),
  attackerIps: wholeNumber('attacker-ips', args['attacker-ips'], 0, 250),
  attackerRate: wholeNumber('attacker-rate', args['attacker-rate'], 1, 2000),
  maxSessions: wholeNumber('max-sessions', args['max-sessions'], 1, 1_000_000),
};

if (args.url !== undefined) {
  let host: string;
  try {
    host = new URL(args.url).hostname;
  } catch {
    fail(`--url is not a URL: "${args.url}"`);
  }
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host))
    fail(`--url must be a loopback address (127.x.x.x, localhost, [::1]); got "${host}"`);
}

// Hard stop whatever happens: the phases plus generous time to drain and verify.
const hardStopMs = (options.durationSeconds + 240) * 1000 + options.burst * 1000;
setTimeout(() => {
  console.error(`load: hard time limit of ${Math.round(hardStopMs / 1000)} s reached; exiting`);
  void runtime?.stop('SIGKILL');
  process.exit(3);
}, hardStopMs).unref();

/** Everything over the whole run, plus each phase on its own (the burst and the sustained mix behave differently). */
const metrics = new Metrics();
const phaseMetrics = { burst: new Metrics(), sustained: new Metrics() };
let currentPhase: keyof typeof phaseMetrics = 'burst';
function record(operation: string, milliseconds: number, status: number | string): void {
  metrics.record(operation, milliseconds, status);
  phaseMetrics[currentPhase].record(operation, milliseconds, status);
}
let runtime: RuntimeProcess | undefined;
/** Generous: on a busy 2-core machine a message can take seconds; a lost one still shows as a timeout. */
const WS_WAIT_MS = 60_000;

/** Customers each get their own loopback address (127.1.x.y); the attacker uses 127.66.0.x. */
let customerCounter = 0;
function nextCustomerAddress(): string {
  customerCounter += 1;
  return `127.1.${Math.floor(customerCounter / 250) % 250}.${(customerCounter % 250) + 1}`;
}

async function timed(operation: string, call: () => Promise<RawResponse>): Promise<RawResponse> {
  const startedAt = performance.now();
  try {
    const response = await call();
    record(operation, performance.now() - startedAt, response.status);
    return response;
  } catch (error) {
    record(operation, performance.now() - startedAt, 'network_error');
    throw error;
  }
}

async function timedMessage(
  operation: string,
  socket: MessageSocket,
  match: (message: ServerMessage) => boolean,
  since: number,
  startedAt: number,
): Promise<ServerMessage> {
  try {
    const message = await socket.next(match, WS_WAIT_MS, since);
    record(operation, performance.now() - startedAt, 'received');
    return message;
  } catch (error) {
    record(operation, performance.now() - startedAt, 'timeout');
    throw error;
  }
}

class FlowFailure extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

function expectStatus(step: string, response: RawResponse, status: number): void {
  if (response.status !== status) throw new FlowFailure(step, `HTTP ${response.status} ${response.text.slice(0, 200)}`);
}

interface TechnicianConnection {
  readonly username: string;
  readonly token: string;
  readonly socket: MessageSocket;
}

const outcome = {
  started: 0,
  completed: 0,
  failed: 0,
  failuresByStep: new Map<string, number>(),
  lostLogEntries: 0,
  logProblems: [] as string[],
  customerEnded: 0,
  createRetries: 0,
};

/** The log a completed session must show, in this order (applet_disconnected may come anywhere after the applet connected). */
function checkLog(
  sessionId: string,
  entries: { type: string; message?: string }[],
  chats: readonly string[],
  endedByCustomer: boolean,
): void {
  const expected = ['created', 'pin_generated', 'pin_redeemed', 'applet_connected', 'system_info', 'started', 'chat', 'chat', 'closed'];
  const types = entries.map((entry) => entry.type).filter((type) => type !== 'applet_disconnected');
  const problems: string[] = [];
  if (JSON.stringify(types) !== JSON.stringify(expected)) problems.push(`sequence ${types.join(',')}`);
  const logged = entries.filter((entry) => entry.type === 'chat').map((entry) => entry.message);
  for (const text of chats) if (!logged.includes(text)) problems.push(`chat "${text}" missing`);
  const closed = entries.find((entry) => entry.type === 'closed') as { actor?: { kind?: string } } | undefined;
  if (endedByCustomer && closed?.actor?.kind !== 'customer') problems.push('closed by the customer but not logged as such');
  if (problems.length > 0) {
    outcome.lostLogEntries += 1;
    if (outcome.logProblems.length < 10) outcome.logProblems.push(`${sessionId}: ${problems.join('; ')}`);
  }
}

/** One session through the whole flow (create, PIN, redeem, applet, start, chat both ways, close); resolves when it is closed and its log checked. */
async function sessionFlow(target: { url: string; wsUrl: string }, technician: TechnicianConnection): Promise<void> {
  outcome.started += 1;
  const customerAddress = nextCustomerAddress();
  const endedByCustomer = Math.random() < 0.1;
  let applet: MessageSocket | undefined;
  try {
    // A console that retries a create sends the same Idempotency-Key, so a create that timed out at the gateway is not made twice.
    const idempotencyKey = randomUUID();
    const customerName = `Load ${idempotencyKey.slice(0, 8)}`;
    let created = await timed('POST /api/sessions', () =>
      apiCall(target.url, 'POST', '/api/sessions', {
        token: technician.token,
        body: { customerName },
        headers: { 'idempotency-key': idempotencyKey },
      }),
    );
    for (let retry = 1; retry <= 3 && (created.status === 503 || created.status === 429); retry += 1) {
      outcome.createRetries += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000 * Math.min(10, Number(created.headers['retry-after']) || 2 * retry)));
      created = await timed('POST /api/sessions (retry, same key)', () =>
        apiCall(target.url, 'POST', '/api/sessions', {
          token: technician.token,
          body: { customerName },
          headers: { 'idempotency-key': idempotencyKey },
        }),
      );
    }
    expectStatus('create', created, 201);
    const sessionId = (created.json as { session: { id: string } }).session.id;

    const pinResponse = await timed('POST /api/sessions/{id}/pin', () =>
      apiCall(target.url, 'POST', `/api/sessions/${sessionId}/pin`, { token: technician.token }),
    );
    expectStatus('pin', pinResponse, 201);
    const pin = (pinResponse.json as { pin: string }).pin;

    const redeemed = await timed('POST /api/pin/redeem', () =>
      apiCall(target.url, 'POST', '/api/pin/redeem', { body: { pin }, localAddress: customerAddress, userAgent: 'load-customer' }),
    );
    expectStatus('redeem', redeemed, 200);
    const redemption = redeemed.json as { sessionId: string; progress: { token: string } };
    if (redemption.sessionId !== sessionId) throw new FlowFailure('redeem', `PIN opened ${redemption.sessionId}, not ${sessionId}`);
    const ticket = ticketFromRedeem(redeemed.json);

    const progress = await timed('GET /api/pin/progress', () =>
      apiCall(target.url, 'GET', '/api/pin/progress', { token: redemption.progress.token, localAddress: customerAddress }),
    );
    expectStatus('progress', progress, 200);

    const connectStartedAt = performance.now();
    try {
      applet = await MessageSocket.open(`${target.wsUrl}?ticket=${encodeURIComponent(ticket)}`, { localAddress: customerAddress });
      record('WS $connect (applet)', performance.now() - connectStartedAt, 'open');
    } catch (error) {
      record('WS $connect (applet)', performance.now() - connectStartedAt, (error as { status?: number }).status ?? 'network_error');
      throw new FlowFailure('applet connect', String(error));
    }
    const helloAt = performance.now();
    applet.send({
      action: 'hello',
      systemInfo: { os: 'linux', osVersion: '6.1', arch: 'x64', hostname: 'load', cpus: 2, appletVersion: 'load' },
    });
    const state = await timedMessage(
      'WS hello -> session.state',
      applet,
      (message) => message.type === 'session.state' || message.type === 'error',
      0,
      helloAt,
    );
    if (state.type === 'error') throw new FlowFailure('hello', JSON.stringify(state));

    const seen = await timed('GET /api/sessions/{id}', () =>
      apiCall(target.url, 'GET', `/api/sessions/${sessionId}`, { token: technician.token }),
    );
    expectStatus('get', seen, 200);
    if ((seen.json as { session: { status: string } }).session.status !== 'waiting')
      throw new FlowFailure('get', `status ${(seen.json as { session: { status: string } }).session.status}`);

    const startedFrom = applet.received.length;
    const startAt = performance.now();
    const started = await timed('POST /api/sessions/{id}/start', () =>
      apiCall(target.url, 'POST', `/api/sessions/${sessionId}/start`, { token: technician.token }),
    );
    expectStatus('start', started, 200);
    await timedMessage('WS start -> applet session.started', applet, (message) => message.type === 'session.started', startedFrom, startAt);

    const toCustomer = `t-${randomUUID()}`;
    const toTechnician = `c-${randomUUID()}`;
    const appletFrom = applet.received.length;
    const technicianChatAt = performance.now();
    technician.socket.send({ action: 'chat', sessionId, text: toCustomer });
    await timedMessage(
      'WS chat technician -> customer',
      applet,
      (message) => message.type === 'chat' && message.text === toCustomer,
      appletFrom,
      technicianChatAt,
    );
    const technicianFrom = technician.socket.received.length;
    const customerChatAt = performance.now();
    applet.send({ action: 'chat', sessionId, text: toTechnician });
    await timedMessage(
      'WS chat customer -> technician',
      technician.socket,
      (message) => message.type === 'chat' && message.text === toTechnician,
      technicianFrom,
      customerChatAt,
    );

    const closedFrom = applet.received.length;
    const closeAt = performance.now();
    if (endedByCustomer) {
      applet.send({ action: 'end', sessionId });
      outcome.customerEnded += 1;
      await timedMessage('WS end -> applet session.closed', applet, (message) => message.type === 'session.closed', closedFrom, closeAt);
    } else {
      const closed = await timed('POST /api/sessions/{id}/close', () =>
        apiCall(target.url, 'POST', `/api/sessions/${sessionId}/close`, { token: technician.token }),
      );
      expectStatus('close', closed, 200);
      await timedMessage('WS close -> applet session.closed', applet, (message) => message.type === 'session.closed', closedFrom, closeAt);
    }
    await applet.close();
    applet = undefined;

    const log = await timed('GET /api/sessions/{id}/log', () =>
      apiCall(target.url, 'GET', `/api/sessions/${sessionId}/log`, { token: technician.token }),
    );
    expectStatus('log', log, 200);
    checkLog(sessionId, (log.json as { entries: { type: string }[] }).entries, [toCustomer, toTechnician], endedByCustomer);
    outcome.completed += 1;
  } catch (error) {
    outcome.failed += 1;
    const step = error instanceof FlowFailure ? `${error.message.slice(0, 120)}` : `unexpected: ${String(error).slice(0, 120)}`;
    outcome.failuresByStep.set(step, (outcome.failuresByStep.get(step) ?? 0) + 1);
  } finally {
    await applet?.close().catch(() => undefined);
  }
}

/** Background reads a console does: the session list and /api/me. */
async function consoleReads(target: { url: string }, technician: TechnicianConnection): Promise<void> {
  const listed = await timed('GET /api/sessions', () => apiCall(target.url, 'GET', '/api/sessions', { token: technician.token }));
  if (listed.status !== 200) return;
  await timed('GET /api/me', () => apiCall(target.url, 'GET', '/api/me', { token: technician.token }));
}

const attacker = { made: 0, rejected404: 0, blocked429: 0, other: new Map<string, number>(), successes: [] as string[] };

/** Random six-digit PINs from a few loopback addresses, at a fixed rate, until `until`. */
async function guessingAttacker(target: { url: string }, until: () => boolean): Promise<void> {
  if (options.attackerIps === 0) return;
  const addresses = Array.from({ length: options.attackerIps }, (_, index) => `127.66.${Math.floor(index / 250)}.${(index % 250) + 1}`);
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / options.attackerRate;
  let next = performance.now();
  while (!until()) {
    next += intervalMs;
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const address = addresses[attacker.made % addresses.length]!;
    attacker.made += 1;
    const guess = timed('POST /api/pin/redeem (attacker)', () =>
      apiCall(target.url, 'POST', '/api/pin/redeem', { body: { pin }, localAddress: address }),
    )
      .then((response) => {
        if (response.status === 404) attacker.rejected404 += 1;
        else if (response.status === 429) attacker.blocked429 += 1;
        else if (response.status === 200)
          attacker.successes.push(`${pin} from ${address} opened ${(response.json as { sessionId: string }).sessionId}`);
        else attacker.other.set(String(response.status), (attacker.other.get(String(response.status)) ?? 0) + 1);
      })
      .catch((error: unknown) => void attacker.other.set(String(error), (attacker.other.get(String(error)) ?? 0) + 1))
      .finally(() => inFlight.delete(guess));
    inFlight.add(guess);
    if (inFlight.size >= 50) await Promise.race(inFlight);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(inFlight);
}

async function seedTechnicians(target: RuntimeProcess): Promise<string[]> {
  if (options.technicians === 0) return [];
  // Only the runtime's per-run key sees its table; the runtime prints where the key is.
  const access = await readCredentialsFile(target.dynamoDbCredentialsFile);
  Object.assign(process.env, {
    AWS_REGION: access.region,
    AWS_ACCESS_KEY_ID: access.accessKeyId,
    AWS_SECRET_ACCESS_KEY: access.secretAccessKey,
  });
  const table = { client: createDocumentClient(access.endpoint), name: access.table };
  const usernames: string[] = [];
  for (let index = 1; index <= options.technicians; index += 1) {
    const technician: LocalTechnician = {
      username: `load-tech-${String(index).padStart(3, '0')}`,
      sub: randomUUID(),
      displayName: `Load Technician ${index}`,
      groups: ['Support'],
    };
    await putLocalTechnician(table, technician);
    usernames.push(technician.username);
  }
  table.client.destroy();
  return usernames;
}

async function main(): Promise<void> {
  let target: { url: string; wsUrl: string };
  let usernames = ['alice'];
  if (args.url) {
    const url = args.url.replace(/\/$/, '');
    target = { url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` };
    console.log(`Target: ${url} (running runtime; technicians: alice)`);
  } else {
    const startedAt = performance.now();
    runtime = await startRuntimeProcess({ SWEEP_INTERVAL_SECONDS: '15' });
    target = { url: runtime.url, wsUrl: runtime.wsUrl };
    usernames = [...usernames, ...(await seedTechnicians(runtime))];
    console.log(
      `Started a local runtime at ${runtime.url} in ${Math.round(performance.now() - startedAt)} ms (pid ${runtime.pid}); technicians: alice + ${usernames.length - 1} seeded`,
    );
  }

  const technicians: TechnicianConnection[] = [];
  for (const username of usernames) {
    const token = await devToken(target.url, username);
    const socket = await MessageSocket.open(`${target.wsUrl}?token=${encodeURIComponent(token)}`);
    technicians.push({ username, token, socket });
  }
  const technicianFor = (index: number) => technicians[index % technicians.length]!;

  let attackerStopped = false;
  const attack = guessingAttacker(target, () => attackerStopped);
  const runStartedAt = performance.now();

  // Phase 1: a burst of sessions, all at once.
  console.log(`Phase 1: ${options.burst} sessions at once...`);
  const burstStartedAt = performance.now();
  await Promise.all(Array.from({ length: options.burst }, (_, index) => sessionFlow(target, technicianFor(index))));
  const burstSeconds = (performance.now() - burstStartedAt) / 1000;
  const burst = { ...outcome, seconds: burstSeconds };
  console.log(`  ${outcome.completed}/${outcome.started} completed in ${burstSeconds.toFixed(1)} s`);

  // Phase 2: a sustained mix for the configured duration.
  currentPhase = 'sustained';
  console.log(
    `Phase 2: sustained mix for ${options.durationSeconds} s, ${options.concurrency} flows in flight, console reads alongside...`,
  );
  const sustainedStartedAt = performance.now();
  const deadline = sustainedStartedAt + options.durationSeconds * 1000;
  let flowIndex = 0;
  const worker = async () => {
    while (performance.now() < deadline && outcome.started < options.maxSessions) {
      const technician = technicianFor(flowIndex++);
      await sessionFlow(target, technician);
      if (flowIndex % 3 === 0) await consoleReads(target, technician).catch(() => undefined);
    }
  };
  const progress = setInterval(() => {
    console.log(
      `  ${Math.round((performance.now() - sustainedStartedAt) / 1000)} s: ${outcome.completed} completed, ${outcome.failed} failed, ${attacker.made} guesses (${attacker.blocked429} blocked)`,
    );
  }, 15_000);
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearInterval(progress);
  attackerStopped = true;
  await attack;
  const totalSeconds = (performance.now() - runStartedAt) / 1000;

  // Nothing left open by the load: every technician's open-session list is empty.
  let leftOpen = 0;
  for (const technician of technicians) {
    const listed = await apiCall(target.url, 'GET', '/api/sessions', { token: technician.token });
    leftOpen += ((listed.json as { sessions?: { status: string }[] }).sessions ?? []).filter(
      (session) => session.status !== 'closed',
    ).length;
  }
  for (const technician of technicians) await technician.socket.close().catch(() => undefined);

  const httpRequests = metrics
    .rows()
    .filter((row) => !row.operation.startsWith('WS'))
    .reduce((sum, row) => sum + row.count, 0);
  const report = {
    options,
    target: target.url,
    seconds: totalSeconds,
    burst: { sessions: burst.started, completed: burst.completed, seconds: burst.seconds },
    sessions: {
      started: outcome.started,
      completed: outcome.completed,
      failed: outcome.failed,
      endedByCustomer: outcome.customerEnded,
      createRetries: outcome.createRetries,
      failuresByStep: Object.fromEntries(outcome.failuresByStep),
      leftOpen,
    },
    logs: { incomplete: outcome.lostLogEntries, problems: outcome.logProblems },
    http: {
      requests: httpRequests,
      perSecond: httpRequests / totalSeconds,
      statuses: metrics.statusTotals((operation) => !operation.startsWith('WS')),
      serverErrors: metrics.serverErrors(),
    },
    attacker: {
      addresses: options.attackerIps,
      made: attacker.made,
      rejected404: attacker.rejected404,
      blocked429: attacker.blocked429,
      other: Object.fromEntries(attacker.other),
      successes: attacker.successes,
    },
    rows: metrics.rows(),
    burstRows: phaseMetrics.burst.rows(),
    sustainedRows: phaseMetrics.sustained.rows(),
  };

  console.log(`
Load run: ${totalSeconds.toFixed(0)} s against ${target.url}
Sessions: ${outcome.completed} completed / ${outcome.started} started (${outcome.failed} failed, ${outcome.customerEnded} ended by the customer, ${outcome.createRetries} create retries with the same Idempotency-Key); burst of ${burst.started}: ${burst.completed} completed in ${burst.seconds.toFixed(1)} s
Logs: ${outcome.lostLogEntries} completed sessions with a missing or out-of-order entry${outcome.logProblems.length ? `\n  ${outcome.logProblems.join('\n  ')}` : ''}
Left open: ${leftOpen}
HTTP: ${httpRequests} requests, ${(httpRequests / totalSeconds).toFixed(1)}/s; statuses ${JSON.stringify(report.http.statuses)}; 5xx: ${report.http.serverErrors}
Attacker (${options.attackerIps} addresses, ${options.attackerRate}/s): ${attacker.made} guesses, ${attacker.rejected404} rejected (404), ${attacker.blocked429} blocked (429), ${attacker.successes.length} successful${attacker.successes.length ? ` (${attacker.successes.join('; ')})` : ''}${attacker.other.size ? `, other: ${JSON.stringify(report.attacker.other)}` : ''}
${outcome.failuresByStep.size ? `Failures by step:\n${[...outcome.failuresByStep].map(([step, count]) => `  ${count} x ${step}`).join('\n')}\n` : ''}
Burst phase (${burst.started} sessions at once, attacker running):
${markdownTable(phaseMetrics.burst.rows())}

Sustained phase (${options.concurrency} flows in flight for ${options.durationSeconds} s, attacker running):
${markdownTable(phaseMetrics.sustained.rows())}
`);
  if (args.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Figures written to ${args.json}`);
  }

  const unexplainedFailures = outcome.failed - attacker.successes.length;
  const ok =
    report.http.serverErrors === 0 && outcome.lostLogEntries === 0 && unexplainedFailures <= 0 && leftOpen <= attacker.successes.length;
  closeHttpAgents();
  await runtime?.stop();
  process.exit(ok ? 0 : 1);
}

main().catch(async (error: unknown) => {
  console.error('load: failed:', error);
  closeHttpAgents();
  await runtime?.stop('SIGKILL').catch(() => undefined);
  process.exit(1);
});
