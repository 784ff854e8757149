import { randomUUID } from 'node:crypto';
import { invokeHandler, type BoundHandler, type Logger } from './lambda-invoker.ts';

/**
 * Stands in for the EventBridge schedules of the scheduled jobs: every
 * interval it calls each job with a "Scheduled Event". A run never overlaps
 * the previous one (the next starts an interval after the last finished), and
 * a failing job is logged, never fatal.
 */
export interface SweeperOptions {
  readonly jobs: readonly BoundHandler[];
  readonly intervalMs: number;
  readonly log: Logger;
}

export interface Sweeper {
  /** Runs every job once now (after any run in progress); for tests that cannot wait for the interval. */
  runNow(): Promise<void>;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

export function scheduledEvent(jobName: string, now = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:000000000000:rule/${jobName}`],
    detail: {},
  };
}

export function startSweeper(options: SweeperOptions): Sweeper {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async () => {
    for (const job of options.jobs) {
      try {
        await invokeHandler(job, scheduledEvent(job.name));
      } catch (error) {
        options.log.error(`[sweeper] ${job.name} failed:`, error);
      }
    }
  };
  const run = () => {
    running = running.then(runOnce);
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void run().then(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
