import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { SessionItem } from '#domain/session-rules';
import type { SessionLogEntry } from '#domain/session-model';
import { allOf, conditions, isConditionFailure, type Condition } from './conditions.ts';
import type { Table } from './dynamo-client.ts';
import { keys } from './keys.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface ConnectionItem {
  readonly connectionId: string;
  /** `page`: the customer's PIN page, bound to one session like the applet but with its own, narrower rights. */
  readonly role: 'technician' | 'applet' | 'page';
  readonly technicianId?: string;
  readonly technicianDisplayName?: string;
  readonly sessionId?: string;
  readonly connectedAt: string;
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

let logSequence = 0;
const processTag = randomBytes(3).toString('hex');

/**
 * Orders log entries written in the same millisecond: by this process's
 * sequence (its own writes keep their order), then by a per-process tag.
 */
function logTieBreaker(): string {
  logSequence = (logSequence + 1) % 1e9;
  return `${String(logSequence).padStart(9, '0')}${processTag}`;
}

const SESSION_FIELDS_NOT_STORED = new Set(['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

function sessionFromItem(item: Record<string, unknown>): SessionItem {
  const session: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!SESSION_FIELDS_NOT_STORED.has(key)) session[key] = value;
  return session as unknown as SessionItem;
}

/** Builds `SET a = :a, ... REMOVE b, ...` with placeholder names for every attribute. */
export function updateExpression(set: Record<string, unknown>, remove: readonly string[] = [], add: Record<string, number> = {}) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const setParts: string[] = [];
  const addParts: string[] = [];
  let i = 0;
  for (const [attribute, value] of Object.entries(set)) {
    if (value === undefined) continue;
    names[`#u${i}`] = attribute;
    values[`:u${i}`] = value;
    setParts.push(`#u${i} = :u${i}`);
    i += 1;
  }
  for (const [attribute, value] of Object.entries(add)) {
    names[`#u${i}`] = attribute;
    values[`:u${i}`] = value;
    addParts.push(`#u${i} :u${i}`);
    i += 1;
  }
  const removeParts: string[] = [];
  for (const attribute of remove) {
    names[`#u${i}`] = attribute;
    removeParts.push(`#u${i}`);
    i += 1;
  }
  const expression = [
    setParts.length ? `SET ${setParts.join(', ')}` : '',
    removeParts.length ? `REMOVE ${removeParts.join(', ')}` : '',
    addParts.length ? `ADD ${addParts.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}

export interface SessionUpdate {
  readonly sessionId: string;
  readonly when: readonly Condition[];
  readonly set?: Record<string, unknown>;
  readonly remove?: readonly string[];
}

/**
 * Every read and write the domain makes against the table. Knows item shapes
 * and keys; knows nothing of statuses or permissions.
 */
export class Store {
  constructor(readonly table: Table) {}

  private get name(): string {
    return this.table.name;
  }

  async getSession(id: string): Promise<SessionItem | undefined> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.name, Key: keys.session(id), ConsistentRead: true }));
    return result.Item ? sessionFromItem(result.Item) : undefined;
  }

  async listOpenSessions(technicianId: string, limit = 500): Promise<SessionItem[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: 'byTechnician',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.technicianPartition(technicianId), ':prefix': 'SESSION#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(sessionFromItem);
  }

  async sessionsPastDeadline(nowIso: string, limitPerShard = 100): Promise<SessionItem[]> {
    const pages = await Promise.all(
      keys.deadlinePartitions().map((partition) =>
        this.table.client.send(
          new QueryCommand({
            TableName: this.name,
            IndexName: 'byDeadline',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :upper',
            ExpressionAttributeValues: { ':pk': partition, ':upper': `${nowIso}~` },
            Limit: limitPerShard,
          }),
        ),
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map(sessionFromItem));
  }

  sessionPut(session: SessionItem): TransactItem {
    return {
      Put: {
        TableName: this.name,
        Item: {
          ...keys.session(session.id),
          kind: 'session',
          ...session,
          gsi1pk: keys.technicianPartition(session.technicianId),
          gsi1sk: keys.openSessionSortKey(session.createdAt, session.id),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** An update of the session item; deadline changes keep the byDeadline index in step. */
  sessionUpdate(update: SessionUpdate): TransactItem {
    const set: Record<string, unknown> = { ...(update.set ?? {}) };
    const remove = [...(update.remove ?? [])];
    if (typeof set.deadlineAt === 'string') {
      set.gsi2pk = keys.deadlinePartition(update.sessionId);
      set.gsi2sk = keys.deadlineSortKey(set.deadlineAt, update.sessionId);
    } else if (remove.includes('deadlineAt')) {
      remove.push('gsi2pk', 'gsi2sk');
    }
    if (set.status === 'closed') remove.push('gsi1pk', 'gsi1sk');
    const built = updateExpression(set, remove);
    const condition = allOf(...update.when);
    return {
      Update: {
        TableName: this.name,
        Key: keys.session(update.sessionId),
        UpdateExpression: built.expression,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...built.names, ...condition.names },
        ExpressionAttributeValues: { ...built.values, ...condition.values },
      },
    };
  }

  logPut(sessionId: string, entry: SessionLogEntry): TransactItem {
    return {
      Put: {
        TableName: this.name,
        Item: { ...keys.logEntry(sessionId, entry.at, logTieBreaker()), kind: 'log', sessionId, ...entry },
      },
    };
  }

  async appendLog(sessionId: string, entry: SessionLogEntry): Promise<void> {
    const put = this.logPut(sessionId, entry).Put!;
    await this.table.client.send(new PutCommand(put));
  }

  async readLog(sessionId: string): Promise<SessionLogEntry[]> {
    const entries: SessionLogEntry[] = [];
    let after: string | undefined;
    let more = true;
    while (more) {
      const page = await this.readLogPage(sessionId, 1000, after);
      entries.push(...page.entries);
      after = page.lastSortKey;
      more = page.more;
    }
    return entries;
  }

  /**
   * Up to `limit` entries after the entry with sort key `afterSortKey`, oldest
   * first, with the sort key of the last one read and whether more may follow.
   */
  async readLogPage(sessionId: string, limit: number, afterSortKey?: string): Promise<{ entries: SessionLogEntry[]; lastSortKey?: string; more: boolean }> {
    const pk = keys.session(sessionId).pk;
    const page = await this.table.client.send(
      new QueryCommand({
        TableName: this.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.logEntryPrefix },
        ConsistentRead: true,
        Limit: limit,
        ...(afterSortKey ? { ExclusiveStartKey: { pk, sk: afterSortKey } } : {}),
      }),
    );
    const entries = (page.Items ?? []).map(
      (item) =>
        ({
          at: String(item.at),
          type: item.type as SessionLogEntry['type'],
          actor: item.actor as SessionLogEntry['actor'],
          message: String(item.message),
          ...(item.details ? { details: item.details as SessionLogEntry['details'] } : {}),
        }),
    );
    const last: unknown = page.Items?.at(-1)?.sk;
    return { entries, ...(typeof last === 'string' ? { lastSortKey: last } : {}), more: page.LastEvaluatedKey !== undefined };
  }

  async transact(items: readonly TransactItem[]): Promise<void> {
    await this.table.client.send(new TransactWriteCommand({ TransactItems: [...items] }));
  }

  tokenPut(key: { pk: string; sk: string }, token: TokenItem & Record<string, unknown>, kind: string): TransactItem {
    return { Put: { TableName: this.name, Item: { ...key, kind, ...token } } };
  }

  tokenDelete(key: { pk: string; sk: string }): TransactItem {
    return { Delete: { TableName: this.name, Key: key } };
  }

  /**
   * Spends a single-use PIN or ticket inside a transaction: it must still be
   * live (TTL deletion is lazy) and still belong to this session, so of two
   * racing consumers exactly one succeeds.
   */
  tokenConsume(key: { pk: string; sk: string }, sessionId: string, nowEpoch: number): TransactItem {
    const condition = allOf(conditions.notExpiredAt(nowEpoch), conditions.attributeEquals('sessionId', sessionId));
    return {
      Delete: {
        TableName: this.name,
        Key: key,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: condition.values,
      },
    };
  }

  /** Claims a PIN slot inside a transaction: free, or held only by an expired PIN. */
  slotClaim(item: Record<string, unknown> & { pk: string; sk: string }, nowEpoch: number): TransactItem {
    const condition = allOf(conditions.slotIsFreeAt(nowEpoch));
    return {
      Put: {
        TableName: this.name,
        Item: item,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: condition.names,
        ExpressionAttributeValues: condition.values,
      },
    };
  }

  async getToken<T extends TokenItem>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return result.Item as T | undefined;
  }

  async deleteIf(key: { pk: string; sk: string }, condition: Condition): Promise<boolean> {
    const built = allOf(condition);
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.name,
          Key: key,
          ConditionExpression: built.expression,
          ...(Object.keys(built.names).length ? { ExpressionAttributeNames: built.names } : {}),
          ...(Object.keys(built.values).length ? { ExpressionAttributeValues: built.values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Takes one attempt from a fixed-window budget, atomically: the new count,
   * or undefined when the budget was already spent. Parallel requests cannot
   * all slip past a check-then-count.
   */
  async reserveAttempt(key: { pk: string; sk: string }, limit: number, expiresAtEpoch: number): Promise<number | undefined> {
    try {
      const result = await this.table.client.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl), kind = :kind',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAtEpoch, ':kind': 'rate', ':limit': limit },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(result.Attributes?.count ?? 1);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** The current count of a fixed-window counter (0 when nobody counted yet). */
  async readCounter(key: { pk: string; sk: string }): Promise<number> {
    const result = await this.table.client.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return Number(result.Item?.count ?? 0);
  }

  /** Takes one from a fixed-window budget inside a transaction: the transaction fails once it is spent. */
  counterReserve(key: { pk: string; sk: string }, limit: number, expiresAtEpoch: number): TransactItem {
    return {
      Update: {
        TableName: this.name,
        Key: key,
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl), kind = :kind',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAtEpoch, ':kind': 'rate', ':limit': limit },
      },
    };
  }

  /** Gives attempts back to a counter, inside a transaction. */
  counterAdjust(key: { pk: string; sk: string }, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.name,
        Key: key,
        UpdateExpression: 'ADD #count :delta',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }

  // Connections -------------------------------------------------------------

  async putConnection(connection: ConnectionItem, expiresAtEpoch: number): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.name,
        Item: {
          ...keys.connection(connection.connectionId),
          kind: 'connection',
          ...connection,
          ttl: expiresAtEpoch,
          ...(connection.role === 'technician' && connection.technicianId
            ? {
                gsi1pk: keys.technicianPartition(connection.technicianId),
                gsi1sk: keys.technicianConnectionSortKey(connection.connectionId),
              }
            : {}),
        },
      }),
    );
  }

  connectionPut(connection: ConnectionItem, expiresAtEpoch: number): TransactItem {
    return {
      Put: { TableName: this.name, Item: { ...keys.connection(connection.connectionId), kind: 'connection', ...connection, ttl: expiresAtEpoch } },
    };
  }

  async getConnection(connectionId: string): Promise<ConnectionItem | undefined> {
    const result = await this.table.client.send(
      new GetCommand({ TableName: this.name, Key: keys.connection(connectionId), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { connectionId: id, role, technicianId, technicianDisplayName, sessionId, connectedAt } = result.Item as ConnectionItem;
    return { connectionId: id, role, technicianId, technicianDisplayName, sessionId, connectedAt };
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.table.client.send(new DeleteCommand({ TableName: this.name, Key: keys.connection(connectionId) }));
  }

  async technicianConnectionIds(technicianId: string): Promise<string[]> {
    const result = await this.table.client.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: 'byTechnician',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.technicianPartition(technicianId), ':prefix': 'CONN#' },
        ProjectionExpression: 'connectionId',
      }),
    );
    return (result.Items ?? []).map((item) => String(item.connectionId));
  }
}
