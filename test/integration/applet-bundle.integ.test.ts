import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocketServer, type WebSocket } from 'ws';
import { appletBundleName, buildApplet } from '../../applet/build.ts';
import { APPLET_CONFIG_PLACEHOLDER, appletFileName, embedServerConfig } from '../../applet/server-config.ts';

/**
 * The built applet bundle, run as a customer runs it, against a stand-in
 * server that plays the service's side of the WebSocket protocol. The real
 * service is exercised by the end-to-end test; this one pins the applet's own
 * contract: ticket, hello, output lines, chat gating, reconnect, exit codes.
 */

const ticket = 'tK3n_applet-integ_0123456789';
const rejectedTicket = 'rejected_ticket_0123456789';
/** Spent by its test, like the service spends a ticket on connect. */
const flowTicket = 'flow_ticket_0123456789abcdef';
const waitMs = 10_000;

/** Items arriving over time, taken in order; `next` waits for the next one that matches. */
class Arrivals<T> {
  private readonly items: T[] = [];
  private cursor = 0;
  private waiter: { match: (item: T) => boolean; resolve: (item: T) => void } | undefined;

  constructor(private readonly summarize: (items: readonly T[]) => string) {}

  push(item: T): void {
    this.items.push(item);
    if (this.waiter && this.take(this.waiter.match, this.waiter.resolve)) this.waiter = undefined;
  }

  get all(): readonly T[] {
    return this.items;
  }

  next(match: (item: T) => boolean = () => true, timeoutMs = waitMs): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.take(match, resolve)) return;
      const timer = setTimeout(
        () => reject(new Error(`nothing matching arrived within ${timeoutMs} ms; got:\n${this.summarize(this.items)}`)),
        timeoutMs,
      );
      this.waiter = { match, resolve: (item) => (clearTimeout(timer), resolve(item)) };
    });
  }

  private take(match: (item: T) => boolean, resolve: (item: T) => void): boolean {
    while (this.cursor < this.items.length) {
      const item = this.items[this.cursor++] as T;
      if (match(item)) {
        resolve(item);
        return true;
      }
    }
    return false;
  }
}

interface ClientConnection {
  readonly url: URL;
  readonly socket: WebSocket;
  readonly messages: Arrivals<Record<string, unknown>>;
}

/** Plays the service: accepts `?ticket=` on /ws, answers 401 for refused (e.g. spent) tickets. */
class FakeServer {
  readonly connections = new Arrivals<ClientConnection>((items) => items.map((c) => c.url.search).join('\n'));
  readonly refusedTickets = new Set([rejectedTicket]);
  private readonly http: Server;
  private readonly webSockets = new WebSocketServer({ noServer: true });

  private constructor() {
    this.http = createServer((_request, response) => response.writeHead(404).end());
    this.http.on('upgrade', (request: IncomingMessage, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      if (url.pathname !== '/ws' || this.refusedTickets.has(url.searchParams.get('ticket') ?? '')) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.webSockets.handleUpgrade(request, socket, head, (client) => {
        const messages = new Arrivals<Record<string, unknown>>((items) => items.map((m) => JSON.stringify(m)).join('\n'));
        client.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
        this.connections.push({ url, socket: client, messages });
      });
    });
  }

  static async start(): Promise<FakeServer> {
    const server = new FakeServer();
    await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.webSockets.clients) client.terminate();
    this.webSockets.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** The applet as a customer's shell runs it; stdout taken line by line. */
class AppletRun {
  readonly stdout = new Arrivals<string>((lines) => lines.join('\n'));
  stderr = '';
  readonly exitCode: Promise<number | null>;
  readonly startedAt = performance.now();
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(file: string, args: readonly string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [file, ...args], {
      cwd: path.dirname(file),
      env: { ...process.env, LANG: 'en_US.UTF-8', ...env },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.stdout.push(line));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exitCode = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    running.add(this);
    void this.exitCode.then(() => running.delete(this));
  }

