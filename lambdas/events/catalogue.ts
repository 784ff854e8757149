import { createHash } from 'node:crypto';
import type { SessionLogEntry } from '#domain/session-model';

/**
 * The session events the product publishes, derived from session-log entries
 * as the table's change stream carries them. A log entry type becomes an event
 * by adding one row to `eventCatalogue`; types without a row (chat lines,
 * denied attempts, system info) are never published.
 *
 * Every row names the detail-type and the `details` fields that may leave the
 * service. Nothing else of an entry is published: the sealed PIN, IP
 * addresses and user agents stay in the log.
 */
export const EVENT_SOURCE = 'remote-support';
/** Bumped when a field of `SessionEventDetail` changes meaning or goes away; new optional fields keep it. */
export const DETAIL_SCHEMA_VERSION = 1;

export interface EventMapping {
  /** The EventBridge detail-type and the webhook `type`: the first, unless `choose` picks another of the list. */
  readonly detailTypes: readonly [string, ...string[]];
  /** For a log type that means different events by its details. */
  readonly choose?: (entry: SessionLogEntry) => string;
  /** Fields of the entry's `details` copied into `data`; every other field stays in the log. */
  readonly fields: readonly string[];
}

export const eventCatalogue: Readonly<Record<string, EventMapping>> = {
  created: { detailTypes: ['session.created'], fields: [] },
  pin_generated: { detailTypes: ['session.pin_generated'], fields: ['expiresAt'] },
  pin_replaced: { detailTypes: ['session.pin_generated'], fields: ['expiresAt', 'replacesPrevious'] },
  pin_redeemed: { detailTypes: ['session.redeemed'], fields: [] },
  applet_connected: {
    // The first connect moves the session to waiting; later ones are reconnects of a waiting or active session.
    detailTypes: ['session.waiting', 'session.applet_reconnected'],
    choose: (entry) => (entry.details?.status === 'waiting' ? 'session.waiting' : 'session.applet_reconnected'),
    fields: [],
  },
  // The customer continued in the browser instead of the app: the session waits, like after the applet's first connect.
  browser_joined: { detailTypes: ['session.waiting'], fields: ['via'] },
  applet_disconnected: { detailTypes: ['session.applet_disconnected'], fields: [] },
  started: { detailTypes: ['session.started'], fields: [] },
  closed: { detailTypes: ['session.closed'], fields: ['reason'] },
  expired: { detailTypes: ['session.expired'], fields: ['reason'] },
  timed_out: { detailTypes: ['session.timed_out'], fields: ['reason'] },
  screen_requested: { detailTypes: ['session.screen_requested'], fields: [] },
  screen_shared: { detailTypes: ['session.screen_shared'], fields: [] },
  screen_declined: { detailTypes: ['session.screen_declined'], fields: [] },
  screen_stopped: { detailTypes: ['session.screen_stopped'], fields: ['by'] },
  control_requested: { detailTypes: ['session.control_requested'], fields: [] },
  control_granted: { detailTypes: ['session.control_granted'], fields: [] },
  control_declined: { detailTypes: ['session.control_declined'], fields: [] },
  control_released: { detailTypes: ['session.control_released'], fields: [] },
  control_revoked: { detailTypes: ['session.control_revoked'], fields: ['by'] },
};

/** Every detail-type the catalogue can produce, for the `--events` filter of webhooks and the docs. */
export const eventTypes: readonly string[] = [...new Set(Object.values(eventCatalogue).flatMap((mapping) => mapping.detailTypes))];

/** The fields of a session that never change after create, so any event can carry them. */
export interface SessionSummary {
  readonly id: string;
  readonly customerName: string;
  readonly technician: { readonly id: string; readonly username: string; readonly displayName: string };
}

/** The `detail` of every event (schema version 1), and the `data` of every webhook payload. */
export interface SessionEventDetail {
  readonly schemaVersion: typeof DETAIL_SCHEMA_VERSION;
  /** Stable for one log entry: a redelivered stream record yields the same id (the webhook-id). */
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly session: SessionSummary;
  readonly actor: SessionLogEntry['actor'];
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A log item as the stream's NewImage carries it, unmarshalled. */
export interface LogItemImage {
  readonly pk: string;
  readonly sk: string;
  readonly kind: string;
  readonly sessionId: string;
  readonly at: string;
  readonly type: string;
  readonly actor: SessionLogEntry['actor'];
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function isLogItemImage(image: Record<string, unknown> | undefined): image is Record<string, unknown> & LogItemImage {
  return image?.kind === 'log' && typeof image.sessionId === 'string' && typeof image.type === 'string' && typeof image.at === 'string';
}

export function eventIdOf(item: Pick<LogItemImage, 'pk' | 'sk'>): string {
  return `evt_${createHash('sha256').update(`${item.pk}\n${item.sk}`).digest('base64url').slice(0, 26)}`;
}

/** The event a log item stands for, or undefined when its type is not in the catalogue. */
export function eventFromLogItem(item: LogItemImage, session: SessionSummary): SessionEventDetail | undefined {
  const mapping = Object.hasOwn(eventCatalogue, item.type) ? eventCatalogue[item.type] : undefined;
  if (!mapping) return undefined;
  const entry: SessionLogEntry = {
    at: item.at,
    type: item.type as SessionLogEntry['type'],
    actor: item.actor,
    message: item.message,
    ...(item.details ? { details: item.details } : {}),
  };
  const data: Record<string, unknown> = {};
  for (const field of mapping.fields) if (item.details?.[field] !== undefined) data[field] = item.details[field];
  return {
    schemaVersion: DETAIL_SCHEMA_VERSION,
    eventId: eventIdOf(item),
    type: mapping.choose?.(entry) ?? mapping.detailTypes[0],
    occurredAt: item.at,
    session,
    actor: item.actor.name === undefined ? { kind: item.actor.kind } : { kind: item.actor.kind, name: item.actor.name },
    message: item.message,
    data,
  };
}
