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
   * The PIN page polls every 2 s from redeem until the session ends (decision 0401): 3 minutes until
   * the technician starts plus 20 active minutes = 690 polls.
   */
  pollsPerSession: (3 + 20) * 30,
  /** The same page if it stopped polling once the session is active (proposal in docs/performance.md). */
  pollsPerSessionIfStoppedAtActive: 3 * 30,
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
    line('Lambda requests', session.lambdaInvocations, 'invocations', p.lambdaRequest, `${session.httpRequests} HTTP + authorizer + $connect + ${session.webSocketMessagesReceived} messages + $disconnect`),
    line(
      'Lambda compute',
      gbSeconds,
      'GB-s',
      p.lambdaGbSecond,
      `${session.lambdaInvocations} x ${Math.round(lambdaSeconds * 1000)} ms (mean HTTP call here, an upper bound) x ${a.lambdaMemoryGb} GB`,
    ),
    line('HTTP API requests', session.httpRequests, 'requests', p.httpApiRequest, 'counted'),
    line('WebSocket messages', messages, 'messages', p.webSocketMessage, `${session.webSocketMessagesReceived} received + ${session.webSocketMessagesSent} sent (posts counted)`),
    line('WebSocket connection minutes', connectionMinutes, 'minutes', p.webSocketConnectionMinute, `applet ${a.appletConnectedMinutes} + console ${a.consoleMinutesPerSession} (assumed)`),
    line('CloudWatch Logs ingestion', logGb, 'GB', p.cloudWatchLogsGb, `${session.lambdaInvocations} x ${a.logBytesPerInvocation} B (assumed)`),
    line('X-Ray traces', session.lambdaInvocations * a.xRaySampledShare, 'traces', p.xRayTrace, `${session.lambdaInvocations} x ${a.xRaySampledShare} sampled`),
    line('CloudFront data', a.cloudFrontBytesPerSession / 1024 ** 3, 'GB', p.cloudFrontGb, 'PIN page + support app, gzip (measured sizes, rounded)'),
    line('CloudFront requests', a.cloudFrontRequestsPerSession, 'requests', p.cloudFrontHttpsRequest, 'page, CSS, JS, SVG, config, applet, favicon'),
    line('PIN page progress polls', a.pollsPerSession, 'polls', dollarsPerPoll(session).dollars, `${dollarsPerPoll(session).arithmetic}; ${a.pollsPerSession} polls (every 2 s for 23 min, assumed)`),
  ];
}

/** Costs that do not grow with sessions. */
export function fixedMonthly(): { item: string; dollars: number; arithmetic: string }[] {
  const minutes = 30 * 24 * 60;
  return [
    { item: 'Sweeper (1/min)', dollars: minutes * (prices.lambdaRequest + 0.1 * 0.25 * prices.lambdaGbSecond), arithmetic: `${minutes} invocations x (request + 100 ms x 0.25 GB)` },
    { item: 'PIN secret', dollars: prices.secretMonth, arithmetic: '1 secret (GetSecretValue once per cold start: cents)' },
  ];
}

export const sessionVolumes = [1_000, 100_000, 10_000_000] as const;