  line(pattern: RegExp): Promise<string> {
    return this.stdout.next((line) => pattern.test(line));
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }
}

const running = new Set<AppletRun>();
let workDir: string;
let bundle: string;
let server: FakeServer;

async function downloadedApplet(fileName: string): Promise<string> {
  const file = path.join(workDir, fileName);
  await writeFile(
    file,
    embedServerConfig(bundle, { httpOrigin: server.origin, webSocketUrl: `${server.origin.replace('http:', 'ws:')}/ws` }),
  );
  return file;
}

const ofType = (type: string) => (message: Record<string, unknown>) => message.type === type || message.action === type;
const send = (connection: ClientConnection, message: object) => connection.socket.send(JSON.stringify(message));
const sessionState = (status: string, resumeTicket?: string) => ({
  type: 'session.state',
  session: { id: 'sess-1', status, technician: { displayName: 'Alice Adler' } },
  ...(resumeTicket ? { resumeTicket } : {}),
});

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'applet-integ-'));
  await buildApplet(workDir);
  bundle = await readFile(path.join(workDir, 'applet', appletBundleName), 'utf8');
  server = await FakeServer.start();
});

afterEach(() => {
  for (const run of running) run.kill();
});

afterAll(async () => {
  await server.stop();
  await rm(workDir, { recursive: true, force: true });
});

