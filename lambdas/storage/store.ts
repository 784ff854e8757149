/**
 * What the domain asks of storage, in the domain's words but without its
 * rules: storage keeps items, keys and indexes, and knows nothing of which
 * status may follow which. The session and log-entry shapes are the domain's
 * own, passed in as type parameters, so storage imports nothing from it.
 * `DynamoStore` (dynamo-store.ts) is the one implementation.
 */

import type { IntegrationClient } from './clients.ts';

/** What storage must know of a session to keep its keys and indexes. */
export interface StoredSession {
  readonly id: string;
  readonly status: string;
  readonly technicianId: string;
  readonly createdAt: string;
  /** When set, the session is listed in the byDeadline index under it. */
  readonly deadlineAt?: string;
}

export interface StoredLogEntry {
  readonly at: string;
  readonly type: string;
  readonly actor: unknown;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Attributes a patch may remove: only the optional ones (a session never loses its status or owner). */
export type OptionalAttribute<S> = { [K in keyof S]-?: object extends Pick<S, K> ? K : never }[keyof S];

/**
 * A change to one session: attributes set (an undefined value is skipped) and
 * attributes removed. Both are checked against the session type, so a
 * misspelt attribute fails to compile instead of being written.
 */
export interface SessionPatch<S> {
  readonly set?: { readonly [K in Exclude<keyof S, 'id'>]?: S[K] };
  readonly remove?: readonly OptionalAttribute<S>[];
}

/** The session as it is after a patch, without reading it back. */
export function patched<S extends object>(session: S, patch: SessionPatch<S>): S {
  const next: S = { ...session };
  for (const [attribute, value] of Object.entries(patch.set ?? {})) if (value !== undefined) Reflect.set(next, attribute, value);
  for (const attribute of patch.remove ?? []) Reflect.deleteProperty(next, attribute);
  return next;
}

/** What must hold of the stored session for a transition to win. */
export interface Expectation<S extends StoredSession> {
  /** The stored status is one of these. */
  readonly status?: readonly S['status'][];
  /** Attributes with these values; an `undefined` value means the attribute must be absent. */
  readonly attributes?: { readonly [K in keyof S]?: S[K] };
  /** The stored deadline, if any, is after this instant (the status has not run out by itself). */
  readonly deadlineNotPassedAt?: string;
  /** The stored deadline exists and is at or before this instant. */
  readonly deadlinePassedAt?: string;
}

export type TokenKind = 'pin' | 'ticket' | 'progress';

/** A single-use secret's slot, by the hash of the secret. */
export interface TokenRef {
  readonly kind: TokenKind;
  readonly hash: string;
}

export interface TokenItem {
  readonly sessionId: string;
  /** Epoch seconds; past it the token is absent whatever DynamoDB still holds. */
  readonly ttl: number;
}

/** A live PIN, carrying the session fields that exist before redeem, so redeem needs no read of the session. */
export interface PinItem extends TokenItem {
  readonly customerName: string;
  readonly createdAt: string;
  readonly technicianId: string;
  readonly technicianUsername: string;
  readonly technicianDisplayName: string;
  readonly pinExpiresAt: string;
}

/** One fixed-window counter (a rate limit or a budget): `scope` and `subject` name it, `window` numbers the window. */
export interface CounterRef {
  readonly scope: string;
  readonly subject: string;
  readonly window: number;
}

export interface ConnectionItem {
  readonly connectionId: string;
  /** `page`: the customer's PIN page, bound to one session like the applet but with its own, narrower rights. */
  readonly role: 'technician' | 'applet' | 'page';
  readonly technicianId?: string;
  readonly technicianDisplayName?: string;
  readonly sessionId?: string;
  readonly connectedAt: string;
  /** A technician's token's `exp` (epoch seconds): API Gateway never checks the token after `$connect`, so the server does. */
  readonly tokenExpiresAt?: number;
}

/** One console connection of a technician, as the fan-out needs it. */
export type TechnicianConnection = Pick<ConnectionItem, 'connectionId' | 'tokenExpiresAt'>;

/** Writes that succeed or fail together with a transition. */
export type CompanionWrite =
  /** Spends a single-use token: it must still be live at `nowEpoch` (TTL deletion is lazy) and belong to the session. */
  | { readonly write: 'consume-token'; readonly token: TokenRef; readonly nowEpoch: number }
  | { readonly write: 'put-token'; readonly token: TokenRef; readonly item: TokenItem }
  | { readonly write: 'delete-token'; readonly token: TokenRef }
  /** Takes a PIN slot: free, or held only by a PIN expired at `nowEpoch`. */
  | { readonly write: 'claim-pin'; readonly pinHash: string; readonly item: PinItem; readonly nowEpoch: number }
  | { readonly write: 'put-connection'; readonly connection: ConnectionItem; readonly expiresAtEpoch: number }
  | { readonly write: 'adjust-counter'; readonly counter: CounterRef; readonly by: number };

/** One status change (or any conditional change) of one session, with its log entry, as one atomic write. */
export interface Transition<S extends StoredSession, E extends StoredLogEntry> {
  readonly sessionId: string;
  readonly expected: Expectation<S>;
  readonly patch: SessionPatch<S>;
  readonly log?: E;
  readonly with?: readonly CompanionWrite[];
  /** The session leaves its technician's list of open sessions (it is closed for good). */
  readonly unlist?: boolean;
}

/**
 * How a transition ended. `lost`: the session exists but did not match the
 * expectation (`session`), a companion write's condition failed (`companion`:
 * a spent token, a taken PIN slot), or a concurrent transaction touched the
 * same items (`conflict`). `gone`: there is no such session. Faults are not
 * results: they throw (StorageUnavailable when a retry may cure them).
 */
export type TransitionResult =
  | { readonly outcome: 'won' }
  | { readonly outcome: 'lost'; readonly because: 'session' | 'companion' | 'conflict' }
  | { readonly outcome: 'gone' };

export interface LogPage<E> {
  readonly entries: E[];
  readonly lastSortKey?: string;
  readonly more: boolean;
}

export interface Store<S extends StoredSession, E extends StoredLogEntry> {
  getSession(id: string): Promise<S | undefined>;
  listOpenSessions(technicianId: string, limit?: number): Promise<S[]>;
  sessionsPastDeadline(nowIso: string, limitPerShard?: number): Promise<S[]>;
  /** Writes a new session and its first log entry; `exists` when the id is taken (a retried create). */
  insertSession(session: S, log?: E): Promise<'created' | 'exists'>;
  transition(transition: Transition<S, E>): Promise<TransitionResult>;

