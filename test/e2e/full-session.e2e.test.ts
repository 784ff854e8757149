import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import type { ServerMessage, SessionLogEntry, SessionView } from '#domain/session-model';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { wholeSessionLogTypes } from '../support/session-story.ts';

/**
 * The whole flow (create, PIN, redeem, applet, start, chat, close), end to end: the real local runtime (what `npm start` runs),
 * HTTP and WebSocket APIs, and the real applet downloaded from the redeem
 * response and run as a child process.
 */

let runtime: RuntimeProcess;
let workDir: string;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-applet-'));
});

afterAll(async () => {
  await runtime?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function api<T>(method: string, route: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${runtime.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A console's WebSocket: collects every message and lets the test await the one it expects. */
class ConsoleSocket {
  readonly messages: ServerMessage[] = [];
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => (waiter.match(message) ? (waiter.resolve(message), false) : true));
    });
  }
  static async open(url: string): Promise<ConsoleSocket> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new ConsoleSocket(socket);
  }
  next(match: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no matching WebSocket message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`),
          ),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }
}

/** The applet as a customer runs it: `node <downloaded file> --yes`, stdout read line by line. */
class AppletProcess {
  readonly lines: string[] = [];
  private waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  readonly exited: Promise<number | null>;
  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((waiter) => (waiter.pattern.test(line) ? (waiter.resolve(line), false) : true));
    });
    child.stderr.on('data', (chunk) => this.lines.push(`[stderr] ${String(chunk).trim()}`));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }
  static run(file: string): AppletProcess {
    return new AppletProcess(
      spawn(process.execPath, [file, '--yes'], { cwd: path.dirname(file), env: { ...process.env, LANG: 'en_US.UTF-8' } }),
    );
  }
  waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`applet printed no line matching ${pattern} within ${timeoutMs} ms:\n${this.lines.join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }
  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }
}

const isSessionUpdate = (id: string, status: string) => (m: ServerMessage) =>
  m.type === 'session.updated' && m.session.id === id && m.session.status === status;

