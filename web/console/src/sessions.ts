import type { SessionStatus } from '../../../contracts/statuses.ts';
import type { SessionView } from '../../../contracts/schemas/session.ts';

export type SortKey = 'status' | 'customer' | 'timeInStatus' | 'pinExpiry';
export type SortDirection = 'ascending' | 'descending';
export interface SortOrder {
  readonly key: SortKey;
  readonly direction: SortDirection;
}

/** Urgency first: a waiting customer is the one the technician must act on. */
const statusUrgency: Record<SessionStatus, number> = {
  waiting: 0,
  active: 1,
  connecting: 2,
  pending: 3,
  created: 4,
  timed_out: 5,
  expired: 6,
  closed: 7,
};

export const defaultSortOrder: SortOrder = { key: 'status', direction: 'ascending' };

function time(iso: string | undefined, missing: number): number {
  if (!iso) return missing;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? missing : value;
}

/**
 * Returns the sessions in display order. Ties always fall back to the newest
 * first, so the order is total and rows never jump between renders.
 */
export function sortSessions(sessions: Iterable<SessionView>, order: SortOrder, collator: Intl.Collator): SessionView[] {
  const sign = order.direction === 'ascending' ? 1 : -1;
  const compareKey = (a: SessionView, b: SessionView): number => {
    switch (order.key) {
      case 'status':
        return statusUrgency[a.status] - statusUrgency[b.status];
      case 'customer':
        return collator.compare(a.customerName, b.customerName);
      case 'timeInStatus':
        // Longer in status = earlier change; ascending shows the shortest first.
        return time(b.statusChangedAt, 0) - time(a.statusChangedAt, 0);
      case 'pinExpiry':
        return time(a.pinExpiresAt, Number.MAX_SAFE_INTEGER) - time(b.pinExpiresAt, Number.MAX_SAFE_INTEGER);
    }
  };
  return [...sessions].sort((a, b) => {
    const primary = compareKey(a, b) * sign;
    if (primary !== 0) return primary;
    const newest = time(b.createdAt, 0) - time(a.createdAt, 0);
    return newest !== 0 ? newest : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export function toggleSort(current: SortOrder, key: SortKey): SortOrder {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: 'ascending' };
}

/**
 * Is `incoming` at least as new as `known`? Events and re-fetches can cross
 * on the wire; the newer `updatedAt` wins so a late event never rolls a
 * session back.
 */
export function isNewer(incoming: SessionView, known: SessionView | undefined): boolean {
  if (!known) return true;
  return time(incoming.updatedAt, 0) >= time(known.updatedAt, 0);
}

export interface SessionChange {
  readonly session: SessionView;
  readonly previous: SessionView | undefined;
}

/** Applies one session to a known set; the change is undefined when the session was stale. */
export function sessionUpserted(
  sessions: ReadonlyMap<string, SessionView>,
  session: SessionView,
): { readonly sessions: ReadonlyMap<string, SessionView>; readonly change: SessionChange | undefined } {
  const previous = sessions.get(session.id);
  if (!isNewer(session, previous)) return { sessions, change: undefined };
  return { sessions: new Map(sessions).set(session.id, session), change: { session, previous } };
}

/**
 * Applies a full listing (`GET /api/sessions`, open sessions only) and
 * returns the changes plus the ids the console still shows as open but the
 * listing no longer has: their final state must be fetched one by one.
 */
export function sessionsReconciled(
  known: ReadonlyMap<string, SessionView>,
  listing: readonly SessionView[],
): { readonly sessions: ReadonlyMap<string, SessionView>; readonly changes: SessionChange[]; readonly vanished: string[] } {
  const sessions = new Map(known);
  const changes: SessionChange[] = [];
  const listed = new Set<string>();
  for (const session of listing) {
    listed.add(session.id);
    const previous = sessions.get(session.id);
    if (!isNewer(session, previous)) continue;
    sessions.set(session.id, session);
    changes.push({ session, previous });
  }
  const vanished: string[] = [];
  for (const [id, session] of sessions) if (!listed.has(id) && session.status !== 'closed') vanished.push(id);
  return { sessions, changes, vanished };
}

/** A customer just arrived: the moment the technician is told (and may hear a sound). */
export function enteredWaiting(change: SessionChange): boolean {
  return change.session.status === 'waiting' && change.previous?.status !== 'waiting';
}
