import type { ClientMessage, ServerMessage } from '../../../contracts/schemas/websocket.ts';

export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type LiveState =
  { readonly kind: 'connecting' } | { readonly kind: 'open' } | { readonly kind: 'retrying'; readonly inMilliseconds: number };

export interface LiveOptions {
  readonly url: string;
  readonly token: () => Promise<string | undefined>;
  readonly createSocket: (url: string) => SocketLike;
  readonly onMessage: (message: ServerMessage) => void;
  /** Called on every successful (re)connect: the moment to catch up on what was missed. */
  readonly onOpen: (reconnected: boolean) => void;
  readonly onState: (state: LiveState) => void;
  /** No token any more: the sign-in lapsed. */
  readonly onSignedOut: () => void;
  /**
   * Sends `{"action":"ping"}` this often while open: API Gateway closes a
   * WebSocket after 10 idle minutes and does not count protocol pings.
   */
  readonly keepAliveMilliseconds?: number;
  readonly random?: () => number;
  readonly schedule?: (callback: () => void, milliseconds: number) => unknown;
  readonly cancel?: (handle: unknown) => void;
}

const OPEN = 1;

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 30 s, each 50-100 % of the step. */
export function backoffDelay(attempt: number, random: () => number): number {
  const step = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(step * (0.5 + random() * 0.5));
}

export function socketUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * The technician's WebSocket: reconnects by itself with backoff, and reports
 * each (re)connect so the console can re-fetch the session list and logs it
 * may have missed while the socket was down.
 */
export class LiveConnection {
  #socket: SocketLike | undefined;
  #attempt = 0;
  #everOpened = false;
  #timer: unknown;
  #keepAliveTimer: unknown;
  #lastSentAction: string | undefined;
  #stopped = false;
  readonly #random: () => number;
  readonly #schedule: (callback: () => void, milliseconds: number) => unknown;
  readonly #cancel: (handle: unknown) => void;

  constructor(private readonly options: LiveOptions) {
    this.#random = options.random ?? Math.random;
    this.#schedule = options.schedule ?? ((callback, milliseconds) => setTimeout(callback, milliseconds));
    this.#cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** The action of the last message sent, so an error answering a keep-alive can be told apart. */
  get lastSentAction(): string | undefined {
    return this.#lastSentAction;
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.options.onState({ kind: 'connecting' });
    const token = await this.options.token();
    if (this.#stopped) return;
    if (!token) {
      this.options.onSignedOut();
      return;
    }
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(socketUrl(this.options.url, token));
    } catch {
      this.#retry();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.options.onState({ kind: 'open' });
      this.#scheduleKeepAlive(socket);
      this.options.onOpen(reconnected);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if (message && typeof message === 'object' && typeof message.type === 'string') this.options.onMessage(message);
    };
    socket.onerror = () => {
      // onclose follows and decides.
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#retry();
    };
  }

  #scheduleKeepAlive(socket: SocketLike): void {
    const every = this.options.keepAliveMilliseconds ?? 300_000;
    this.#keepAliveTimer = this.#schedule(() => {
      if (this.#socket !== socket || socket.readyState !== OPEN) return;
      this.send({ action: 'ping' });
      this.#scheduleKeepAlive(socket);
    }, every);
  }

  #retry(): void {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt, this.#random);
    this.#attempt += 1;
    this.options.onState({ kind: 'retrying', inMilliseconds: delay });
    this.#timer = this.#schedule(() => void this.#connect(), delay);
  }

  /** Sends when open; false means the caller must tell the user it was not sent. */
  send(message: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(message));
    this.#lastSentAction = message.action;
    return true;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#cancel(this.#timer);
    if (this.#keepAliveTimer !== undefined) this.#cancel(this.#keepAliveTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'signed out');
  }
}
