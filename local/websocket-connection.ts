import { WebSocket } from 'ws';
import type { LocalConnection } from './connections-endpoint.ts';

/** API Gateway's WebSocket quotas: a connection lasts at most 2 hours and is closed after 10 idle minutes. */
export interface WebSocketLimits {
  /** Default 2 hours, API Gateway's maximum connection duration. */
  readonly maxConnectionMs?: number;
  /** Default 10 minutes, API Gateway's idle connection timeout: no message from the client for this long. */
  readonly idleTimeoutMs?: number;
}

export const apiGatewayLimits = { maxConnectionMs: 2 * 3600_000, idleTimeoutMs: 10 * 60_000 } as const;

/** The close API Gateway sends at either limit (observed: 1001 "Going away"; its documentation names no code). */
const goingAway = { code: 1001, reason: 'Going away' } as const;
/** The product's own close when the credential a connection was authorised with runs out. */
export const tokenExpired = { code: 1000, reason: 'Token expired' } as const;

export interface WebSocketConnectionInit {
  readonly id: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly limits?: WebSocketLimits;
  /** Epoch milliseconds at which the connection's credential expires; absent = it does not. */
  readonly credentialExpiresAt?: number;
}

/**
 * One open WebSocket as API Gateway keeps it: who it is, when it was last
 * active, its limits (idle, maximum duration, credential expiry) as timers,
 * and a queue that handles its frames one after another.
 */
export class WebSocketConnection implements LocalConnection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  lastActiveAt: number;
  readonly #idleTimeoutMs: number;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #endTimers: NodeJS.Timeout[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(init: WebSocketConnectionInit) {
    this.id = init.id;
    this.socket = init.socket;
    this.connectedAt = init.connectedAt;
    this.lastActiveAt = init.connectedAt;
    this.sourceIp = init.sourceIp;
    this.userAgent = init.userAgent;
    this.#idleTimeoutMs = init.limits?.idleTimeoutMs ?? apiGatewayLimits.idleTimeoutMs;
    const maxConnectionMs = init.limits?.maxConnectionMs ?? apiGatewayLimits.maxConnectionMs;
    this.#endAfter(this.connectedAt + maxConnectionMs - Date.now(), goingAway);
    if (init.credentialExpiresAt !== undefined) this.#endAfter(init.credentialExpiresAt - Date.now(), tokenExpired);
    this.#armIdleTimer();
    this.socket.once('close', () => this.#clearTimers());
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** A message from the client: it resets the idle timer (as in API Gateway, ping frames do not). */
  touch(): void {
    this.lastActiveAt = Date.now();
    this.#armIdleTimer();
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(data, (error) => (error ? reject(error) : resolve())));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /** Runs work after everything queued before it, whether that succeeded or not. */
  enqueue(work: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(work, work);
    return this.#queue;
  }

  #armIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.close(goingAway.code, goingAway.reason), this.#idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #endAfter(delayMs: number, close: { code: number; reason: string }): void {
    // setTimeout's range is 2^31 - 1 ms (about 24.8 days); a longer delay would fire at once.
    const timer = setTimeout(() => this.close(close.code, close.reason), Math.min(Math.max(delayMs, 0), 2 ** 31 - 1));
    timer.unref();
    this.#endTimers.push(timer);
  }

  #clearTimers(): void {
    clearTimeout(this.#idleTimer);
    for (const timer of this.#endTimers) clearTimeout(timer);
  }
}
