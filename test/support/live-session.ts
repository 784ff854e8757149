/**
 * Drives the customer page's live side without a browser: HTTP calls and
 * WebSocket clients against a running local runtime, each socket collecting
 * what it receives so a test can await the message it expects.
 *
 *   const alice = await getToken(runtime.url, 'alice');
 *   const session = await redeemedSession(runtime.url, alice, 'Erika');
 *   const page = await TestSocket.open(`${runtime.wsUrl}?progress=${session.progressToken}`);
 *   page.send({ action: 'follow' });
 *   await page.next((m) => m.type === 'session.state');
 */
import WebSocket from 'ws';
import { ticketFromFileName } from '../../applet/server-config.ts';

export type Message = { readonly type: string } & Record<string, unknown>;

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  route: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as T };
}

export interface RedeemedSession {
  readonly sessionId: string;
  readonly progressToken: string;
  readonly ticket: string;
}

/** New session, PIN, redeem: the session is `connecting`, as after the customer typed the PIN. */
export async function redeemedSession(baseUrl: string, technicianToken: string, customerName: string): Promise<RedeemedSession> {
  const created = await api<{ session: { id: string } }>(baseUrl, 'POST', '/api/sessions', technicianToken, { customerName });
  const pin = await api<{ pin: string }>(baseUrl, 'POST', `/api/sessions/${created.body.session.id}/pin`, technicianToken);
  const redeemed = await api<{ sessionId: string; progress: { token: string }; applet: { fileName: string } }>(
    baseUrl,
    'POST',
    '/api/pin/redeem',
    undefined,
    {
      pin: pin.body.pin,
    },
  );
  if (redeemed.status !== 200) throw new Error(`redeem answered ${redeemed.status}`);
  const ticket = ticketFromFileName(redeemed.body.applet.fileName);
  if (!ticket) throw new Error('no ticket in the applet file name');
  return { sessionId: redeemed.body.sessionId, progressToken: redeemed.body.progress.token, ticket };
}

export class TestSocket {
  readonly messages: Message[] = [];
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => (waiter.match(message) ? (waiter.resolve(message), false) : true));
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /** Opens, or rejects with the HTTP status the handshake was refused with. */
  static async open(url: string): Promise<TestSocket> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
      socket.once('error', reject);
    });
    return new TestSocket(socket);
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message (already received or still to come) that matches. */
  next(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
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

  /** The next message that arrives from now on (not one already seen). */
  nextNew(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    const already = this.messages.length;
    return this.next((m) => this.messages.indexOf(m) >= already && match(m), timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}

export const isState = (status: string) => (m: Message) =>
  m.type === 'session.state' && (m.session as { status?: string })?.status === status;
export const isError = (code?: string) => (m: Message) => m.type === 'error' && (code === undefined || m.code === code);
