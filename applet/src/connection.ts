import { backoffDelayMs, defaultBackoffPolicy, type BackoffPolicy } from './backoff.ts';

/** One attempt at a connection, whatever carries it (ws in the applet, a fake in tests). */
export interface Transport {
  send(text: string): void;
  close(): void;
}

export interface TransportHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  /**
   * Called once when the attempt ends, open or not. `rejectedStatus` is the
   * HTTP status when the server refused the WebSocket handshake.
   */
  onClose(rejectedStatus?: number): void;
}

export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;

export interface ConnectionListener {
  /** `isReconnect`: an earlier connection of this run had been open. */
  connected(isReconnect: boolean): void;
  message(text: string): void;
  /** An open connection dropped; reconnecting. */
  lost(): void;
  /** The very first attempt failed; retrying. */
  unreachable(): void;
  /** The server refused the ticket (or the session is over): no point in retrying. */
  rejected(status: number): void;
  gaveUp(): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Handshake statuses that mean "this ticket will never be accepted again". */
export const rejectionStatuses: ReadonlySet<number> = new Set([401, 403, 410]);

export interface ReconnectingConnectionOptions {
  /** Asked before every attempt: the ticket in it changes (the service hands out a fresh one per connection). */
  readonly url: () => string;
  readonly transport: TransportFactory;
  readonly listener: ConnectionListener;
  readonly policy?: BackoffPolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/**
 * Keeps one connection to the server alive: retries with backoff after a
 * failed attempt or a drop, stops for good on a rejected ticket or after
 * `giveUpAfterMs` without a successful connect.
 */
export class ReconnectingConnection {
  private readonly policy: BackoffPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private transport: Transport | undefined;
  /** Identifies the current attempt, so late events of an abandoned one are ignored. */
  private generation = 0;
  private open = false;
  private everOpened = false;
  private failedAttempts = 0;
  private disconnectedSince = 0;
  private retryTimer: unknown;
  private stopped = false;

  constructor(private readonly options: ReconnectingConnectionOptions) {
    this.policy = options.policy ?? defaultBackoffPolicy;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.disconnectedSince = this.clock.now();
    this.attempt();
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Sends if connected; `false` means the text was not sent. */
  send(text: string): boolean {
    if (!this.open || !this.transport) return false;
    this.transport.send(text);
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.retryTimer);
    this.generation++;
    this.open = false;
    this.transport?.close();
    this.transport = undefined;
  }

  private attempt(): void {
    const generation = ++this.generation;
    const isCurrent = () => !this.stopped && generation === this.generation;
    this.transport = this.options.transport(this.options.url(), {
      onOpen: () => {
        if (!isCurrent()) return;
        this.open = true;
        this.failedAttempts = 0;
        const isReconnect = this.everOpened;
        this.everOpened = true;
        this.options.listener.connected(isReconnect);
      },
      onMessage: (text) => {
        if (isCurrent()) this.options.listener.message(text);
      },
      onClose: (rejectedStatus) => {
        if (isCurrent()) this.attemptEnded(rejectedStatus);
      },
    });
  }

  private attemptEnded(rejectedStatus: number | undefined): void {
    const wasOpen = this.open;
    this.open = false;
    this.transport = undefined;
    const { listener } = this.options;
    if (rejectedStatus !== undefined && rejectionStatuses.has(rejectedStatus)) {
      this.stopped = true;
      listener.rejected(rejectedStatus);
      return;
    }
    if (wasOpen) {
      this.disconnectedSince = this.clock.now();
      listener.lost();
    } else if (!this.everOpened && this.failedAttempts === 0) {
      listener.unreachable();
    }
    const remainingMs = this.disconnectedSince + this.policy.giveUpAfterMs - this.clock.now();
    if (!wasOpen && remainingMs <= 0) {
      this.stopped = true;
      listener.gaveUp();
      return;
    }
    // The last retry is pulled forward to the deadline rather than skipped.
    const delayMs = Math.min(backoffDelayMs(this.failedAttempts++, this.policy, this.random), Math.max(0, remainingMs));
    this.retryTimer = this.clock.setTimeout(() => {
      if (!this.stopped) this.attempt();
    }, delayMs);
  }
}
