import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts DynamoDB round trips as they happen: a middleware in the client's
 * finalizeRequest step, below the retry middleware, so every HTTP request the
 * SDK sends is one count (a retried call counts twice, as it costs twice).
 * A second middleware asks every item operation for its consumed capacity
 * (DynamoDB Local computes it as DynamoDB does: 4 KB read units, 1 KB write
 * units, x2 inside transactions, GSI writes included), so the cost model uses
 * measured units, not estimates.
 */
export interface RoundTrip {
  /** e.g. GetItem, TransactWriteItems(3), BatchGetItem(3), Query(connections) */
  readonly kind: string;
  readonly operation: string;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** The call failed (e.g. a cancelled transaction); DynamoDB bills it all the same, Local reports nothing. */
  readonly failed: boolean;
}

export interface RoundTripCounter {
  /** Round trips since the last take(). */
  take(): RoundTrip[];
  /** The same, without resetting. */
  peek(): readonly RoundTrip[];
  /** Waits until no round trip has started for `quietMs` (e.g. $disconnect handlers after sockets closed). */
  quiet(quietMs?: number): Promise<void>;
  /** quiet(), then forgets what came in meanwhile. */
  settle(quietMs?: number): Promise<void>;
  readonly total: () => number;
}

const installed = new WeakMap<object, RoundTripCounter>();

const itemOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);
const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

function describe(operation: string, input: Record<string, unknown>): string {
  if (operation === 'TransactWriteItems') return `TransactWriteItems(${(input.TransactItems as unknown[] | undefined)?.length ?? 0})`;
  if (operation === 'BatchGetItem') {
    const requests = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: { pk?: unknown }[] }>);
    const keyList = requests.flatMap((request) => request.Keys ?? []);
    const partition = (key: { pk?: unknown }) => (typeof key.pk === 'string' ? key.pk : ((key.pk as { S?: string } | undefined)?.S ?? ''));
    // The permission cache's refresh (group items), told apart from the redeem path's read.
    if (keyList.length > 0 && keyList.every((key) => partition(key).startsWith('GROUP#'))) return 'BatchGetItem(groups)';
    return `BatchGetItem(${keyList.length})`;
  }
  if (operation === 'Query') {
    const prefix = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':prefix'];
    const text = typeof prefix === 'string' ? prefix : (prefix as { S?: string } | undefined)?.S;
    // The notifier's lookup of a technician's console connections, told apart from the session list.
    if (text === 'CONN#') return 'Query(connections)';
  }
  return operation;
}

function capacityUnits(consumed: unknown): number {
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as { CapacityUnits?: number }[];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
}

const operationOf = (commandName: unknown) => String(commandName ?? 'unknown').replace(/Command$/, '');

export function countRoundTrips(client: DynamoDBDocumentClient): RoundTripCounter {
  const existing = installed.get(client);
  if (existing) return existing;
  let pending: RoundTrip[] = [];
  let total = 0;
  let lastStartedAt = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (itemOperations.has(operationOf(context.commandName)) && input.ReturnConsumedCapacity === undefined)
        input.ReturnConsumedCapacity = 'INDEXES';
      return next(args);
    },
    { step: 'initialize', priority: 'low', name: 'benchConsumedCapacity' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      const kind = describe(operation, (args.input ?? {}) as Record<string, unknown>);
      total += 1;
      lastStartedAt = performance.now();
      try {
        const result = await next(args);
        const units = capacityUnits((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        const read = readOperations.has(operation);
        pending.push({ operation, kind, readUnits: read ? units : 0, writeUnits: read ? 0 : units, failed: false });
        return result;
      } catch (error) {
        pending.push({ operation, kind, readUnits: 0, writeUnits: 0, failed: true });
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchRoundTripCounter' },
  );
  const counter: RoundTripCounter = {
    take() {
      const taken = pending;
      pending = [];
      return taken;
    },
    peek: () => pending,
    async quiet(quietMs = 300) {
      while (performance.now() - lastStartedAt < quietMs) await new Promise((resolve) => setTimeout(resolve, quietMs / 3));
    },
    async settle(quietMs = 300) {
      await counter.quiet(quietMs);
      pending = [];
    },
    total: () => total,
  };
  installed.set(client, counter);
  return counter;
}
