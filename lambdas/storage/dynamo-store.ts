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
import { getIntegrationClient, type IntegrationClient } from './clients.ts';
import { allOf, conditions, type Condition } from './conditions.ts';
import type { Table } from './dynamo-client.ts';
import { cancellationReasons, classified, guarded, isConditionFailure } from './faults.ts';
import { keys } from './keys.ts';
import type {
  CompanionWrite,
  ConnectionItem,
  CounterRef,
  Expectation,
  LogPage,
  PinItem,
  Store,
  StoredLogEntry,
  StoredSession,
  TechnicianConnection,
  TokenItem,
  TokenRef,
  Transition,
  TransitionResult,
} from './store.ts';
import { updateExpression } from './update-expression.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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

/** The one place a stored item becomes the domain's session type: DynamoDB answers untyped maps. */
function sessionFromItem<S>(item: Record<string, unknown>): S {
  const session: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!SESSION_FIELDS_NOT_STORED.has(key)) session[key] = value;
  return session as S;
}

function tokenKey(token: TokenRef): { pk: string; sk: string } {
  switch (token.kind) {
    case 'pin':
      return keys.pin(token.hash);
    case 'ticket':
      return keys.ticket(token.hash);
    case 'progress':
      return keys.progressToken(token.hash);
  }
}

const counterKey = (counter: CounterRef) => keys.rateWindow(counter.scope, counter.subject, counter.window);

function withCondition(condition: Condition) {
  const built = allOf(condition);
  return {
    ConditionExpression: built.expression,
    ...(Object.keys(built.names).length ? { ExpressionAttributeNames: built.names } : {}),
    ...(Object.keys(built.values).length ? { ExpressionAttributeValues: built.values } : {}),
  };
}

function expectationConditions<S extends StoredSession>(expected: Expectation<S>): Condition[] {
  const parts: Condition[] = [{ expression: 'attribute_exists(pk)' }];
  if (expected.status) parts.push(conditions.attributeIn('status', expected.status));
  for (const [attribute, value] of Object.entries(expected.attributes ?? {}))
    parts.push(conditions.attributeAbsentOrEquals(attribute, value));
  if (expected.deadlineNotPassedAt !== undefined) parts.push(conditions.deadlineNotPassed(expected.deadlineNotPassedAt));
  if (expected.deadlinePassedAt !== undefined) parts.push(conditions.deadlinePassed(expected.deadlinePassedAt));
  return parts;
}

/**
 * The Store on one DynamoDB table. Every call goes through `guarded`, so a
 * throttled or unreachable table surfaces as StorageUnavailable; a failed
 * condition is read here, by item, and answered as a TransitionResult.
 */
export class DynamoStore<S extends StoredSession, E extends StoredLogEntry> implements Store<S, E> {
  constructor(readonly table: Table) {}

  private get name(): string {
    return this.table.name;
  }

  async getSession(id: string): Promise<S | undefined> {
    const result = await guarded(
      this.table.client.send(new GetCommand({ TableName: this.name, Key: keys.session(id), ConsistentRead: true })),
    );
    return result.Item ? sessionFromItem<S>(result.Item) : undefined;
  }

  async listOpenSessions(technicianId: string, limit = 500): Promise<S[]> {
    const items = await this.#byTechnician(technicianId, 'SESSION#', { ScanIndexForward: false, Limit: limit });
    return items.map((item) => sessionFromItem<S>(item));
  }

  async sessionsPastDeadline(nowIso: string, limitPerShard = 100): Promise<S[]> {
    const pages = await guarded(
      Promise.all(
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
      ),
    );
    return pages.flatMap((page) => (page.Items ?? []).map((item) => sessionFromItem<S>(item)));
  }

