import WebSocket from 'ws';
import { ticketFromFileName } from '../applet/server-config.ts';
import type { BenchEnvironment } from './environment.ts';
import { getToken } from './operations.ts';
import type { RoundTrip } from './round-trips.ts';

/**
 * One representative session, end to end through the local gateway, with
 * everything that costs money counted: the inputs of the cost model in
 * docs/performance.md. The script is the assumption, stated once here:
 * the console lists sessions twice and opens the session and its log once;
 * the customer's page polls progress (`progressPolls` samples, counted apart
 * and scaled by time in the cost model); the applet says
 * hello; `chatLines` lines each way; the technician closes; the applet's
 * socket goes.
 */
export interface SessionScript {
  readonly progressPolls: number;
  readonly chatLines: number;
}

export const representativeSession: SessionScript = { progressPolls: 20, chatLines: 10 };

export interface SessionCost {
  readonly script: SessionScript;
  readonly roundTrips: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** By DynamoDB call kind: count, RRU, WRU. */
  readonly byKind: Record<string, { count: number; readUnits: number; writeUnits: number }>;
  readonly httpRequests: number;
  /** Lambda invocations: HTTP routes + authorizer + $connect + messages + $disconnect. */
  readonly lambdaInvocations: number;
  /** Client-observed milliseconds summed over the HTTP calls (an upper bound of their Lambda durations). */
  readonly httpMilliseconds: number;
  readonly webSocketConnects: number;
  readonly webSocketMessagesReceived: number;
  /** Posts the handlers made to connections (each is a message API Gateway bills). */
  readonly webSocketMessagesSent: number;
  /** The progress polls, counted apart: the page keeps polling all session long, so the model scales them by time. */
  readonly poll: { readonly count: number; readonly roundTrips: number; readonly readUnits: number; readonly milliseconds: number };
}