  appendLog(sessionId: string, entry: E): Promise<void>;
  readLog(sessionId: string): Promise<E[]>;
  /** Up to `limit` entries after the one with sort key `afterSortKey`, oldest first. */
  readLogPage(sessionId: string, limit: number, afterSortKey?: string): Promise<LogPage<E>>;
  /**
   * Takes one from a budget and, while it lasts, writes the entry (if any), in
   * one call: false when the budget is spent and nothing was written.
   */
  appendLogWithinBudget(
    sessionId: string,
    entry: E | undefined,
    budget: { readonly counter: CounterRef; readonly limit: number; readonly expiresAtEpoch: number },
  ): Promise<boolean>;

  getToken(token: TokenRef): Promise<TokenItem | undefined>;
  getPin(pinHash: string): Promise<PinItem | undefined>;
  /** Deletes a token if it still belongs to the session; false when it did not. */
  releaseToken(token: TokenRef, sessionId: string): Promise<boolean>;

  /**
   * Takes one from a fixed-window budget, atomically: the new count, or
   * undefined when the budget was already spent. Parallel requests cannot all
   * slip past a check-then-count.
   */
  reserveAttempt(counter: CounterRef, limit: number, expiresAtEpoch: number): Promise<number | undefined>;
  /** The current count of a counter (0 when nobody counted yet). */
  readCounter(counter: CounterRef): Promise<number>;
  /** Moves counters by the given amounts together (gives attempts back). */
  adjustCounters(adjustments: readonly { readonly counter: CounterRef; readonly by: number }[]): Promise<void>;

  putConnection(connection: ConnectionItem, expiresAtEpoch: number): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionItem | undefined>;
  deleteConnection(connectionId: string): Promise<void>;
  technicianConnections(technicianId: string): Promise<TechnicianConnection[]>;

  getIntegrationClient(clientId: string): Promise<IntegrationClient | undefined>;
}