  async insertSession(session: S, log?: E): Promise<'created' | 'exists'> {
    const put: TransactItem = {
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
    try {
      await this.transact(log ? [put, this.logPut(session.id, log)] : [put]);
      return 'created';
    } catch (error) {
      if (cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return 'exists';
      throw classified(error);
    }
  }

  async transition(transition: Transition<S, E>): Promise<TransitionResult> {
    const companions = (transition.with ?? []).map((write) => this.companion(write, transition.sessionId));
    const items: TransactItem[] = [
      ...companions,
      this.sessionUpdate(transition),
      ...(transition.log ? [this.logPut(transition.sessionId, transition.log)] : []),
    ];
    try {
      await this.transact(items);
      return { outcome: 'won' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw classified(error);
      const session = reasons[companions.length];
      if (session?.code === 'ConditionalCheckFailed')
        return session.itemExisted ? { outcome: 'lost', because: 'session' } : { outcome: 'gone' };
      if (reasons.some((reason) => reason.code === 'ConditionalCheckFailed')) return { outcome: 'lost', because: 'companion' };
      if (reasons.some((reason) => reason.code === 'TransactionConflict')) return { outcome: 'lost', because: 'conflict' };
      throw classified(error);
    }
  }

  /** The session's update; deadline changes keep the byDeadline index in step. */
  private sessionUpdate(transition: Transition<S, E>): TransactItem {
    const set: Record<string, unknown> = { ...transition.patch.set };
    const remove: string[] = [...(transition.patch.remove ?? [])].map(String);
    if (typeof set.deadlineAt === 'string') {
      set.gsi2pk = keys.deadlinePartition(transition.sessionId);
      set.gsi2sk = keys.deadlineSortKey(set.deadlineAt, transition.sessionId);
    } else if (remove.includes('deadlineAt')) {
      remove.push('gsi2pk', 'gsi2sk');
    }
    if (transition.unlist) remove.push('gsi1pk', 'gsi1sk');
    const built = updateExpression(set, remove);
    const condition = allOf(...expectationConditions(transition.expected));
    return {
      Update: {
        TableName: this.name,
        Key: keys.session(transition.sessionId),
        UpdateExpression: built.expression,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...built.names, ...condition.names },
        ...(Object.keys({ ...built.values, ...condition.values }).length
          ? { ExpressionAttributeValues: { ...built.values, ...condition.values } }
          : {}),
        // Tells a session that changed from one that does not exist.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private companion(write: CompanionWrite, sessionId: string): TransactItem {
    switch (write.write) {
      case 'consume-token':
        return {
          Delete: {
            TableName: this.name,
            Key: tokenKey(write.token),
            ...withCondition(allOf(conditions.notExpiredAt(write.nowEpoch), conditions.attributeEquals('sessionId', sessionId))),
          },
        };
      case 'put-token':
        return { Put: { TableName: this.name, Item: { ...tokenKey(write.token), kind: write.token.kind, ...write.item } } };
      case 'delete-token':
        return { Delete: { TableName: this.name, Key: tokenKey(write.token) } };
      case 'claim-pin':
        return {
          Put: {
            TableName: this.name,
            Item: { ...keys.pin(write.pinHash), kind: 'pin', ...write.item },
            ...withCondition(conditions.slotIsFreeAt(write.nowEpoch)),
          },
        };
      case 'put-connection':
        return {
          Put: {
            TableName: this.name,
            Item: { ...keys.connection(write.connection.connectionId), kind: 'connection', ...write.connection, ttl: write.expiresAtEpoch },
          },
        };
      case 'adjust-counter':
        return this.counterAdjust(write.counter, write.by);
    }
  }

  private logPut(sessionId: string, entry: E): TransactItem {
    return {
      Put: {
        TableName: this.name,
        Item: { ...keys.logEntry(sessionId, entry.at, logTieBreaker()), kind: 'log', sessionId, ...entry },
      },
    };
  }

  private async transact(items: readonly TransactItem[]): Promise<void> {
    await guarded(this.table.client.send(new TransactWriteCommand({ TransactItems: [...items] })));
  }

  async appendLog(sessionId: string, entry: E): Promise<void> {
    const put = this.logPut(sessionId, entry).Put!;
    await guarded(this.table.client.send(new PutCommand(put)));
  }

  async readLog(sessionId: string): Promise<E[]> {
    const entries: E[] = [];
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

  async readLogPage(sessionId: string, limit: number, afterSortKey?: string): Promise<LogPage<E>> {
    const pk = keys.session(sessionId).pk;
    const page = await guarded(
      this.table.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.logEntryPrefix },
          ConsistentRead: true,
          Limit: limit,
          ...(afterSortKey ? { ExclusiveStartKey: { pk, sk: afterSortKey } } : {}),
        }),
      ),
    );
    const entries = ((page.Items ?? []) as Record<string, unknown>[]).map(
      (item) =>
        // As with sessions: the stored map becomes the domain's entry type here and only here.
        ({
          at: String(item.at),
          type: item.type,
          actor: item.actor,
          message: String(item.message),
          ...(item.details ? { details: item.details } : {}),
        }) as E,
    );
    const last: unknown = page.Items?.at(-1)?.sk;
    return { entries, ...(typeof last === 'string' ? { lastSortKey: last } : {}), more: page.LastEvaluatedKey !== undefined };
  }

  async appendLogWithinBudget(
    sessionId: string,
    entry: E | undefined,
    budget: { readonly counter: CounterRef; readonly limit: number; readonly expiresAtEpoch: number },
  ): Promise<boolean> {
    const reserve = this.counterReserve(budget.counter, budget.limit, budget.expiresAtEpoch);
    try {
      await this.transact(entry ? [reserve, this.logPut(sessionId, entry)] : [reserve]);
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some((reason) => reason.code === 'ConditionalCheckFailed' || reason.code === 'TransactionConflict')) return false;
      throw classified(error);
    }
  }