describe('applet bundle', () => {
  it('is one file that needs only Node built-ins and carries the config placeholder once', () => {
    expect(bundle.split(APPLET_CONFIG_PLACEHOLDER)).toHaveLength(2);
    expect(bundle.startsWith('#!/usr/bin/env node')).toBe(true);
    const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !isBuiltin(name))).toEqual([]);
  });

  it('runs a session: ticket from its name, hello, status and chat lines, chat once active, reconnect with the resume ticket, exit 0 on close', async () => {
    const applet = new AppletRun(await downloadedApplet(`${appletFileName('RemoteSupport', flowTicket).replace('.cjs', '')} (1).cjs`), [
      '--yes',
    ]);

    const first = await server.connections.next();
    expect(first.url.pathname).toBe('/ws');
    expect(first.url.searchParams.get('ticket')).toBe(flowTicket);
    const hello = await first.messages.next();
    expect(hello).toMatchObject({ action: 'hello' });
    expect(hello.systemInfo).toEqual({
      os: expect.any(String),
      osVersion: expect.any(String),
      arch: os.arch(),
      hostname: os.hostname(),
      cpus: os.cpus().length,
      cpuModel: expect.any(String),
      memoryBytes: os.totalmem(),
      uptimeSeconds: expect.any(Number),
      locale: expect.any(String),
      timeZone: expect.any(String),
      appletVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      nodeVersion: process.version,
    });
    expect(await applet.line(/^connecting to /)).toBe(`connecting to ${new URL(server.origin).host}`);

    // Like the service, spend the ticket on connect and hand out the next one with the state.
    server.refusedTickets.add(flowTicket);
    const resumeTicket = 'resume_Ticket-0123456789abcdef';
    send(first, sessionState('waiting', resumeTicket));
    await applet.line(/^status: waiting$/);

    applet.type('is anyone there?');
    await applet.line(/chat opens when the technician joins/);

    send(first, { type: 'session.started', sessionId: 'sess-1', technician: { displayName: 'Alice Adler' } });
    await applet.line(/^status: active \(technician: Alice Adler\)$/);
    send(first, {
      type: 'chat',
      sessionId: 'sess-1',
      from: 'technician',
      text: 'Guten Tag!\nWie kann ich helfen?',
      at: new Date().toISOString(),
    });
    await applet.line(/^chat from technician: Guten Tag! \/ Wie kann ich helfen\?$/);
    send(first, { type: 'error', code: 'validation_failed', message: 'text is too long' });
    await applet.line(/^error: validation_failed: text is too long$/);
    send(first, { type: 'something.newer', detail: 'ignored' });

    applet.type('Mein Drucker druckt nicht.');
    expect(await first.messages.next(ofType('chat'))).toEqual({ action: 'chat', sessionId: 'sess-1', text: 'Mein Drucker druckt nicht.' });
    expect(first.messages.all.filter(ofType('chat'))).toHaveLength(1);

    // The service drops the connection (a deploy, a network blip): the applet comes back and says hello again.
    first.socket.terminate();
    await applet.line(/^connection lost, reconnecting\.\.\.$/);
    const second = await server.connections.next();
    expect(second.url.searchParams.get('ticket')).toBe(resumeTicket);
    expect(await second.messages.next()).toMatchObject({ action: 'hello', systemInfo: { hostname: os.hostname() } });
    await applet.line(/^reconnected$/);
    send(second, sessionState('active'));
    applet.type('Wieder da.');
    expect(await second.messages.next(ofType('chat'))).toEqual({ action: 'chat', sessionId: 'sess-1', text: 'Wieder da.' });

    send(second, { type: 'session.closed', sessionId: 'sess-1', reason: 'technician_closed' });
    await applet.line(/^status: closed \(technician_closed\)$/);
    expect(await applet.exitCode).toBe(0);
    // The same status is not announced twice after the reconnect.
    expect(applet.stdout.all.filter((line) => line.startsWith('status: active'))).toHaveLength(1);
    expect(applet.stderr).toBe('');
  });

  it('exits 3 with a clear message when the server refuses the ticket at the handshake', async () => {
    const applet = new AppletRun(await downloadedApplet(appletFileName('RemoteSupport', rejectedTicket)), ['--yes']);
    expect(await applet.exitCode).toBe(3);
    expect(applet.stderr).toContain('The ticket is not valid or the session has ended');
    expect(applet.stdout.all.join('\n') + applet.stderr).not.toMatch(/\n\s+at /);
  });

  it('/quit ends the session and exits once the server confirms', async () => {
    const applet = new AppletRun(await downloadedApplet(appletFileName('RemoteSupport', ticket)), ['--yes']);
    const connection = await server.connections.next();
    await connection.messages.next(ofType('hello'));
    send(connection, sessionState('waiting'));
    await applet.line(/^status: waiting$/);
    applet.type('/quit');
    expect(await connection.messages.next(ofType('end'))).toEqual({ action: 'end', sessionId: 'sess-1' });
    send(connection, { type: 'session.closed', sessionId: 'sess-1', reason: 'customer_ended' });
    await applet.line(/^status: closed \(customer_ended\)$/);
    expect(await applet.exitCode).toBe(0);
  });

  it('Ctrl+C closes the connection without ending the session and exits 130', async () => {
    const applet = new AppletRun(await downloadedApplet(appletFileName('RemoteSupport', ticket)), ['--yes']);
    const connection = await server.connections.next();
    await connection.messages.next(ofType('hello'));
    send(connection, sessionState('waiting'));
    await applet.line(/^status: waiting$/);
    const closed = new Promise((resolve) => connection.socket.once('close', resolve));
    applet.kill('SIGINT');
    expect(await applet.exitCode).toBe(130);
    await closed;
    expect(connection.messages.all.filter(ofType('end'))).toEqual([]);
    expect(applet.stderr).toContain('the session stays open until your technician closes it');
  });

  it('asks before connecting, in German on a German system, and connects only on yes', async () => {
    const file = await downloadedApplet(appletFileName('RemoteSupport', ticket));
    const connectionsBefore = server.connections.all.length;
    const declined = new AppletRun(file, [], { LANG: 'de_DE.UTF-8' });
    await declined.line(/^Dieses Programm verbindet Ihren Computer mit einem Support-Techniker bei 127\.0\.0\.1:\d+\.$/);
    declined.type('n');
    await declined.line(/^Verbindung zum Techniker herstellen\? \[j\/N\] $/);
    expect(await declined.exitCode).toBe(1);
    expect(server.connections.all.length).toBe(connectionsBefore);

    const accepted = new AppletRun(file, [], { LANG: 'de_DE.UTF-8' });
    accepted.type('j');
    const connection = await server.connections.next();
    await connection.messages.next(ofType('hello'));
    send(connection, { type: 'session.closed', sessionId: 'sess-1', reason: 'technician_closed' });
    expect(await accepted.exitCode).toBe(0);
  });

  it('exits 2 with a clear message when neither its name nor --ticket gives a ticket', async () => {
    const applet = new AppletRun(await downloadedApplet('RemoteSupport.cjs'), ['--yes']);
    expect(await applet.exitCode).toBe(2);
    expect(applet.stderr).toContain('No session ticket found');
  });
});
