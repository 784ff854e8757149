import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { eventTypes } from '#events/catalogue';
import { integrationEnvironment } from '#events/environment';
import { registerWebhook } from '#events/webhooks';
import type { Table } from '#storage/dynamo-client';
import { WebhookStore } from '#storage/webhooks';
import { streamConsumers, type StreamConsumer } from '#routes';
import { startLocalEventBus, type LocalEventBus } from './event-bus.ts';
import type { LambdaHandler, Logger } from './lambda-invoker.ts';
import { startStreamReader, type StreamReader } from './stream-reader.ts';

/**
 * The integrations part of the local runtime: the EventBridge stand-in, the
 * stream reader feeding the route table's stream consumers, and the
 * `WEBHOOK_URL` / `WEBHOOK_SECRET` quick-trial endpoint.
 */
export interface LocalIntegrations {
  readonly eventBus: LocalEventBus;
  readonly streamReader: StreamReader;
  /** The local integration variables every handler gets (LocalHandlerResources.integrationVariables). */
  readonly handlerVariables: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface LocalIntegrationsOptions {
  readonly rawClient: DynamoDBClient;
  readonly endpoint: string;
  /** The run's DynamoDB Local key: its stream is visible only under it. */
  readonly credentials: { readonly region: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly table: Table;
  /** Each consumer runs like every other handler: in its sandbox, with its stack environment. */
  readonly handlerFor: (consumer: StreamConsumer) => LambdaHandler;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * What the publisher and the deliverer read besides the stack's variables: the EventBridge stand-in's
 * endpoint, private webhook targets allowed (locally the receiver is usually on this machine), and the
 * trial knobs as the user set them for this process.
 */
function handlerVariables(bus: LocalEventBus, env: NodeJS.ProcessEnv): Record<string, string> {
  const variables: Record<string, string> = {
    [integrationEnvironment.eventBusEndpoint]: bus.endpoint,
    [integrationEnvironment.webhookAllowPrivate]: 'true',
  };
  for (const knob of [integrationEnvironment.webhookRetrySchedule, 'EVENT_BUS_QUIET']) {
    const value = env[knob];
    if (value) variables[knob] = value;
  }
  return variables;
}

/** Registers WEBHOOK_URL once; a kept table with that URL already registered gets the given secret. */
async function registerEnvironmentWebhook(table: Table, env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const url = env.WEBHOOK_URL;
  if (!url) return;
  const secret = env.WEBHOOK_SECRET || undefined;
  const store = new WebhookStore(table);
  const existing = (await store.listWebhooks()).find((webhook) => webhook.url === new URL(url).href);
  if (existing) {
    if (secret && secret !== existing.secret)
      await store.updateWebhook(existing.id, { secret, status: 'active' }, ['disabledAt', 'disabledReason']);
    log.info(`Webhook ${existing.id} -> ${existing.url} (registered before)`);
    return;
  }
  const webhook = await registerWebhook(
    store,
    { url, ...(secret ? { secret } : {}) },
    { allowPrivate: true, now: new Date(), knownEventTypes: eventTypes },
  );
  log.info(`Webhook ${webhook.id} -> ${webhook.url} registered from WEBHOOK_URL${secret ? '' : `; signing secret ${webhook.secret}`}`);
}

export async function startLocalIntegrations(options: LocalIntegrationsOptions): Promise<LocalIntegrations> {
  const env = options.env ?? process.env;
  const eventBus = await startLocalEventBus({ name: 'remote-support', log: options.log, quiet: env.EVENT_BUS_QUIET === 'true' });
  const streams = new DynamoDBStreamsClient({
    region: options.credentials.region,
    credentials: options.credentials,
    endpoint: options.endpoint,
  });
  let streamReader: StreamReader;
  try {
    await registerEnvironmentWebhook(options.table, env, options.log);
    streamReader = await startStreamReader({
      dynamoDb: options.rawClient,
      streams,
      tableName: options.table.name,
      consumers: streamConsumers.map((consumer) => ({
        name: consumer.name,
        batchSize: consumer.batchSize,
        handler: options.handlerFor(consumer),
      })),
      log: options.log,
    });
  } catch (error) {
    await eventBus.close();
    streams.destroy();
    throw error;
  }
  return {
    eventBus,
    streamReader,
    handlerVariables: handlerVariables(eventBus, env),
    async stop() {
      await streamReader.stop();
      streams.destroy();
      await eventBus.close();
    },
  };
}