  async getToken(token: TokenRef): Promise<TokenItem | undefined> {
    const result = await guarded(
      this.table.client.send(new GetCommand({ TableName: this.name, Key: tokenKey(token), ConsistentRead: true })),
    );
    return result.Item as TokenItem | undefined;
  }

  async getPin(pinHash: string): Promise<PinItem | undefined> {
    const result = await guarded(
      this.table.client.send(new GetCommand({ TableName: this.name, Key: keys.pin(pinHash), ConsistentRead: true })),
    );
    return result.Item as PinItem | undefined;
  }

  async releaseToken(token: TokenRef, sessionId: string): Promise<boolean> {
    try {
      await guarded(
        this.table.client.send(
          new DeleteCommand({
            TableName: this.name,
            Key: tokenKey(token),
            ...withCondition(conditions.attributeEquals('sessionId', sessionId)),
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async reserveAttempt(counter: CounterRef, limit: number, expiresAtEpoch: number): Promise<number | undefined> {
    try {
      const result = await guarded(
        this.table.client.send(
          new UpdateCommand({ ...this.counterReserve(counter, limit, expiresAtEpoch).Update, ReturnValues: 'UPDATED_NEW' }),
        ),
      );
      return Number(result.Attributes?.count ?? 1);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async readCounter(counter: CounterRef): Promise<number> {
    const result = await guarded(
      this.table.client.send(new GetCommand({ TableName: this.name, Key: counterKey(counter), ConsistentRead: true })),
    );
    return Number(result.Item?.count ?? 0);
  }

  async adjustCounters(adjustments: readonly { readonly counter: CounterRef; readonly by: number }[]): Promise<void> {
    await this.transact(adjustments.map(({ counter, by }) => this.counterAdjust(counter, by)));
  }

  /** Takes one from a fixed-window budget; the write fails once it is spent. */
  private counterReserve(counter: CounterRef, limit: number, expiresAtEpoch: number) {
    return {
      Update: {
        TableName: this.name,
        Key: counterKey(counter),
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl), kind = :kind',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': expiresAtEpoch, ':kind': 'rate', ':limit': limit },
      },
    } satisfies TransactItem;
  }

  private counterAdjust(counter: CounterRef, delta: number): TransactItem {
    return {
      Update: {
        TableName: this.name,
        Key: counterKey(counter),
        UpdateExpression: 'ADD #count :delta',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':delta': delta },
      },
    };
  }

  // Connections -------------------------------------------------------------

  async putConnection(connection: ConnectionItem, expiresAtEpoch: number): Promise<void> {
    await guarded(
      this.table.client.send(
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
      ),
    );
  }

  async getConnection(connectionId: string): Promise<ConnectionItem | undefined> {
    const result = await guarded(
      this.table.client.send(new GetCommand({ TableName: this.name, Key: keys.connection(connectionId), ConsistentRead: true })),
    );
    if (!result.Item) return undefined;
    // The stored map is read as the connection record here and only here.
    const {
      connectionId: id,
      role,
      technicianId,
      technicianDisplayName,
      sessionId,
      connectedAt,
      tokenExpiresAt,
    } = result.Item as ConnectionItem;
    return {
      connectionId: id,
      role,
      technicianId,
      technicianDisplayName,
      sessionId,
      connectedAt,
      ...(typeof tokenExpiresAt === 'number' ? { tokenExpiresAt } : {}),
    };
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await guarded(this.table.client.send(new DeleteCommand({ TableName: this.name, Key: keys.connection(connectionId) })));
  }

  async technicianConnections(technicianId: string): Promise<TechnicianConnection[]> {
    const items = await this.#byTechnician(technicianId, 'CONN#', { ProjectionExpression: 'connectionId, tokenExpiresAt' });
    return items.map((item) => ({
      connectionId: String(item.connectionId),
      ...(typeof item.tokenExpiresAt === 'number' ? { tokenExpiresAt: item.tokenExpiresAt } : {}),
    }));
  }

  async getIntegrationClient(clientId: string): Promise<IntegrationClient | undefined> {
    return guarded(getIntegrationClient(this.table, clientId));
  }

  /** A technician's items of one kind (open sessions, live connections) from the `byTechnician` index. */
  async #byTechnician(
    technicianId: string,
    sortKeyPrefix: 'SESSION#' | 'CONN#',
    options: { ScanIndexForward?: boolean; Limit?: number; ProjectionExpression?: string },
  ): Promise<Record<string, unknown>[]> {
    const result = await guarded(
      this.table.client.send(
        new QueryCommand({
          TableName: this.name,
          IndexName: 'byTechnician',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.technicianPartition(technicianId), ':prefix': sortKeyPrefix },
          ...options,
        }),
      ),
    );
    return result.Items ?? [];
  }
}
