import { describe, expect, it } from '@jest/globals';
import type { SessionLogEntry, SessionStatus, SessionView } from '../../lambdas/domain/session-model.ts';
import type { LogSince } from '../../web/console/src/api.ts';
import { chatMessages } from '../../web/console/src/chat.ts';
import {
  chatReceived,
  initialState,
  logOf,
  logRead,
  neighbourTab,
  sessionForgotten,
  sessionOpened,
  sessionReceived,
  sessionSelected,
  sessionsListed,
  tabClosed,
  waitingCount,
  type ConsoleState,
} from '../../web/console/src/state.ts';

function session(id: string, status: SessionStatus = 'active', updatedAt = '2026-01-01T10:00:00.000Z'): SessionView {
  return {
    id,
    customerName: `Customer ${id}`,
    status,
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt,
    statusChangedAt: updatedAt,
    technician: { id: 't', displayName: 'Alice' },
  } as SessionView;
}

function entry(index: number, type: SessionLogEntry['type'] = 'started'): SessionLogEntry {
  return {
    at: new Date(Date.UTC(2026, 0, 1, 10, 0, index)).toISOString(),
    type,
    actor: { kind: 'technician', name: 'Alice' },
    message: `entry ${index}`,
  };
}

function chatEntry(index: number, text: string): SessionLogEntry {
  return { ...entry(index, 'chat'), actor: { kind: 'customer', name: 'Max' }, message: text, details: { from: 'customer' } };
}

const since = (stored: SessionLogEntry[], cursor: string | undefined, provisional: SessionLogEntry[] = []): LogSince => ({
  stored,
  provisional,
  cursor,
});

function withOpen(...ids: string[]): ConsoleState {
  let state = initialState;
  for (const id of ids) state = sessionReceived(state, session(id)).state;
  for (const id of ids) state = sessionOpened(state, id);
  return state;
}

describe('console state: the log of an open session', () => {
  it('appends what a read after its cursor brought, and keeps the rest without reading it again', () => {
    let state = withOpen('s1');
    state = logRead(state, 's1', undefined, since([entry(1), entry(2)], 'c2')).state;
    const firstStored = logOf(state, 's1').stored;
    const { state: next, appended } = logRead(state, 's1', 'c2', since([entry(3)], 'c3'));
    expect(appended.map((item) => item.message)).toEqual(['entry 3']);
    expect(logOf(next, 's1').stored.map((item) => item.message)).toEqual(['entry 1', 'entry 2', 'entry 3']);
    expect(logOf(next, 's1').cursor).toBe('c3');
    // The earlier value is untouched: views comparing old and new state see exactly what was added.
    expect(logOf(state, 's1').stored).toBe(firstStored);
    expect(firstStored).toHaveLength(2);
  });

  it('drops an answer to a cursor it has moved past, so two crossing reads never double an entry', () => {
    let state = withOpen('s1');
    state = logRead(state, 's1', undefined, since([entry(1)], 'c1')).state;
    // Both reads started at c1; the first answer moves the cursor on.
    state = logRead(state, 's1', 'c1', since([entry(2)], 'c2')).state;
    const late = logRead(state, 's1', 'c1', since([entry(2)], 'c2'));
    expect(late.state).toBe(state);
    expect(late.appended).toEqual([]);
    expect(logOf(late.state, 's1').stored.map((item) => item.message)).toEqual(['entry 1', 'entry 2']);
  });

  it('keeps its cursor when a read finds nothing new, and replaces the provisional time-out on every read', () => {
    let state = withOpen('s1');
    state = logRead(state, 's1', undefined, since([entry(1)], 'c1', [entry(9, 'timed_out')])).state;
    expect(logOf(state, 's1').provisional.map((item) => item.type)).toEqual(['timed_out']);
    state = logRead(state, 's1', 'c1', since([], undefined)).state;
    expect(logOf(state, 's1').cursor).toBe('c1');
    expect(logOf(state, 's1').provisional).toEqual([]);
    expect(logOf(state, 's1').stored).toHaveLength(1);
  });

  it('builds the chat from the appended entries only, keeping live lines the log has not caught up with', () => {
    let state = withOpen('s1');
    state = logRead(state, 's1', undefined, since([chatEntry(1, 'Hallo')], 'c1')).state;
    state = chatReceived(state, 's1', { from: 'technician', text: 'Guten Tag' });
    const shown = chatMessages(logOf(state, 's1').chat);
    expect(shown.map((message) => message.text)).toEqual(['Hallo', 'Guten Tag']);
    const technicianLine: SessionLogEntry = { ...entry(2, 'chat'), message: 'Guten Tag', details: { from: 'technician' } };
    state = logRead(state, 's1', 'c1', since([technicianLine], 'c2')).state;
    const after = chatMessages(logOf(state, 's1').chat);
    // The same keys: the chat view only appends, and the live line now has the log's time.
    expect(after.map((message) => message.key)).toEqual(shown.map((message) => message.key));
    expect(after[1]?.at).toBe(technicianLine.at);
  });
});

describe('console state: sessions and tabs', () => {
  it('opens tabs in order, selects the opened one and moves the selection to the neighbour when a tab closes', () => {
    let state = withOpen('a', 'b', 'c');
    expect(state.openIds).toEqual(['a', 'b', 'c']);
    expect(state.selectedId).toBe('c');
    state = sessionSelected(state, 'b');
    state = tabClosed(state, 'b');
    expect(state.openIds).toEqual(['a', 'c']);
    expect(state.selectedId).toBe('c');
    expect(neighbourTab(state, 'c', 'next')).toBe('a');
    expect(neighbourTab(state, 'a', 'previous')).toBe('c');
    expect(neighbourTab(state, 'c', 'first')).toBe('a');
    expect(sessionSelected(state, 'not-open').selectedId).toBe('a');
  });

  it('keeps the log of a hidden tab, so reopening reads only what is new; forgetting the session drops it', () => {
    let state = withOpen('a');
    state = logRead(state, 'a', undefined, since([entry(1)], 'c1')).state;
    state = tabClosed(state, 'a');
    expect(state.openIds).toEqual([]);
    expect(state.selectedId).toBeUndefined();
    expect(logOf(state, 'a').cursor).toBe('c1');
    state = sessionForgotten(state, 'a');
    expect(state.sessions.has('a')).toBe(false);
    expect(logOf(state, 'a').read).toBe(false);
  });

  it('does not open a session it does not know, counts waiting customers and ignores stale session events', () => {
    let state = sessionOpened(initialState, 'unknown');
    expect(state.openIds).toEqual([]);
    state = sessionsListed(state, [session('w', 'waiting', '2026-01-01T10:05:00.000Z'), session('x', 'active')]).state;
    expect(waitingCount(state)).toBe(1);
    const stale = sessionReceived(state, session('w', 'connecting', '2026-01-01T10:04:00.000Z'));
    expect(stale.change).toBeUndefined();
    expect(stale.state).toBe(state);
  });
});
