import { describe, expect, it } from '@jest/globals';
import type { SessionStatus, SessionView } from '../../lambdas/domain/session-model.ts';
import { enteredWaiting, sessionsReconciled, sessionUpserted, sortSessions, toggleSort } from '../../web/console/src/sessions.ts';

const collator = new Intl.Collator('de-DE', { sensitivity: 'base', numeric: true });

function session(id: string, overrides: Partial<SessionView> = {}): SessionView {
  return {
    id,
    customerName: `Customer ${id}`,
    status: 'created',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    statusChangedAt: '2026-01-01T10:00:00.000Z',
    technician: { id: 't', username: 'alice', displayName: 'Alice Adler' },
    ...overrides,
  };
}

describe('sorting the session list', () => {
  it('puts waiting customers first by default, then by workflow urgency, ties newest first', () => {
    const statuses: SessionStatus[] = ['closed', 'created', 'waiting', 'active', 'expired', 'pending', 'connecting', 'timed_out'];
    const list = statuses.map((status, index) => session(String(index), { status, createdAt: `2026-01-01T10:0${index}:00.000Z` }));
    list.push(session('late-waiting', { status: 'waiting', createdAt: '2026-01-01T11:00:00.000Z' }));
    const ordered = sortSessions(list, { key: 'status', direction: 'ascending' }, collator).map((item) => `${item.status}:${item.id}`);
    expect(ordered).toEqual([
      'waiting:late-waiting',
      'waiting:2',
      'active:3',
      'connecting:6',
      'pending:5',
      'created:1',
      'timed_out:7',
      'expired:4',
      'closed:0',
    ]);
  });

  it('sorts customers alphabetically by locale, numbers naturally, and reverses on the second click', () => {
    const list = [
      session('a', { customerName: 'Zoe' }),
      session('b', { customerName: 'Ärger GmbH' }),
      session('c', { customerName: 'Kunde 10' }),
      session('d', { customerName: 'Kunde 9' }),
    ];
    let order = toggleSort({ key: 'status', direction: 'ascending' }, 'customer');
    expect(sortSessions(list, order, collator).map((item) => item.customerName)).toEqual(['Ärger GmbH', 'Kunde 9', 'Kunde 10', 'Zoe']);
    order = toggleSort(order, 'customer');
    expect(order.direction).toBe('descending');
    expect(sortSessions(list, order, collator).map((item) => item.customerName)).toEqual(['Zoe', 'Kunde 10', 'Kunde 9', 'Ärger GmbH']);
  });

  it('sorts by time in status (shortest first) and by PIN expiry (soonest first, none last)', () => {
    const list = [
      session('old', { statusChangedAt: '2026-01-01T09:00:00.000Z', pinExpiresAt: '2026-01-01T10:09:00.000Z' }),
      session('new', { statusChangedAt: '2026-01-01T10:30:00.000Z' }),
      session('mid', { statusChangedAt: '2026-01-01T10:00:00.000Z', pinExpiresAt: '2026-01-01T10:05:00.000Z' }),
    ];
    expect(sortSessions(list, { key: 'timeInStatus', direction: 'ascending' }, collator).map((item) => item.id)).toEqual([
      'new',
      'mid',
      'old',
    ]);
    expect(sortSessions(list, { key: 'pinExpiry', direction: 'ascending' }, collator).map((item) => item.id)).toEqual([
      'mid',
      'old',
      'new',
    ]);
  });

  it('sorts 100 sessions 1000 times well within a frame budget each', () => {
    const statuses: SessionStatus[] = ['created', 'pending', 'connecting', 'waiting', 'active', 'expired'];
    const list = Array.from({ length: 100 }, (_, index) =>
      session(`s${index}`, {
        customerName: `Kunde ${(index * 37) % 100}`,
        status: statuses[index % statuses.length],
        statusChangedAt: new Date(1_700_000_000_000 + index * 7919).toISOString(),
      }),
    );
    const started = performance.now();
    for (let round = 0; round < 1000; round += 1)
      sortSessions(list, { key: round % 2 ? 'customer' : 'status', direction: 'ascending' }, collator);
    const perSort = (performance.now() - started) / 1000;
    expect(perSort).toBeLessThan(4);
  });
});

describe('the known sessions', () => {
  it('ignores an event older than what it knows, so crossing updates never roll back', () => {
    let known = sessionUpserted(new Map(), session('1', { status: 'waiting', updatedAt: '2026-01-01T10:05:00.000Z' }));
    expect(known.change).toBeDefined();
    const stale = sessionUpserted(known.sessions, session('1', { status: 'connecting', updatedAt: '2026-01-01T10:04:00.000Z' }));
    expect(stale.change).toBeUndefined();
    expect(stale.sessions.get('1')?.status).toBe('waiting');
    known = sessionUpserted(stale.sessions, session('1', { status: 'active', updatedAt: '2026-01-01T10:06:00.000Z' }));
    expect(known.change?.previous?.status).toBe('waiting');
  });

  it('reconciles a re-fetched listing and names the sessions that vanished from it', () => {
    let known: ReadonlyMap<string, SessionView> = new Map();
    for (const item of [
      session('kept', { status: 'pending' }),
      session('gone', { status: 'active' }),
      session('closed-here', { status: 'closed' }),
    ]) {
      known = sessionUpserted(known, item).sessions;
    }
    const { sessions, changes, vanished } = sessionsReconciled(known, [
      session('kept', { status: 'connecting', updatedAt: '2026-01-01T10:01:00.000Z' }),
      session('new', { status: 'created' }),
    ]);
    expect(changes.map((change) => `${change.session.id}:${change.previous?.status ?? '-'}->${change.session.status}`)).toEqual([
      'kept:pending->connecting',
      'new:-->created',
    ]);
    expect(vanished).toEqual(['gone']);
    expect(sessions.size).toBe(4);
    expect(known.size).toBe(3);
  });

  it('reports an arrival only when a session enters waiting', () => {
    const waiting = session('1', { status: 'waiting' });
    expect(enteredWaiting({ session: waiting, previous: session('1', { status: 'connecting' }) })).toBe(true);
    expect(enteredWaiting({ session: waiting, previous: waiting })).toBe(false);
    expect(enteredWaiting({ session: session('1', { status: 'active' }), previous: waiting })).toBe(false);
  });
});