function waitFor<T>(socket: WebSocket, predicate: (message: Record<string, unknown>) => T | undefined, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', listener);
      reject(new Error('session cost: an expected WebSocket message did not arrive'));
    }, timeoutMs);
    const listener = (data: WebSocket.RawData) => {
      const value = predicate(JSON.parse(String(data)) as Record<string, unknown>);
      if (value === undefined) return;
      clearTimeout(timer);
      socket.off('message', listener);
      resolve(value);
    };
    socket.on('message', listener);
  });
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export async function measureSessionCost(env: BenchEnvironment, script: SessionScript = representativeSession): Promise<SessionCost> {
  const { url, webSocketUrl } = env.runtime;
  const token = await getToken(url, 'alice');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const consoleSocket = await open(`${webSocketUrl}?token=${encodeURIComponent(token)}`);
  await env.counter.settle();
  const postsBefore = env.connections.posts;
  let httpRequests = 0;
  let httpMilliseconds = 0;
  let lambdaInvocations = 0;
  let webSocketConnects = 0;
  let received = 0;
  const http = async (path: string, init: RequestInit = {}) => {
    const started = performance.now();
    const response = await fetch(`${url}${path}`, init);
    const body = (await response.json()) as Record<string, unknown>;
    httpMilliseconds += performance.now() - started;
    httpRequests += 1;
    lambdaInvocations += 1;
    if (!response.ok) throw new Error(`session cost: ${path} answered ${response.status}`);
    return body;
  };
  const send = (socket: WebSocket, message: unknown) => {
    socket.send(JSON.stringify(message));
    received += 1;
    lambdaInvocations += 1;
  };

  const created = await http('/api/sessions', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ customerName: 'Erika Mustermann' }),
  });
  const id = String((created.session as { id: string }).id);
  await http('/api/sessions', { headers: auth });
  const { pin } = (await http(`/api/sessions/${id}/pin`, { method: 'POST', headers: auth })) as { pin: string };
  const redeemed = (await http('/api/pin/redeem', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  })) as {
    applet: { fileName: string };
    progress: { token: string };
  };
  const beforePolls = { trips: env.counter.take(), requests: httpRequests, milliseconds: httpMilliseconds, invocations: lambdaInvocations };
  for (let poll = 0; poll < script.progressPolls; poll += 1) {
    await http('/api/pin/progress', { headers: { authorization: `Bearer ${redeemed.progress.token}` } });
  }
  const pollTrips = env.counter.take();
  const poll = {
    count: script.progressPolls,
    roundTrips: pollTrips.length / script.progressPolls,
    readUnits: pollTrips.reduce((sum, trip) => sum + trip.readUnits, 0) / script.progressPolls,
    milliseconds: (httpMilliseconds - beforePolls.milliseconds) / script.progressPolls,
  };
  // The rest of the session is counted without the polls.
  httpRequests = beforePolls.requests;
  httpMilliseconds = beforePolls.milliseconds;
  lambdaInvocations = beforePolls.invocations;
  const tripsBeforePolls = beforePolls.trips;
  const ticket = ticketFromFileName(redeemed.applet.fileName);
  const waiting = waitFor(consoleSocket, (m) => ((m.session as { status?: string } | undefined)?.status === 'waiting' ? true : undefined));
  const applet = await open(`${webSocketUrl}?ticket=${ticket}`);
  webSocketConnects += 1;
  lambdaInvocations += 2; // the REQUEST authorizer, then $connect
  await waiting;
  const stateAnswer = waitFor(applet, (m) => (m.type === 'session.state' ? true : undefined));
  send(applet, {
    action: 'hello',
    systemInfo: {
      os: 'Windows',
      osVersion: '10.0.22631',
      arch: 'x64',
      hostname: 'PC-ERIKA',
      cpus: 8,
      cpuModel: 'Intel(R) Core(TM) i5-1135G7',
      memoryBytes: 17_179_869_184,
      uptimeSeconds: 86_400,
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      appletVersion: '1.0.0',
      nodeVersion: 'v22.11.0',
    },
  });
  await stateAnswer;
  await http(`/api/sessions/${id}`, { headers: auth });
  const started = waitFor(applet, (m) => (m.type === 'session.started' ? true : undefined));
  await http(`/api/sessions/${id}/start`, { method: 'POST', headers: auth });
  await started;
  for (let line = 0; line < script.chatLines; line += 1) {
    const atApplet = waitFor(applet, (m) => (m.type === 'chat' ? true : undefined));
    send(consoleSocket, { action: 'chat', sessionId: id, text: `Technician line ${line}: bitte klicken Sie auf Start.` });
    await atApplet;
    const atConsole = waitFor(consoleSocket, (m) => (m.type === 'chat' ? true : undefined));
    send(applet, { action: 'chat', sessionId: id, text: `Customer line ${line}: ok, erledigt.` });
    await atConsole;
  }
  await http(`/api/sessions/${id}/log`, { headers: auth });
  const closed = waitFor(applet, (m) => (m.type === 'session.closed' ? true : undefined));
  await http(`/api/sessions/${id}/close`, { method: 'POST', headers: auth });
  await closed;
  await http('/api/sessions', { headers: auth });
  const disconnectDone = new Promise<void>((resolve) => applet.once('close', () => resolve()));
  applet.close();
  await disconnectDone;
  lambdaInvocations += 1; // $disconnect
  // $disconnect runs after the close handshake; its round trips belong to the session.
  await env.counter.quiet();

  const trips: RoundTrip[] = [...tripsBeforePolls, ...env.counter.take()];
  const sent = env.connections.posts - postsBefore;
  consoleSocket.close();
  const byKind: SessionCost['byKind'] = {};
  for (const trip of trips) {
    const entry = (byKind[trip.kind] ??= { count: 0, readUnits: 0, writeUnits: 0 });
    entry.count += 1;
    entry.readUnits += trip.readUnits;
    entry.writeUnits += trip.writeUnits;
  }
  return {
    script,
    roundTrips: trips.length,
    readUnits: trips.reduce((sum, trip) => sum + trip.readUnits, 0),
    writeUnits: trips.reduce((sum, trip) => sum + trip.writeUnits, 0),
    byKind,
    httpRequests,
    lambdaInvocations,
    httpMilliseconds,
    webSocketConnects,
    webSocketMessagesReceived: received,
    webSocketMessagesSent: sent,
    poll,
  };
}
