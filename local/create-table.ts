import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Table } from '#storage/dynamo-client';
import { putGroup, putLocalTechnician, seedGroups, seedTechnicians } from '#storage/directory';
import { tableDefinition } from '#storage/table-definition';
import { putIntegrationClient, seedClients } from '#storage/clients';

/**
 * Creates the product table from the same definition the CDK stack uses:
 * on-demand billing, both GSIs projecting everything, TTL on `ttl` (DynamoDB
 * Local accepts the setting but never deletes; the handlers filter expired
 * items on every read anyway). Idempotent: an existing table is left alone,
 * so a persistent data directory survives restarts.
 *
 * @returns true when the table was created, false when it already existed.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const d = tableDefinition;
  const keyAttributes = [d.partitionKey, d.sortKey, ...d.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const attributeDefinitions: AttributeDefinition[] = [...new Set(keyAttributes)].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: d.streamViewType },
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: d.partitionKey, KeyType: 'HASH' },
          { AttributeName: d.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: d.timeToLiveAttribute, Enabled: true },
    }),
  );
  return true;
}

/** Puts the demo groups and technicians (alice/Support, bob/Helpdesk, carol/Observers) and the demo integration client. */
export async function seedDirectory(table: Table): Promise<void> {
  await Promise.all([
    ...seedGroups.map((group) => putGroup(table, group)),
    ...seedTechnicians.map((technician) => putLocalTechnician(table, technician)),
    ...seedClients.map((client) => putIntegrationClient(table, client)),
  ]);
}
