import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './faults.ts';
import type { Table } from './dynamo-client.ts';
import { updateExpression } from './update-expression.ts';

/**
 * Webhook endpoints and their delivery log (see table-definition.ts):
 *   WEBHOOKS / WEBHOOK#<id>                 a registered endpoint (one partition: listing is one query)
 *   WEBHOOK#<id> / DELIVERY#<eventId>       one event's delivery to that endpoint; the event id makes it idempotent
 * A delivery waiting for its next attempt sits in the byDeadline index under
 * WEBHOOK_RETRY#0, sorted by when it is due, next to the sessions' deadlines.
 */
export interface WebhookItem {
  readonly id: string;
  readonly url: string;
  /** Detail-types delivered; empty = every event. */
  readonly events: readonly string[];
  readonly secret: string;
  /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
  readonly previousSecret?: string;
  readonly previousSecretUntil?: string;
  readonly status: 'active' | 'disabled';
  readonly createdAt: string;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
}

export interface DeliveryItem {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly sessionId: string;
  /** The exact signed body: every attempt sends the same bytes. */
  readonly body: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextAttemptAt?: string;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  readonly deliveredAt?: string;
}

export interface AttemptRecord {
  readonly status: DeliveryItem['status'];
  readonly attempts: number;
  readonly at: string;
  readonly nextAttemptAt?: string;
  readonly statusCode?: number;
  readonly error?: string;
}

const WEBHOOKS_PARTITION = 'WEBHOOKS';
const RETRY_PARTITION = 'WEBHOOK_RETRY#0';
/** Delivery log entries are kept this long. */
const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

const webhookKey = (id: string) => ({ pk: WEBHOOKS_PARTITION, sk: `WEBHOOK#${id}` });
const deliveryKey = (webhookId: string, eventId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: `DELIVERY#${eventId}` });

function retryIndexKeys(delivery: Pick<DeliveryItem, 'webhookId' | 'eventId'>, dueAt: string) {
  return { gsi2pk: RETRY_PARTITION, gsi2sk: `${dueAt}#${delivery.webhookId}#${delivery.eventId}` };
}

const STORAGE_FIELDS = new Set(['pk', 'sk', 'kind', 'gsi2pk', 'gsi2sk', 'ttl']);
function strip<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!STORAGE_FIELDS.has(key)) out[key] = value;
  return out as T;
}

export class WebhookStore {
  constructor(readonly table: Table) {}

  async putWebhook(webhook: WebhookItem): Promise<void> {
    await this.table.client.send(
      new PutCommand({ TableName: this.table.name, Item: { ...webhookKey(webhook.id), kind: 'webhook', ...webhook } }),
    );
  }

  async getWebhook(id: string): Promise<WebhookItem | undefined> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.table.name, Key: webhookKey(id), ConsistentRead: true }));
    return result.Item ? strip<WebhookItem>(result.Item) : undefined;
  }

  async listWebhooks(): Promise<WebhookItem[]> {
    const items: WebhookItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': WEBHOOKS_PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => strip<WebhookItem>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** @returns false when there was no such webhook. */
  async deleteWebhook(id: string): Promise<boolean> {
    const result = await this.table.client.send(
      new DeleteCommand({ TableName: this.table.name, Key: webhookKey(id), ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes !== undefined;
  }

  /** Sets fields of an existing webhook; false when it does not exist. */
  async updateWebhook(id: string, set: Partial<WebhookItem>, remove: readonly string[] = []): Promise<boolean> {
    const built = updateExpression(set, remove);
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: webhookKey(id),
          UpdateExpression: built.expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: built.names,
          ...(Object.keys(built.values).length ? { ExpressionAttributeValues: built.values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Records a new delivery; false when this event was already queued for this webhook (a redelivered stream record). */
  async createDelivery(delivery: DeliveryItem, nowEpoch: number): Promise<boolean> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...deliveryKey(delivery.webhookId, delivery.eventId),
            kind: 'delivery',
            ...delivery,
            ...(delivery.nextAttemptAt ? retryIndexKeys(delivery, delivery.nextAttemptAt) : {}),
            ttl: nowEpoch + DELIVERY_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getDelivery(webhookId: string, eventId: string): Promise<DeliveryItem | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: deliveryKey(webhookId, eventId), ConsistentRead: true }),
    );
    return result.Item ? strip<DeliveryItem>(result.Item) : undefined;
  }

  /**
   * Writes an attempt's outcome, only if no other worker recorded this attempt
   * first (the attempt count must still be what this worker read).
   */
  async recordAttempt(delivery: DeliveryItem, attempt: AttemptRecord): Promise<boolean> {
    const set: Record<string, unknown> = {
      status: attempt.status,
      attempts: attempt.attempts,
      updatedAt: attempt.at,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      nextAttemptAt: attempt.nextAttemptAt,
      ...(attempt.status === 'delivered' ? { deliveredAt: attempt.at } : {}),
      ...(attempt.nextAttemptAt ? retryIndexKeys(delivery, attempt.nextAttemptAt) : {}),
    };
    const remove = [
      ...(attempt.nextAttemptAt ? [] : ['nextAttemptAt', 'gsi2pk', 'gsi2sk']),
      ...(attempt.statusCode === undefined ? ['lastStatusCode'] : []),
      ...(attempt.error === undefined ? ['lastError'] : []),
    ];
    const built = updateExpression(set, remove);
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: deliveryKey(delivery.webhookId, delivery.eventId),
          UpdateExpression: built.expression,
          ConditionExpression: '#attempts = :readAttempts',
          ExpressionAttributeNames: { ...built.names, '#attempts': 'attempts' },
          ExpressionAttributeValues: { ...built.values, ':readAttempts': delivery.attempts },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Deliveries whose next attempt is due, oldest first. */
  async dueDeliveries(nowIso: string, limit = 100): Promise<DeliveryItem[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: 'byDeadline',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :upper',
        ExpressionAttributeValues: { ':pk': RETRY_PARTITION, ':upper': `${nowIso}~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => strip<DeliveryItem>(item));
  }

  /** The delivery log of one webhook, newest first. */
  async listDeliveries(webhookId: string, limit = 50): Promise<DeliveryItem[]> {
    const items: DeliveryItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `WEBHOOK#${webhookId}`, ':prefix': 'DELIVERY#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => strip<DeliveryItem>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }
}
