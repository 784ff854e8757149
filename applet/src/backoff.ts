/**
 * Reconnect pacing: exponential growth from `initialMs` up to `capMs`, with
 * "equal jitter" (half fixed, half random) so that many applets dropped by the
 * same outage do not reconnect in lockstep, yet none retries almost at once.
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly capMs: number;
  /** Give up once this long has passed without a successful connect. */
  readonly giveUpAfterMs: number;
}

export const defaultBackoffPolicy: BackoffPolicy = { initialMs: 500, capMs: 10_000, giveUpAfterMs: 120_000 };

/** Delay before retry number `attempt` (0 = first retry); `random` is in [0, 1). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(policy.capMs, policy.initialMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
