import { screenViewChannelCount } from '../lib/remote-support-stack.ts';
import type { SessionCost } from './session-cost.ts';

/**
 * Monthly cost from the counted session (session-cost.ts) and AWS list prices.
 * Prices: us-east-1, on-demand, public list prices as of 2025 (eu-central-1,
 * the stack's default region, is 0-20 % higher for DynamoDB and API Gateway;
 * Lambda is the same). Free tiers are ignored: the model is for steady state.
 */
export const prices = {
  dynamoDbWriteUnit: 0.625 / 1e6,
  dynamoDbReadUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  /** arm64 (the stack's architecture). */
  lambdaGbSecond: 0.0000133334,
  httpApiRequest: 1.0 / 1e6,
  webSocketMessage: 1.0 / 1e6,
  webSocketConnectionMinute: 0.25 / 1e6,
  cloudWatchLogsGb: 0.5,
  xRayTrace: 5.0 / 1e6,
  cloudFrontGb: 0.085,
  cloudFrontHttpsRequest: 0.01 / 1e4,
  secretMonth: 0.4,
  /** Kinesis Video Streams with WebRTC: per active signaling channel and month. */
  kvsSignalingChannelMonth: 0.03,
  /** ...per signaling API call (GetIceServerConfig counts here; our own WebSocket API carries the SDPs). */
  kvsSignalingMessage: 2.25 / 1e6,
  /** ...per TURN streaming minute, only for shares that cannot go peer to peer. */
  kvsTurnMinute: 0.12 / 1000,
} as const;

/** What the bench cannot count and the model must assume; each line of the report names the one it uses. */
export const assumptions = {
  /** 256 MB functions (lib/constructs/service-function.ts). */
  lambdaMemoryGb: 0.25,
  /** The applet is connected from waiting until closed. */
  appletConnectedMinutes: 20,
  /** A technician keeps the console open 8 h a day and handles 16 sessions in it: 30 console minutes per session. */
  consoleMinutesPerSession: 30,
  /** Lambda platform lines (START/END/REPORT, JSON) plus our event lines, per invocation. */
  logBytesPerInvocation: 600,
  /** X-Ray's default sampling: the first request each second, then 5 %. */
  xRaySampledShare: 0.05,
  /**
   * PIN page (~10 KB gzip) + the support app per customer: 34 MB (Windows) to 43 MB (Linux) gzip
   * as served (bench "apps"), taken as 36 MB for a mostly-Windows mix; the console is cached by the
   * technician's browser. The app is by far the largest item of a session's bill.
   */
  cloudFrontBytesPerSession: 10 * 1024 + 36_000_000,
  cloudFrontRequestsPerSession: 7,
  /**
   * What the PIN page cost while it polled every 2 s from redeem to the end (3 minutes until the
   * technician starts plus 20 active minutes), kept to show the live page's saving in the report.
   */
  pollsPerSessionWhenPolling: (3 + 20) * 30,
  /** The PIN page's live socket is open from redeem to the end: 3 + 20 minutes. */
  pageConnectedMinutes: 23,
  /** $connect (authorizer + handler), follow, 4 status pushes, 4 keep-alive pings, $disconnect. */
  pageInvocations: 7,
  pageMessages: 10,
  /** Screen views per session, and what each costs in signaling: request, share, offer, answer, stop (each received and posted). */
  screenSharesPerSession: 1,
  screenSignalsPerShare: 5,
  /** Both sides fetch the ICE servers once per share: 2 HTTP requests, 2 GetIceServerConfig calls. */
  iceFetchesPerShare: 2,
  /** Shares that need TURN (strict NATs and firewalls) and how long they run. */
  turnShareOfShares: 0.2,
  turnMinutesPerShare: 10,
};

export interface CostLine {
  readonly item: string;
  readonly perSession: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly dollarsPerSession: number;
  readonly arithmetic: string;
}

/** Everything one progress poll costs: HTTP API request, Lambda request and compute, reads, logs, traces. */
export function dollarsPerPoll(session: SessionCost): { dollars: number; arithmetic: string } {
  const a = assumptions;
  const p = prices;
  const poll = session.poll;
  const dollars =
    p.httpApiRequest +
    p.lambdaRequest +
    (poll.milliseconds / 1000) * a.lambdaMemoryGb * p.lambdaGbSecond +
    poll.readUnits * p.dynamoDbReadUnit +
    (a.logBytesPerInvocation / 1024 ** 3) * p.cloudWatchLogsGb +
    a.xRaySampledShare * p.xRayTrace;
  return {
    dollars,
    arithmetic: `per poll: 1 HTTP request + 1 Lambda (${Math.round(poll.milliseconds)} ms) + ${poll.roundTrips} GetItem (${poll.readUnits} RRU) + logs + traces = $${dollars.toPrecision(2)}`,
  };
}

