import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventsFromStream, sessionLookup } from '#events/stream-events';
import { deliverEvents } from '#events/webhooks';
import { dependencies } from '#shared/dependencies';
import { webhookDependencies } from '#shared/webhook-dependencies';

/**
 * The second consumer of the table's change stream: signs and posts each
 * session event to the subscribed webhooks, in stream order. Failed attempts
 * are queued for the retry job; only a storage fault fails the batch.
 */
export const handler = async (event: DynamoDBStreamEvent) => {
  const events = await eventsFromStream(event.Records, sessionLookup(dependencies().store));
  await deliverEvents(
    events.map((streamed) => streamed.detail),
    webhookDependencies(),
  );
};
