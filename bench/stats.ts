/** Nearest-rank percentiles over milliseconds; machines here are noisy, so p50 carries the ratios. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

export async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await action();
  return { ms: performance.now() - started, value };
}

/** Runs `action` `warmup` times unmeasured, then `iterations` times measured. */
export async function sample(iterations: number, warmup: number, action: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await action();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) samples.push((await timed(action)).ms);
  return samples;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
