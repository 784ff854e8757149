import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { Table } from '#storage/dynamo-client';
import type { Summary } from './stats.ts';

/**
 * The physical floor: single DynamoDB calls of the kinds the handlers make,
 * with items of the handlers' sizes, through the same SDK client type, in the
 * same run. Every handler figure is read as a ratio to these.
 */
export type BaselineKind =
  | 'PutItem'
  | 'UpdateItem'
  | 'GetItem'
  | 'Query'
  | 'BatchGetItem(3)'
  | 'DeleteItem'
  | 'TransactWriteItems(2)'
  | 'TransactWriteItems(3)'
  | 'TransactWriteItems(5)'
  | 'PostToConnection';

export type Baselines = Record<BaselineKind, Summary>;

function sessionLikeItem(id: string) {
  const at = new Date().toISOString();
  return {
    pk: `BENCH#${id}`,
    sk: 'SESSION',
    kind: 'bench',
    id,
    customerName: 'Erika Mustermann',
    status: 'created',
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    technicianId: '6f1c2a9e-0a11-4c1e-9a57-a11ce0000001',
    technicianUsername: 'alice',
    technicianDisplayName: 'Alice Adler',
    gsi1pk: 'BENCHTECH#alice',
    gsi1sk: `SESSION#${at}#${id}`,
  };
}

function logLikeItem(id: string) {
  const at = new Date().toISOString();
  return {
    pk: `BENCH#${id}`,
    sk: `LOG#${at}#${randomUUID().slice(0, 12)}`,
    kind: 'log',
    at,
    type: 'started',
    actor: { kind: 'technician', name: 'Alice Adler' },
    message: 'Alice Adler started the session',
  };
}

/** One action per baseline kind; call each once per round so drift hits all kinds (and the handlers between them) alike. */
export function baselineActions(table: Table, connectionsEndpoint: string): Record<BaselineKind, () => Promise<unknown>> {
  // A post to a WebSocket connection, the handlers' other kind of round trip, through the same client type they use.
  const management = new ApiGatewayManagementApiClient({ endpoint: connectionsEndpoint, maxAttempts: 1 });
  const message = new TextEncoder().encode(JSON.stringify({ type: 'session.updated', session: { id: randomUUID(), status: 'waiting' } }));
  const send = table.client.send.bind(table.client) as (command: unknown) => Promise<unknown>;
  // Items written by PutItem rounds; the updates need an item that exists and that no transaction of theirs also writes.
  const written: string[] = [];
  const existing = () => {
    const id = written[Math.floor(Math.random() * written.length)];
    if (!id) throw new Error('the PutItem baseline runs first in every round');
    return id;
  };
  const conditionalPut = (id: string) =>
    new PutCommand({ TableName: table.name, Item: sessionLikeItem(id), ConditionExpression: 'attribute_not_exists(pk)' });
  const conditionalUpdate = (id: string) =>
    new UpdateCommand({
      TableName: table.name,
      Key: { pk: `BENCH#${id}`, sk: 'SESSION' },
      UpdateExpression: 'SET #status = :next, updatedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND technicianId = :owner',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':next': 'pending', ':now': new Date().toISOString(), ':owner': '6f1c2a9e-0a11-4c1e-9a57-a11ce0000001' },
    });
  const transact = (count: 2 | 3 | 5) => () => {
    const id = randomUUID();
    const items: unknown[] = [
      { Put: { ...conditionalPut(id).input } },
      { Put: { TableName: table.name, Item: logLikeItem(id) } },
      { Update: { ...conditionalUpdate(existing()).input } },
      { Put: { TableName: table.name, Item: { pk: `BENCHTOKEN#${randomUUID()}`, sk: 'TOKEN', sessionId: id, ttl: 1 } } },
      { Put: { TableName: table.name, Item: { pk: `BENCHTOKEN#${randomUUID()}`, sk: 'TOKEN', sessionId: id, ttl: 1 } } },
    ];
    return send(new TransactWriteCommand({ TransactItems: items.slice(0, count) as never }));
  };
  return {
    PutItem: async () => {
      const id = randomUUID();
      await send(conditionalPut(id));
      written.push(id);
      if (written.length > 1000) written.shift();
    },
    UpdateItem: () => send(conditionalUpdate(existing())),
    GetItem: () => send(new GetCommand({ TableName: table.name, Key: { pk: `BENCH#${existing()}`, sk: 'SESSION' }, ConsistentRead: true })),
    'BatchGetItem(3)': () =>
      send(
        new BatchGetCommand({
          RequestItems: {
            [table.name]: {
              Keys: [existing(), randomUUID(), randomUUID()].map((id) => ({ pk: `BENCH#${id}`, sk: 'SESSION' })),
              ConsistentRead: true,
            },
          },
        }),
      ),
    Query: () =>
      send(
        new QueryCommand({
          TableName: table.name,
          IndexName: 'byTechnician',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: { ':pk': 'BENCHTECH#alice', ':prefix': 'SESSION#' },
          Limit: 10,
        }),
      ),
    // Deleting an absent key costs a write all the same; the handlers delete PIN, ticket and connection items.
    DeleteItem: () => send(new DeleteCommand({ TableName: table.name, Key: { pk: `BENCH#${randomUUID()}`, sk: 'SESSION' } })),
    'TransactWriteItems(2)': transact(2),
    'TransactWriteItems(3)': transact(3),
    'TransactWriteItems(5)': transact(5),
    PostToConnection: () => management.send(new PostToConnectionCommand({ ConnectionId: 'bench-baseline', Data: message })),
  };
}

export const baselineKinds: readonly BaselineKind[] = [
  'PutItem',
  'UpdateItem',
  'GetItem',
  'BatchGetItem(3)',
  'Query',
  'DeleteItem',
  'TransactWriteItems(2)',
  'TransactWriteItems(3)',
  'TransactWriteItems(5)',
  'PostToConnection',
];

/** The baseline a counted round trip is priced at: transactions by item count, the rest by operation. */
export function baselineKindFor(kind: string): BaselineKind {
  const transaction = /^TransactWriteItems\((\d+)\)$/.exec(kind);
  if (transaction) {
    const count = Number(transaction[1]);
    return count <= 2 ? 'TransactWriteItems(2)' : count <= 3 ? 'TransactWriteItems(3)' : 'TransactWriteItems(5)';
  }
  if (kind.startsWith('BatchGetItem')) return 'BatchGetItem(3)';
  if (kind.startsWith('Query')) return 'Query';
  if (kind === 'PutItem' || kind === 'UpdateItem' || kind === 'DeleteItem') return kind;
  return 'GetItem';
}
