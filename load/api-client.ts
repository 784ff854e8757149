import http from 'node:http';
import WebSocket, { type RawData } from 'ws';

/**
 * A small client for the product's HTTP and WebSocket APIs, shared by the load
 * script and the fuzz/authorization tests. It speaks raw node:http (not fetch)
 * so callers can send what browsers refuse to: bodies on GET, invalid UTF-8,
 * any header, and a chosen source address on the loopback network
 * (127.0.0.0/8 all reaches the local runtime; the gateway reports the socket's
 * address as the client IP, so `localAddress` plays "another client").
 */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly json: unknown;
  readonly milliseconds: number;
}

export interface RawRequest {
  readonly method: string;
  /** Path plus query, sent exactly as given (no normalisation). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Source address on loopback, e.g. 127.0.0.7. */
  readonly localAddress?: string;
  readonly timeoutMs?: number;
}

const agents = new Map<string, http.Agent>();

function agentFor(localAddress: string | undefined): http.Agent {
  const key = localAddress ?? '';
  let agent = agents.get(key);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: 256, ...(localAddress ? { localAddress } : {}) });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes the pooled keep-alive sockets so the process can exit. */
export function closeHttpAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/**
 * Sends the request; when a pooled keep-alive socket turns out to have been
 * closed by the server in the meantime (ECONNRESET on a reused socket, so the
 * server never saw the request), sends it once more on a fresh socket.
 */
export async function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  try {
    return await sendOnce(baseUrl, request);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET')
      return sendOnce(baseUrl, request);
    throw error;
  }
}

function sendOnce(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
    const outgoing = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        agent: agentFor(request.localAddress),
        headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...request.headers },
        timeout: request.timeoutMs ?? 60_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, json, milliseconds: performance.now() - startedAt });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${request.method} ${request.path} timed out`)));
    outgoing.on('error', (error) => reject(Object.assign(error, { reusedSocket: outgoing.reusedSocket })));
    outgoing.end(body);
  });
}

/** JSON in, JSON out, with an optional bearer token. */
export function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; localAddress?: string; userAgent?: string; headers?: Readonly<Record<string, string>> } = {},
): Promise<RawResponse> {
  return rawRequest(baseUrl, {
    method,
    path,
    localAddress: options.localAddress,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export async function devToken(baseUrl: string, username: string): Promise<string> {
  const response = await apiCall(baseUrl, 'POST', '/dev/token', { body: { username } });
  if (response.status !== 200) throw new Error(`POST /dev/token for ${username}: ${response.status} ${response.text}`);
  return (response.json as { token: string }).token;
}

/** The ticket an applet carries in its file name, from a redeem response. */
export function ticketFromRedeem(redeemed: unknown): string {
  const fileName = (redeemed as { applet?: { fileName?: string } }).applet?.fileName ?? '';
  const match = /_([A-Za-z0-9_-]+)\.cjs$/.exec(fileName);
  if (!match?.[1]) throw new Error(`no ticket in applet file name "${fileName}"`);
  return match[1];
}

export type ServerMessage = Record<string, unknown> & { type?: string };

/**
 * A WebSocket that queues every message it receives, so a test or the load
 * script can await "the next message matching X" without racing the socket.
 */
export class MessageSocket {
  readonly received: ServerMessage[] = [];
  private readonly waiters = new Set<{ match: (message: ServerMessage) => boolean; resolve: (message: ServerMessage) => void }>();
  private closeInfo: { code: number; reason: string } | undefined;
  private readonly closeWaiters = new Set<(info: { code: number; reason: string }) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(data.toString()) as ServerMessage;
      } catch {
        message = { type: '<not json>', raw: data.toString() };
      }
      this.received.push(message);
      for (const waiter of this.waiters) {
        if (waiter.match(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closeInfo = { code, reason: reason.toString() };
      for (const waiter of this.closeWaiters) waiter(this.closeInfo);
      this.closeWaiters.clear();
    });
  }

  /** Opens the socket; rejects with the upgrade's HTTP status when the server refuses it. */
  static open(url: string, options: { localAddress?: string; headers?: Record<string, string> } = {}): Promise<MessageSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        headers: options.headers,
      });
      const wrapped = new MessageSocket(socket);
      socket.once('open', () => resolve(wrapped));
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => reject(new UpgradeRefused(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      });
      socket.once('error', (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** The first message (already received since `fromIndex`, or yet to come) that matches. */
  next(match: (message: ServerMessage) => boolean, timeoutMs = 10_000, fromIndex = 0): Promise<ServerMessage> {
    const seen = this.received.slice(fromIndex).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (message: ServerMessage) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching WebSocket message within ${timeoutMs} ms; received: ${JSON.stringify(this.received.slice(-5))}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  closed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.add((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closeInfo) return;
    const done = this.closed();
    this.socket.close(1000);
    await done;
  }
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`WebSocket upgrade refused with ${status}: ${body}`);
  }
}
