import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.ts';
import type { Logger } from '../../local/lambda-invoker.ts';
import { startSweeper } from '../../local/sweeper.ts';

describe('local sweeper', () => {
  it('calls each job with an EventBridge scheduled event, never overlapping runs, surviving failures', async () => {
    const events: { job: string; event: Record<string, unknown> }[] = [];
    const errors: string[] = [];
    const log: Logger = { info: () => undefined, error: (message) => void errors.push(message) };
    let running = 0;
    let maxConcurrent = 0;
    const slowJob = async (event: Record<string, unknown>) => {
      running += 1;
      maxConcurrent = Math.max(maxConcurrent, running);
      events.push({ job: 'slow', event });
      // Slower than the interval: a naive setInterval would start a second run meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 60));
      running -= 1;
    };
    const failingJob = () => {
      throw new Error('sweep failed');
    };
    const sweeper = startSweeper({
      jobs: [
        { name: 'slow', handler: slowJob },
        { name: 'failing', handler: failingJob },
      ],
      intervalMs: 10,
      log,
    });
    await eventually(() => expect(events.length).toBeGreaterThanOrEqual(3), { timeoutMs: 5000 });
    await sweeper.stop();
    const countAfterStop = events.length;

    expect(maxConcurrent).toBe(1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toContain('failing');
    expect(events[0]?.event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/slow'],
      detail: {},
    });
    expect(String(events[0]?.event.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.length).toBe(countAfterStop);
  });
});
