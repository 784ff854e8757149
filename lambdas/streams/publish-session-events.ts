import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { dependencies } from '#shared/dependencies';
import { logger } from '#shared/logger';
import { integrationEnvironment } from '#events/environment';
import { publishToBus } from '#events/publisher';
import { sessionLookup } from '#events/stream-events';

const busName = process.env[integrationEnvironment.eventBusName] ?? '';
const endpoint = process.env[integrationEnvironment.eventBusEndpoint];
const eventBridge = new EventBridgeClient({ ...(endpoint ? { endpoint } : {}), maxAttempts: 3 });

/** Consumes the table's change stream (event source mapping in AWS, the stream reader locally). */
export const handler = async (event: DynamoDBStreamEvent) => {
  if (!busName) throw new Error(`${integrationEnvironment.eventBusName} is not set`);
  return publishToBus(event.Records, {
    busName,
    lookup: sessionLookup(dependencies().store),
    putEvents: (entries) => eventBridge.send(new PutEventsCommand({ Entries: entries })),
    logger,
  });
};
