import type { BenchResults } from './main.ts';
import { assumptions, costLines, dollarsPerPoll, fixedMonthly, pageLiveDollars, prices, sessionVolumes } from './cost-model.ts';
import { round } from './stats.ts';

const ms = (value: number) => (Number.isFinite(value) ? round(value, value < 10 ? 1 : 0).toString() : 'n/a');
/** A distribution as the tables print it: `p50 / p99`. */
const medianAndTail = (spread: { readonly p50: number; readonly p99: number }) => `${ms(spread.p50)} / ${ms(spread.p99)}`;
const kib = (bytes: number) => round(bytes / 1024, 1).toString();

function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The results as Markdown, the format docs/performance.md quotes. */
export function renderReport(results: BenchResults): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`## Bench run ${results.startedAt}${results.quick ? ' (--quick)' : ''}`);
  out.push(
    `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ${m.java}. ${results.seconds} s, ${results.iterations} interleaved rounds. ` +
      `Highest 1-minute load average seen: ${m.loadAverageMax}; timing budgets ${m.timingBudgets}.`,
  );

  if (results.baselines) {
    out.push('### Baseline: single DynamoDB Local calls (ms)');
    out.push(
      table(
        ['call', 'p50', 'p99'],
        Object.entries(results.baselines).map(([kind, s]) => [kind, ms(s.p50), ms(s.p99)]),
      ),
    );
  }
  if (results.operations) {
    out.push('### Operations (ms; round trips counted; capacity units as DynamoDB Local reports them)');
    out.push(
      table(
        [
          'operation',
          'via',
          'p50',
          'p99',
          'round trips',
          'posts',
          'RRU',
          'WRU',
          'x own round trips',
          'x one round trip',
          'round trips made (typical call)',
        ],
        results.operations.map((f) => [
          f.name,
          f.mode,
          ms(f.time.p50),
          ms(f.time.p99),
          f.permissionRefreshes > 0 ? `${round(f.roundTrips)} (+${round(f.permissionRefreshes)} permission refresh)` : round(f.roundTrips),
          round(f.posts, 1),
          round(f.readUnits, 1),
          round(f.writeUnits, 1),
          `${round(f.ratioToDesignFloor)}x`,
          `${round(f.ratioToPhysicalFloor)}x ${f.physicalFloor}`,
          f.sequence,
        ]),
      ),
    );
  }
  if (results.pinSpace) {
    out.push(`### PIN space: ${results.pinSpace.digits} digits (${10 ** results.pinSpace.digits} PINs)`);
    out.push(
      table(
        [
          'live',
          'expected draws 1/(1-o)',
          'mean draws',
          'max',
          'samples',
          `503 with ${results.pinSpace.levels[0]?.exhaustion.maxDrawsBound ?? 8} draws: measured`,
          'expected o^draws',
        ],
        results.pinSpace.levels.map((level) => [
          `${level.occupancy * 100} %`,
          round(level.expectedDraws),
          round(level.meanDraws),
          level.maxDraws,
          level.samples,
          level.exhaustion.tries ? `${level.exhaustion.refused}/${level.exhaustion.tries}` : '-',
          round(level.exhaustion.expectedRefusedShare, 3),
        ]),
      ),
    );
  }
  if (results.issueRates) {
    out.push('### Sustainable PIN issue rate, 6 digits, 10-minute validity (Little: live = rate x validity)');
    out.push(
      table(
        ['occupancy kept under', 'live PINs', 'PINs/s', 'PINs/hour', 'mean draws'],
        results.issueRates.map((rate) => [
          `${round(rate.occupancy * 100, 2)} %`,
          Math.round(rate.livePins),
          round(rate.perSecond, 1),
          Math.round(rate.perHour),
          round(rate.meanDraws, 3),
        ]),
      ),
    );
  }
  if (results.bundles) {
    out.push('### Bundles (esbuild ESM, node22, minified, AWS SDK bundled; KiB)');
    const origins = ['aws-sdk', 'zod', 'jose', 'powertools', 'own code', 'other'];
    out.push(
      table(
        ['handler', 'minified', 'gzip', ...origins],
        results.bundles.map((b) => [b.name, kib(b.bytes), kib(b.gzipBytes), ...origins.map((origin) => kib(b.byOrigin[origin] ?? 0))]),
      ),
    );
  }
  if (results.coldStarts) {
    out.push('### Cold start: fresh `node` process per run (ms, p50 / p99)');
    out.push(
      table(
        [
          'handler',
          'node bootstrap',
          'import (init)',
          'init CPU',
          'first event',
          'init + first event',
          'spawn to answer',
          'runs',
          'status',
        ],
        results.coldStarts.map((c) => [
          c.name,
          ms(c.bootstrap.p50),
          medianAndTail(c.init),
          medianAndTail(c.initCpu),
          medianAndTail(c.firstEvent),
          ms(c.init.p50 + c.firstEvent.p50),
          medianAndTail(c.total),
          c.init.n,
          c.statusCodes.join('/'),
        ]),
      ),
    );
  }
  if (results.customerPath) {
    const p = results.customerPath;
    out.push(`### Customer path over the local gateway (${p.runs} runs, ${p.appletMode})`);
    out.push(
      table(
        ['step', 'p50', 'p99'],
        [
          ['redeem (POST /api/pin/redeem)', ms(p.redeem.p50), ms(p.redeem.p99)],
          ['applet download', ms(p.download.p50), ms(p.download.p99)],
          ['applet start -> console receives waiting', ms(p.appletToWaiting.p50), ms(p.appletToWaiting.p99)],
          ['total', ms(p.total.p50), ms(p.total.p99)],
          ['(floor) applet program start alone: `node <applet> --version`', ms(p.appletStartFloor.p50), ms(p.appletStartFloor.p99)],
        ],
      ),
    );
    out.push(`Applet download: ${kib(p.appletBytes)} KiB (${kib(p.appletGzipBytes)} KiB gzip).`);
  }
  if (results.pages) {
    out.push('### Pages in headless Chromium (fresh context per load; ms, p50 / p99)');
    out.push(
      table(
        ['page', 'requests', 'bytes KiB', 'gzip KiB', 'by type (KiB)', 'first contentful paint', 'DOMContentLoaded', 'load', 'interactive'],
        results.pages.map((page) => [
          page.page,
          page.requests,
          kib(page.bytes),
          kib(page.gzipBytes),
          Object.entries(page.bytesByType)
            .map(([type, bytes]) => `${type} ${kib(bytes)}`)
            .join(', '),
          medianAndTail(page.firstContentfulPaint),
          medianAndTail(page.domContentLoaded),
          medianAndTail(page.load),
          medianAndTail(page.interactive),
        ]),
      ),
    );
  }
  if (results.sessionCost) {
    const cost = results.sessionCost;
    out.push(
      `### One representative session, counted (${cost.script.progressPolls} progress polls, ${cost.script.chatLines} chat lines each way)`,
    );
    out.push(
      `${cost.roundTrips} DynamoDB round trips, ${round(cost.readUnits, 1)} RRU, ${round(cost.writeUnits, 1)} WRU; ${cost.httpRequests} HTTP requests, ${cost.lambdaInvocations} Lambda invocations, ` +
        `${cost.webSocketConnects} applet connect, ${cost.webSocketMessagesReceived} WebSocket messages received, ${cost.webSocketMessagesSent} sent. ` +
        `Each progress poll: ${round(cost.poll.roundTrips, 2)} round trips, ${round(cost.poll.readUnits, 2)} RRU, ${round(cost.poll.milliseconds, 0)} ms.`,
    );
    out.push(
      table(
        ['DynamoDB call', 'count', 'RRU', 'WRU'],
        Object.entries(cost.byKind)
          .sort((a, b) => b[1].count - a[1].count)
          .map(([kind, entry]) => [kind, entry.count, round(entry.readUnits, 1), round(entry.writeUnits, 1)]),
      ),
    );
    const lines = costLines(cost);
    const perSession = lines.reduce((sum, line) => sum + line.dollarsPerSession, 0);
    const money = (value: number) =>
      value >= 100 ? `$${Math.round(value).toLocaleString('en-US')}` : value >= 0.01 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
    out.push('### Monthly cost (us-east-1 list prices, no free tier)');
    out.push(
      table(
        [
          'item',
          'per session',
          'unit price',
          '$ per session',
          ...sessionVolumes.map((volume) => `${volume.toLocaleString('en-US')} sessions`),
          'how',
        ],
        [
          ...lines.map((line) => [
            line.item,
            `${round(line.perSession, line.perSession < 1 ? 6 : 1)} ${line.unit}`,
            `$${line.unitPrice.toPrecision(3)}`,
            `$${line.dollarsPerSession.toPrecision(2)}`,
            ...sessionVolumes.map((volume) => money(line.dollarsPerSession * volume)),
            line.arithmetic,
          ]),
          [
            '**total, per session**',
            '',
            '',
            `**$${perSession.toPrecision(3)}**`,
            ...sessionVolumes.map((volume) => `**${money(perSession * volume)}**`),
            '',
          ],
          [
            'total had the page kept polling (before the live page)',
            `${assumptions.pollsPerSessionWhenPolling} polls`,
            '',
            `$${(perSession - pageLiveDollars() + assumptions.pollsPerSessionWhenPolling * dollarsPerPoll(cost).dollars).toPrecision(3)}`,
            ...sessionVolumes.map((volume) =>
              money((perSession - pageLiveDollars() + assumptions.pollsPerSessionWhenPolling * dollarsPerPoll(cost).dollars) * volume),
            ),
            `same run: every 2 s for 23 min; ${dollarsPerPoll(cost).arithmetic}`,
          ],
          ...fixedMonthly().map((fixed) => [
            fixed.item,
            'fixed',
            '',
            '',
            ...sessionVolumes.map(() => money(fixed.dollars)),
            fixed.arithmetic,
          ]),
        ],
      ),
    );
    out.push(
      `Prices used: ${Object.entries(prices)
        .map(([name, price]) => `${name} $${price.toPrecision(3)}`)
        .join(', ')}. Assumptions: ${Object.entries(assumptions)
        .map(([name, value]) => `${name} ${value}`)
        .join(', ')}.`,
    );
  }
  out.push('### Budgets');
  out.push(
    table(
      ['budget', 'limit', 'measured', 'result'],
      results.budgets.map((b) => [b.id, b.limit, b.measured, b.pass ? 'pass' : b.advisory ? 'over (advisory)' : '**FAIL**']),
    ),
  );
  return `${out.join('\n\n')}\n`;
}
