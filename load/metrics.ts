/** Latencies and outcomes per operation, and the report the load script prints. */
export class Metrics {
  private readonly latencies = new Map<string, number[]>();
  private readonly statuses = new Map<string, Map<string, number>>();
  private readonly firstAt = new Map<string, number>();
  private readonly lastAt = new Map<string, number>();

  record(operation: string, milliseconds: number, status: number | string): void {
    const now = performance.now();
    if (!this.firstAt.has(operation)) this.firstAt.set(operation, now);
    this.lastAt.set(operation, now);
    let list = this.latencies.get(operation);
    if (!list) this.latencies.set(operation, (list = []));
    list.push(milliseconds);
    let counts = this.statuses.get(operation);
    if (!counts) this.statuses.set(operation, (counts = new Map<string, number>()));
    counts.set(String(status), (counts.get(String(status)) ?? 0) + 1);
  }

  count(operation: string): number {
    return this.latencies.get(operation)?.length ?? 0;
  }

  statusCount(operation: string, status: number | string): number {
    return this.statuses.get(operation)?.get(String(status)) ?? 0;
  }

  /** Every status seen, over all operations, e.g. {"200": 1234, "429": 56}. */
  statusTotals(filter: (operation: string) => boolean = () => true): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [operation, counts] of this.statuses) {
      if (!filter(operation)) continue;
      for (const [status, count] of counts) totals[status] = (totals[status] ?? 0) + count;
    }
    return totals;
  }

  serverErrors(): number {
    return Object.entries(this.statusTotals())
      .filter(([status]) => /^5\d\d$/.test(status))
      .reduce((sum, [, count]) => sum + count, 0);
  }

  rows(): MetricsRow[] {
    return [...this.latencies.entries()]
      .map(([operation, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
        const spanSeconds = Math.max(1, ((this.lastAt.get(operation) ?? 0) - (this.firstAt.get(operation) ?? 0)) / 1000);
        return {
          operation,
          count: values.length,
          perSecond: values.length / spanSeconds,
          p50: at(0.5),
          p95: at(0.95),
          p99: at(0.99),
          max: sorted.at(-1) ?? 0,
          statuses: Object.fromEntries(this.statuses.get(operation) ?? []),
        };
      })
      .sort((a, b) => a.operation.localeCompare(b.operation));
  }
}

export interface MetricsRow {
  readonly operation: string;
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Record<string, number>;
}

export function markdownTable(rows: readonly MetricsRow[]): string {
  const lines = [
    '| operation | count | per s | p50 ms | p95 ms | p99 ms | max ms | outcomes |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.operation} | ${row.count} | ${row.perSecond.toFixed(1)} | ${row.p50.toFixed(0)} | ${row.p95.toFixed(0)} | ${row.p99.toFixed(0)} | ${row.max.toFixed(0)} | ${Object.entries(
          row.statuses,
        )
          .map(([status, count]) => `${status}: ${count}`)
          .join(', ')} |`,
    ),
  ];
  return lines.join('\n');
}
