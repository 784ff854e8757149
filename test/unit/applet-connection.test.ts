import { beforeEach, describe, expect, it } from '@jest/globals';
import { backoffDelayMs, defaultBackoffPolicy } from '../../applet/src/backoff.ts';
import { ReconnectingConnection, type Clock, type TransportHandlers } from '../../applet/src/connection.ts';

describe('backoff', () => {
  const policy = defaultBackoffPolicy;

  it('starts at 0.5 s, doubles, and caps at 10 s', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffDelayMs(attempt, policy, () => 0.999999));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('jitters between half and the whole of the ceiling', () => {
    expect(backoffDelayMs(0, policy, () => 0)).toBe(250);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3000);
    for (let attempt = 0; attempt < 10; attempt++) {
      const delay = backoffDelayMs(attempt, policy, Math.random);
      expect(delay).toBeGreaterThanOrEqual(Math.min(policy.capMs, policy.initialMs * 2 ** attempt) / 2);
      expect(delay).toBeLessThanOrEqual(policy.capMs);
    }
  });
});

/** A clock whose time only moves when the test says so. */
class ManualClock implements Clock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 0;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = ++this.nextId;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  get pendingDelays(): number[] {
    return this.timers.map((timer) => timer.at - this.time);
  }
  /** Runs the next timer, moving time forward to it. */
  fireNext(): void {
    this.timers.sort((a, b) => a.at - b.at);
    const timer = this.timers.shift();
    if (!timer) throw new Error('no timer pending');
    this.time = timer.at;
    timer.callback();
  }
}

describe('reconnecting connection', () => {
  let clock: ManualClock;
  let attempts: { url: string; handlers: TransportHandlers; sent: string[]; closed: boolean }[];
  let events: string[];
  let connection: ReconnectingConnection;
  let currentTicket: string;

  const latest = () => {
    const attempt = attempts.at(-1);
    if (!attempt) throw new Error('no attempt made');
    return attempt;
  };

  beforeEach(() => {
    clock = new ManualClock();
    attempts = [];
    events = [];
    currentTicket = 't';
    connection = new ReconnectingConnection({
      url: () => `ws://server/ws?ticket=${currentTicket}`,
      clock,
      random: () => 0.999999,
      transport: (url, handlers) => {
        const attempt = { url, handlers, sent: [] as string[], closed: false };
        attempts.push(attempt);
        return { send: (text) => attempt.sent.push(text), close: () => (attempt.closed = true) };
      },
      listener: {
        connected: (isReconnect) => events.push(isReconnect ? 'reconnected' : 'connected'),
        message: (text) => events.push(`message ${text}`),
        lost: () => events.push('lost'),
        unreachable: () => events.push('unreachable'),
        rejected: (status) => events.push(`rejected ${status}`),
        gaveUp: () => events.push('gave up'),
      },
    });
    connection.start();
  });

  it('connects, passes messages through and sends only while open', () => {
    expect(connection.send('early')).toBe(false);
    latest().handlers.onOpen();
    latest().handlers.onMessage('{"type":"session.state"}');
    expect(connection.send('hello')).toBe(true);
    expect(latest().sent).toEqual(['hello']);
    expect(events).toEqual(['connected', 'message {"type":"session.state"}']);
    expect(attempts[0]?.url).toBe('ws://server/ws?ticket=t');
  });

  it('reconnects after a drop with growing delays and reports the reconnect', () => {
    latest().handlers.onOpen();
    latest().handlers.onClose();
    expect(events).toEqual(['connected', 'lost']);
    expect(connection.send('while away')).toBe(false);
    expect(clock.pendingDelays).toEqual([500]);
    clock.fireNext();
    latest().handlers.onClose();
    expect(clock.pendingDelays).toEqual([1000]);
    clock.fireNext();
    latest().handlers.onClose(502);
    expect(clock.pendingDelays).toEqual([2000]);
    clock.fireNext();
    latest().handlers.onOpen();
    expect(attempts).toHaveLength(4);
    expect(events).toEqual(['connected', 'lost', 'reconnected']);
    // A successful connect resets the backoff.
    latest().handlers.onClose();
    expect(clock.pendingDelays).toEqual([500]);
  });

  it('asks for the URL on every attempt, so a renewed ticket is used', () => {
    latest().handlers.onOpen();
    currentTicket = 'renewed';
    latest().handlers.onClose();
    clock.fireNext();
    expect(attempts.map((attempt) => attempt.url)).toEqual(['ws://server/ws?ticket=t', 'ws://server/ws?ticket=renewed']);
  });

  it.each([401, 403, 410])('stops for good when the handshake is refused with %i', (status) => {
    latest().handlers.onClose(status);
    expect(events).toEqual([`rejected ${status}`]);
    expect(clock.pendingDelays).toEqual([]);
  });

  it('says once that the server is unreachable, then gives up after two minutes', () => {
    latest().handlers.onClose();
    while (clock.pendingDelays.length > 0) {
      clock.fireNext();
      latest().handlers.onClose();
    }
    expect(events).toEqual(['unreachable', 'gave up']);
    expect(clock.time).toBe(defaultBackoffPolicy.giveUpAfterMs);
    expect(attempts.length).toBeGreaterThan(10);
  });

  it('counts the two minutes from the drop, not from the start', () => {
    latest().handlers.onOpen();
    clock.time = 10 * 60_000;
    latest().handlers.onClose();
    clock.fireNext();
    latest().handlers.onClose();
    expect(events).toEqual(['connected', 'lost']);
    expect(clock.pendingDelays).toEqual([1000]);
  });

  it('stop() closes the socket, cancels retries and ignores late events', () => {
    latest().handlers.onOpen();
    const first = latest();
    first.handlers.onClose();
    connection.stop();
    expect(clock.pendingDelays).toEqual([]);
    first.handlers.onMessage('late');
    expect(events).toEqual(['connected', 'lost']);

    const again = new ReconnectingConnection({
      url: () => 'ws://x',
      clock,
      transport: () => ({ send: () => undefined, close: () => events.push('closed') }),
      listener: {
        connected: () => undefined,
        message: () => undefined,
        lost: () => undefined,
        unreachable: () => undefined,
        rejected: () => undefined,
        gaveUp: () => undefined,
      },
    });
    again.start();
    again.stop();
    expect(events).toContain('closed');
  });
});