export function costLines(session: SessionCost): CostLine[] {
  const a = assumptions;
  const p = prices;
  const lambdaSeconds = session.httpMilliseconds / Math.max(1, session.httpRequests) / 1000;
  const gbSeconds = session.lambdaInvocations * lambdaSeconds * a.lambdaMemoryGb;
  const messages = session.webSocketMessagesReceived + session.webSocketMessagesSent;
  const connectionMinutes = a.appletConnectedMinutes + a.consoleMinutesPerSession;
  const logGb = (session.lambdaInvocations * a.logBytesPerInvocation) / 1024 ** 3;
  const line = (item: string, perSession: number, unit: string, unitPrice: number, arithmetic: string): CostLine => ({
    item,
    perSession,
    unit,
    unitPrice,
    dollarsPerSession: perSession * unitPrice,
    arithmetic,
  });
  return [
    line('DynamoDB write units', session.writeUnits, 'WRU', p.dynamoDbWriteUnit, 'counted (transactions x2, GSI writes included)'),
    line('DynamoDB read units', session.readUnits, 'RRU', p.dynamoDbReadUnit, 'counted (strongly consistent 1 per 4 KB, queries 0.5)'),
    line(
      'Lambda requests',
      session.lambdaInvocations,
      'invocations',
      p.lambdaRequest,
      `${session.httpRequests} HTTP + authorizer + $connect + ${session.webSocketMessagesReceived} messages + $disconnect`,
    ),
    line(
      'Lambda compute',
      gbSeconds,
      'GB-s',
      p.lambdaGbSecond,
      `${session.lambdaInvocations} x ${Math.round(lambdaSeconds * 1000)} ms (mean HTTP call here, an upper bound) x ${a.lambdaMemoryGb} GB`,
    ),
    line('HTTP API requests', session.httpRequests, 'requests', p.httpApiRequest, 'counted'),
    line(
      'WebSocket messages',
      messages,
      'messages',
      p.webSocketMessage,
      `${session.webSocketMessagesReceived} received + ${session.webSocketMessagesSent} sent (posts counted)`,
    ),
    line(
      'WebSocket connection minutes',
      connectionMinutes,
      'minutes',
      p.webSocketConnectionMinute,
      `applet ${a.appletConnectedMinutes} + console ${a.consoleMinutesPerSession} (assumed)`,
    ),
    line(
      'CloudWatch Logs ingestion',
      logGb,
      'GB',
      p.cloudWatchLogsGb,
      `${session.lambdaInvocations} x ${a.logBytesPerInvocation} B (assumed)`,
    ),
    line(
      'X-Ray traces',
      session.lambdaInvocations * a.xRaySampledShare,
      'traces',
      p.xRayTrace,
      `${session.lambdaInvocations} x ${a.xRaySampledShare} sampled`,
    ),
    line(
      'CloudFront data',
      a.cloudFrontBytesPerSession / 1024 ** 3,
      'GB',
      p.cloudFrontGb,
      'PIN page + support app, gzip (measured sizes, rounded)',
    ),
    line(
      'CloudFront requests',
      a.cloudFrontRequestsPerSession,
      'requests',
      p.cloudFrontHttpsRequest,
      'page, CSS, JS, SVG, config, applet, favicon',
    ),
    line(
      'PIN page live connection',
      1,
      'session',
      pageLiveDollars(),
      `${a.pageConnectedMinutes} connection minutes + ${a.pageMessages} messages + ${a.pageInvocations} Lambda invocations (assumed); no polls while the socket is up`,
    ),
    line(
      'Screen view',
      a.screenSharesPerSession,
      'shares',
      screenShareDollars(),
      `${a.screenSignalsPerShare} signals x 2 messages + ${a.iceFetchesPerShare} ICE fetches (HTTP + Lambda + GetIceServerConfig) + ${a.turnShareOfShares * 100} % x ${a.turnMinutesPerShare} TURN minutes (assumed)`,
    ),
  ];
}

const invocationDollars = () =>
  prices.lambdaRequest +
  0.02 * assumptions.lambdaMemoryGb * prices.lambdaGbSecond +
  (assumptions.logBytesPerInvocation / 1024 ** 3) * prices.cloudWatchLogsGb;

/** The PIN page following its session by push, for one whole session. */
export function pageLiveDollars(): number {
  const a = assumptions;
  return (
    a.pageConnectedMinutes * prices.webSocketConnectionMinute +
    a.pageMessages * prices.webSocketMessage +
    a.pageInvocations * invocationDollars()
  );
}

/** One screen view: signaling through our WebSocket API, ICE servers from Kinesis Video Streams, TURN for some. */
export function screenShareDollars(): number {
  const a = assumptions;
  const signals = a.screenSignalsPerShare * (2 * prices.webSocketMessage + invocationDollars());
  const ice = a.iceFetchesPerShare * (prices.httpApiRequest + invocationDollars() + prices.kvsSignalingMessage);
  return signals + ice + a.turnShareOfShares * a.turnMinutesPerShare * prices.kvsTurnMinute;
}

/** Costs that do not grow with sessions. */
export function fixedMonthly(): { item: string; dollars: number; arithmetic: string }[] {
  const minutes = 30 * 24 * 60;
  return [
    {
      item: 'Sweeper (1/min)',
      dollars: minutes * (prices.lambdaRequest + 0.1 * 0.25 * prices.lambdaGbSecond),
      arithmetic: `${minutes} invocations x (request + 100 ms x 0.25 GB)`,
    },
    { item: 'PIN secret', dollars: prices.secretMonth, arithmetic: '1 secret (GetSecretValue once per cold start: cents)' },
    {
      item: 'Screen-view signaling channels',
      dollars: screenViewChannelCount * prices.kvsSignalingChannelMonth,
      arithmetic: `${screenViewChannelCount} Kinesis Video Streams channels (they scope TURN credentials only)`,
    },
  ];
}

export const sessionVolumes = [1_000, 100_000, 10_000_000] as const;
