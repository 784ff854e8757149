/**
 * Everything the signed-in console knows, as one value, and the pure
 * functions that turn API answers, WebSocket events and the technician's
 * clicks into the next value. No DOM, no I/O: the views draw from this state
 * and `app.ts` does the talking, so every rule here is testable on its own.
 */
import type { SessionLogEntry, SessionView } from '../../../contracts/schemas/session.ts';
import type { LogSince } from './api.ts';
import { chatLiveAdded, chatLogAppended, emptyChat, type ChatState, type IncomingChat } from './chat.ts';
import type { LiveState } from './live.ts';
import { sessionsReconciled, sessionUpserted, type SessionChange } from './sessions.ts';

/** One open session's log as far as the console has read it. */
export interface SessionLog {
  /** Entries the server has stored, oldest first; they only ever grow, by what was read after `cursor`. */
  readonly stored: readonly SessionLogEntry[];
  /** A time-out the server has not written yet: behind no cursor, replaced by every read. */
  readonly provisional: readonly SessionLogEntry[];
  /** Where the next read continues; undefined before the first read. */
  readonly cursor: string | undefined;
  /** Whether a read has answered yet (an empty log and an unread one look alike otherwise). */
  readonly read: boolean;
  readonly chat: ChatState;
}

export interface ConsoleState {
  readonly sessions: ReadonlyMap<string, SessionView>;
  /** Session tabs in the order they were opened. */
  readonly openIds: readonly string[];
  readonly selectedId: string | undefined;
  /** Logs (and the chats drawn from them) of the sessions this console has opened or chatted in. */
  readonly logs: ReadonlyMap<string, SessionLog>;
  readonly connection: LiveState;
  /** The session whose chat or screen view sent last: an error answer over the socket belongs to it. */
  readonly lastSent: { readonly action: 'chat' | 'screen'; readonly sessionId: string } | undefined;
}

export const initialState: ConsoleState = {
  sessions: new Map(),
  openIds: [],
  selectedId: undefined,
  logs: new Map(),
  connection: { kind: 'connecting' },
  lastSent: undefined,
};

export const emptyLog: SessionLog = { stored: [], provisional: [], cursor: undefined, read: false, chat: emptyChat };

export function logOf(state: ConsoleState, id: string): SessionLog {
  return state.logs.get(id) ?? emptyLog;
}

function withLog(state: ConsoleState, id: string, log: SessionLog): ConsoleState {
  return { ...state, logs: new Map(state.logs).set(id, log) };
}

// ---- sessions ----------------------------------------------------------------------------

export function sessionReceived(
  state: ConsoleState,
  session: SessionView,
): { readonly state: ConsoleState; readonly change: SessionChange | undefined } {
  const { sessions, change } = sessionUpserted(state.sessions, session);
  return { state: change ? { ...state, sessions } : state, change };
}

export function sessionsListed(
  state: ConsoleState,
  listing: readonly SessionView[],
): { readonly state: ConsoleState; readonly changes: readonly SessionChange[]; readonly vanished: readonly string[] } {
  const { sessions, changes, vanished } = sessionsReconciled(state.sessions, listing);
  return { state: { ...state, sessions }, changes, vanished };
}

/** The session is gone from the service (or dismissed): no row, no tab, no log. */
export function sessionForgotten(state: ConsoleState, id: string): ConsoleState {
  const sessions = new Map(state.sessions);
  sessions.delete(id);
  const logs = new Map(state.logs);
  logs.delete(id);
  return { ...tabClosed(state, id), sessions, logs };
}

// ---- tabs --------------------------------------------------------------------------------

export function sessionOpened(state: ConsoleState, id: string): ConsoleState {
  if (!state.sessions.has(id)) return state;
  const openIds = state.openIds.includes(id) ? state.openIds : [...state.openIds, id];
  return { ...state, openIds, selectedId: id };
}

/** Selecting nothing or a closed tab falls back to the first open tab. */
export function sessionSelected(state: ConsoleState, id: string | undefined): ConsoleState {
  const selectedId = id !== undefined && state.openIds.includes(id) ? id : state.openIds[0];
  return selectedId === state.selectedId ? state : { ...state, selectedId };
}

/** Hides a tab; the selection moves to its neighbour. The log is kept: reopening reads only what is new. */
export function tabClosed(state: ConsoleState, id: string): ConsoleState {
  const index = state.openIds.indexOf(id);
  if (index < 0) return state;
  const openIds = state.openIds.filter((openId) => openId !== id);
  const selectedId = state.selectedId === id ? openIds[Math.min(index, openIds.length - 1)] : state.selectedId;
  return { ...state, openIds, selectedId };
}

/** The tab `step` places from `id` (wrapping), or the first/last one. */
export function neighbourTab(state: ConsoleState, id: string, move: 'next' | 'previous' | 'first' | 'last'): string | undefined {
  const { openIds } = state;
  const index = openIds.indexOf(id);
  if (openIds.length === 0) return undefined;
  if (move === 'first') return openIds[0];
  if (move === 'last') return openIds[openIds.length - 1];
  const step = move === 'next' ? 1 : -1;
  return openIds[(index + step + openIds.length) % openIds.length];
}

// ---- log and chat ------------------------------------------------------------------------

/**
 * A read of the log after `requestedCursor` answered. Only the entries after
 * the cursor travelled, so they are appended; an answer to a cursor the
 * console has moved past (two reads crossed) is dropped instead of doubling
 * entries. `appended` is what is new, for the views to add.
 */
export function logRead(
  state: ConsoleState,
  id: string,
  requestedCursor: string | undefined,
  since: LogSince,
): { readonly state: ConsoleState; readonly appended: readonly SessionLogEntry[] } {
  const log = logOf(state, id);
  if (log.read && log.cursor !== requestedCursor) return { state, appended: [] };
  const next: SessionLog = {
    stored: since.stored.length === 0 ? log.stored : [...log.stored, ...since.stored],
    provisional: since.provisional,
    cursor: since.cursor ?? log.cursor,
    read: true,
    chat: chatLogAppended(log.chat, since.stored),
  };
  return { state: withLog(state, id, next), appended: since.stored };
}

/** A chat line received over the WebSocket, or one this console just sent. */
export function chatReceived(state: ConsoleState, id: string, message: IncomingChat): ConsoleState {
  const log = logOf(state, id);
  return withLog(state, id, { ...log, chat: chatLiveAdded(log.chat, message) });
}

// ---- connection --------------------------------------------------------------------------

export function connectionChanged(state: ConsoleState, connection: LiveState): ConsoleState {
  return { ...state, connection };
}

export function messageSent(state: ConsoleState, action: 'chat' | 'screen', sessionId: string): ConsoleState {
  return { ...state, lastSent: { action, sessionId } };
}

export function waitingCount(state: ConsoleState): number {
  let waiting = 0;
  for (const session of state.sessions.values()) if (session.status === 'waiting') waiting += 1;
  return waiting;
}