describe('a PIN session from "New session" to "Closed"', () => {
  it('runs the whole flow from create to close through the HTTP API, the WebSocket API and the real applet', async () => {
    const token = await getToken(runtime.url, 'alice');
    const console_ = await ConsoleSocket.open(`${runtime.wsUrl}?token=${encodeURIComponent(token)}`);

    // 1. New session
    const created = await api<{ session: SessionView }>('POST', '/api/sessions', token, { customerName: 'Erika Mustermann' });
    expect(created.status).toBe(201);
    const id = created.body.session.id;
    expect(created.body.session.status).toBe('created');
    await console_.next(isSessionUpdate(id, 'created'));

    // 2. Create PIN code
    const pin = await api<{ pin: string; expiresAt: string }>('POST', `/api/sessions/${id}/pin`, token);
    expect(pin.status).toBe(201);
    expect(pin.body.pin).toMatch(/^\d{6}$/);
    await console_.next(isSessionUpdate(id, 'pending'));

    // 3. The customer enters the PIN
    const redeemed = await api<{
      sessionId: string;
      technician: { displayName: string };
      applet: { downloadUrl: string; fileName: string };
    }>('POST', '/api/pin/redeem', undefined, { pin: pin.body.pin });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ sessionId: id, technician: { displayName: 'Alice Adler' } });
    await console_.next(isSessionUpdate(id, 'connecting'));

    // 4. ...downloads the applet, whose file name carries the ticket
    const download = await fetch(`${runtime.url}${redeemed.body.applet.downloadUrl}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain(redeemed.body.applet.fileName);
    const appletFile = path.join(workDir, redeemed.body.applet.fileName);
    await writeFile(appletFile, Buffer.from(await download.arrayBuffer()));

    // 5. ...and runs it: connecting -> waiting, with the customer's system info
    const applet = AppletProcess.run(appletFile);
    await applet.waitFor(/^status: waiting$/);
    const waiting = (await console_.next(isSessionUpdate(id, 'waiting'))) as Extract<ServerMessage, { type: 'session.updated' }>;
    expect(waiting.session.customer?.connected).toBe(true);
    await console_.next((m) => m.type === 'session.updated' && m.session.id === id && m.session.customer?.systemInfo?.os !== undefined);
    const listed = await api<{ sessions: SessionView[] }>('GET', '/api/sessions', token);
    const inList = listed.body.sessions.find((session) => session.id === id);
    expect(inList?.status).toBe('waiting');
    expect(inList?.customer?.systemInfo).toMatchObject({
      os: expect.any(String),
      arch: os.arch(),
      cpus: os.cpus().length,
      hostname: os.hostname(),
    });

    // 6. Start: the customer is told the technician joined
    const started = await api<{ session: SessionView }>('POST', `/api/sessions/${id}/start`, token);
    expect(started.status).toBe(200);
    expect(started.body.session.status).toBe('active');
    await applet.waitFor(/^status: active \(technician: Alice Adler\)$/);
    await console_.next(isSessionUpdate(id, 'active'));
    const again = await api<{ error: { code: string } }>('POST', `/api/sessions/${id}/start`, token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');

    // 7. Chat both ways
    console_.socket.send(JSON.stringify({ action: 'chat', sessionId: id, text: 'Guten Tag, ich sehe Ihren Rechner.' }));
    await applet.waitFor(/^chat from technician: Guten Tag, ich sehe Ihren Rechner\.$/);
    applet.type('Danke, der Drucker geht nicht.');
    const fromCustomer = await console_.next((m) => m.type === 'chat' && m.from === 'customer');
    expect(fromCustomer).toMatchObject({ type: 'chat', sessionId: id, from: 'customer', text: 'Danke, der Drucker geht nicht.' });

    // 8. Close: the applet exits cleanly
    const closed = await api<{ session: SessionView }>('POST', `/api/sessions/${id}/close`, token);
    expect(closed.status).toBe(200);
    expect(closed.body.session).toMatchObject({ status: 'closed', closeReason: 'technician_closed' });
    await applet.waitFor(/^status: closed \(technician_closed\)$/);
    expect(await applet.exited).toBe(0);
    await console_.next(isSessionUpdate(id, 'closed'));

    // The session log tells the whole story, in order.
    const log = await api<{ entries: SessionLogEntry[] }>('GET', `/api/sessions/${id}/log`, token);
    const types = log.body.entries.map((entry) => entry.type);
    expect(types.filter((type) => type !== 'applet_disconnected')).toEqual(wholeSessionLogTypes);
    expect(log.body.entries[1]?.message).toContain(pin.body.pin);
    expect(log.body.entries[2]?.details).toMatchObject({ ip: '127.0.0.1' });
    const listedAfter = await api<{ sessions: SessionView[] }>('GET', '/api/sessions', token);
    expect(listedAfter.body.sessions.map((session) => session.id)).not.toContain(id);
    console_.socket.close();

    // Nothing the runtime and its handlers printed carries a secret: not the PIN, the ticket or the token.
    const printed = runtime.lines.join('\n');
    const ticket = redeemed.body.applet.fileName.replace(/^RemoteSupport_/, '').replace(/\.cjs$/, '');
    expect(printed).not.toMatch(new RegExp(`(^|\\D)${pin.body.pin}(\\D|$)`));
    expect(printed).not.toContain(ticket);
    expect(printed).not.toContain(token);
  });

  it('refuses a used PIN, a forged ticket and a technician without the PIN permission', async () => {
    const alice = await getToken(runtime.url, 'alice');
    const bob = await getToken(runtime.url, 'bob');
    const session = await api<{ session: SessionView }>('POST', '/api/sessions', alice, { customerName: 'Max' });
    const { body } = await api<{ pin: string }>('POST', `/api/sessions/${session.body.session.id}/pin`, alice);
    expect((await api('POST', '/api/pin/redeem', undefined, { pin: body.pin })).status).toBe(200);
    const reused = await api<{ error: { code: string } }>('POST', '/api/pin/redeem', undefined, { pin: body.pin });
    expect(reused).toEqual({ status: 404, body: { error: { code: 'pin_invalid', message: expect.any(String) } } });

    const forged = new WebSocket(`${runtime.wsUrl}?ticket=${'A'.repeat(32)}`);
    const status = await new Promise<number>((resolve) =>
      forged.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(403);

    const bobs = await api<{ session: SessionView }>('POST', '/api/sessions', bob, { customerName: 'Moritz' });
    const denied = await api<{ error: { code: string; message: string } }>('POST', `/api/sessions/${bobs.body.session.id}/pin`, bob);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('pinCode');
    expect((await api('GET', `/api/sessions/${session.body.session.id}`, bob)).status).toBe(404);
    expect((await api('GET', '/api/sessions')).status).toBe(401);
  });
});
