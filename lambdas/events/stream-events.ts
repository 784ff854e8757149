import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { SessionStore } from '#domain/dependencies';
import { eventFromLogItem, isLogItemImage, type SessionEventDetail, type SessionSummary } from './catalogue.ts';

/** One published event and the stream record it came from (for partial-batch retries). */
export interface StreamedEvent {
  readonly sequenceNumber: string;
  readonly detail: SessionEventDetail;
}

export type SessionLookup = (sessionId: string) => Promise<SessionSummary | undefined>;

/** Reads the session's fixed fields once per session and batch. */
export function sessionLookup(store: SessionStore): SessionLookup {
  return async (sessionId) => {
    const session = await store.getSession(sessionId);
    if (!session) return undefined;
    return {
      id: session.id,
      customerName: session.customerName,
      technician: { id: session.technicianId, username: session.technicianUsername, displayName: session.technicianDisplayName },
    };
  };
}

/**
 * The session events of a batch of stream records, in stream order. Only
 * inserted log items count: a write that failed left no item, so it is never
 * published, and an update of another item kind is not an event.
 */
export async function eventsFromStream(records: readonly DynamoDBRecord[], lookup: SessionLookup): Promise<StreamedEvent[]> {
  const sessions = new Map<string, Promise<SessionSummary | undefined>>();
  const events: StreamedEvent[] = [];
  for (const record of records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
    if (!isLogItemImage(image)) continue;
    if (!sessions.has(image.sessionId)) sessions.set(image.sessionId, lookup(image.sessionId));
    const session = await sessions.get(image.sessionId);
    if (!session) continue;
    const detail = eventFromLogItem(image, session);
    if (detail) events.push({ sequenceNumber: record.dynamodb.SequenceNumber ?? '', detail });
  }
  return events;
}
