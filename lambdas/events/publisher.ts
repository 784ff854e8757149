import type { PutEventsRequestEntry, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { EventLogger } from '#domain/notifier';
import { EVENT_SOURCE } from './catalogue.ts';
import { eventsFromStream, type SessionLookup } from './stream-events.ts';

/** PutEvents accepts at most 10 entries per call. */
const PUT_EVENTS_BATCH = 10;

export interface PublisherDependencies {
  readonly busName: string;
  readonly lookup: SessionLookup;
  readonly putEvents: (entries: PutEventsRequestEntry[]) => Promise<PutEventsResponse>;
  readonly logger: EventLogger;
}

/**
 * Publishes a stream batch's session events onto the bus, in order. On the
 * first entry EventBridge refuses, it stops and reports that record as the
 * batch item failure, so the event source mapping retries from there
 * (at-least-once; receivers dedupe by `eventId`).
 */
export async function publishToBus(records: readonly DynamoDBRecord[], deps: PublisherDependencies): Promise<DynamoDBBatchResponse> {
  const events = await eventsFromStream(records, deps.lookup);
  for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
    const chunk = events.slice(start, start + PUT_EVENTS_BATCH);
    const entries = chunk.map(({ detail }) => ({
      EventBusName: deps.busName,
      Source: EVENT_SOURCE,
      DetailType: detail.type,
      Detail: JSON.stringify(detail),
      Time: new Date(detail.occurredAt),
      Resources: [],
    }));
    let failedAt = -1;
    try {
      const result = await deps.putEvents(entries);
      failedAt = (result.Entries ?? []).findIndex((entry) => entry.ErrorCode !== undefined && entry.ErrorCode !== null);
      if (failedAt < 0 && (result.FailedEntryCount ?? 0) > 0) failedAt = 0;
    } catch (error) {
      deps.logger.warn('PutEvents failed', { event: 'events_publish_failed', errorName: (error as Error).name });
      failedAt = 0;
    }
    if (failedAt >= 0) {
      deps.logger.warn('Session events not published; the batch is retried from the first one', {
        event: 'events_publish_retry',
        published: start + failedAt,
      });
      return { batchItemFailures: [{ itemIdentifier: chunk[failedAt]!.sequenceNumber }] };
    }
  }
  if (events.length > 0) deps.logger.info('Session events published', { event: 'events_published', count: events.length });
  return { batchItemFailures: [] };
}
