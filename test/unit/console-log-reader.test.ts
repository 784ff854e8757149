import { describe, expect, it } from '@jest/globals';
import type { SessionLogEntry } from '../../contracts/schemas/session.ts';
import type { LogSince } from '../../web/console/src/api.ts';
import { LogReader } from '../../web/console/src/log-reader.ts';
import { initialState, logOf, logRead, sessionOpened, sessionReceived, type ConsoleState } from '../../web/console/src/state.ts';

/** A session log on a fake service: entries stored so far, read after a cursor (the entry count). */
class FakeLogService {
  readonly entries: SessionLogEntry[] = [];
  readonly reads: { cursor: string | undefined; entries: number }[] = [];
  readonly #answers: (() => void)[] = [];

  write(count: number): void {
    for (let index = 0; index < count; index += 1) {
      const number = this.entries.length;
      this.entries.push({
        at: new Date(Date.UTC(2026, 0, 1, 10, 0, 0, number)).toISOString(),
        type: 'chat',
        actor: { kind: 'customer' },
        message: `line ${number}`,
        details: { from: 'customer' },
      });
    }
  }

  /** Answers only when released, so a test can hold a read in flight. */
  read(cursor: string | undefined): Promise<LogSince> {
    return new Promise((resolve) => {
      this.#answers.push(() => {
        const after = cursor === undefined ? 0 : Number(cursor);
        const stored = this.entries.slice(after);
        this.reads.push({ cursor, entries: stored.length });
        resolve({ stored, provisional: [], cursor: String(this.entries.length) });
      });
    });
  }

  get waiting(): number {
    return this.#answers.length;
  }

  async answerAll(): Promise<void> {
    for (const answer of this.#answers.splice(0)) answer();
    // Let the reader's continuations run.
    for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
  }
}

/** Timers the test runs by hand. */
class ManualClock {
  #next = 0;
  readonly #due = new Map<number, () => void>();
  schedule = (callback: () => void): unknown => {
    this.#next += 1;
    this.#due.set(this.#next, callback);
    return this.#next;
  };
  cancel = (handle: unknown): void => {
    this.#due.delete(handle as number);
  };
  runDue(): void {
    const due = [...this.#due.values()];
    this.#due.clear();
    for (const callback of due) callback();
  }
}

function follow(service: FakeLogService, clock: ManualClock): { reader: LogReader; state: () => ConsoleState } {
  let state = sessionOpened(
    sessionReceived(initialState, { id: 's1', customerName: 'Max', status: 'active', createdAt: '', updatedAt: '' } as never).state,
    's1',
  );
  const reader = new LogReader({
    read: (_id, cursor) => service.read(cursor),
    cursorOf: (id) => logOf(state, id).cursor,
    received: (id, cursor, since) => {
      state = logRead(state, id, cursor, since).state;
    },
    failed: (_id, error) => {
      throw error;
    },
    schedule: clock.schedule,
    cancel: clock.cancel,
  });
  return { reader, state: () => state };
}

describe('following a session log', () => {
  it('reads each entry once while live events arrive: every read after the first starts at the cursor', async () => {
    const service = new FakeLogService();
    const clock = new ManualClock();
    const { reader, state } = follow(service, clock);
    service.write(500);
    reader.request('s1', 0);
    clock.runDue();
    await service.answerAll();
    for (let event = 0; event < 20; event += 1) {
      service.write(1);
      reader.request('s1');
      clock.runDue();
      await service.answerAll();
    }
    expect(service.reads).toHaveLength(21);
    expect(service.reads.slice(1).every((read) => read.cursor !== undefined && read.entries === 1)).toBe(true);
    expect(service.reads.reduce((sum, read) => sum + read.entries, 0)).toBe(520);
    expect(logOf(state(), 's1').stored).toHaveLength(520);
  });

  it('turns a burst of events into one read, and events during a read into one more read from the new cursor', async () => {
    const service = new FakeLogService();
    const clock = new ManualClock();
    const { reader, state } = follow(service, clock);
    service.write(3);
    for (let event = 0; event < 10; event += 1) reader.request('s1');
    clock.runDue();
    expect(service.waiting).toBe(1);
    // Events while that read is in flight: no second read at the same cursor.
    service.write(2);
    for (let event = 0; event < 5; event += 1) {
      reader.request('s1');
      clock.runDue();
    }
    expect(service.waiting).toBe(1);
    await service.answerAll();
    clock.runDue();
    expect(service.waiting).toBe(1);
    await service.answerAll();
    expect(service.reads).toEqual([
      { cursor: undefined, entries: 5 },
      { cursor: '5', entries: 0 },
    ]);
    expect(logOf(state(), 's1').stored.map((item) => item.message)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('reads nothing after it was stopped or the tab dropped its request', async () => {
    const service = new FakeLogService();
    const clock = new ManualClock();
    const { reader } = follow(service, clock);
    reader.request('s1');
    reader.drop('s1');
    clock.runDue();
    reader.stop();
    reader.request('s1');
    clock.runDue();
    expect(service.waiting).toBe(0);
  });
});
