import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, type Table } from '#storage/dynamo-client';
import { createTable, seedDirectory } from '../../local/create-table.ts';
import { dynamoDbLocalClientConfig } from '../../local/dynamodb-local.ts';

/**
 * Tables for integration tests, in the DynamoDB Local that
 * test/integration/dynamodb-local.global-setup.ts started:
 *
 *   const table = await createTestTable({ seed: true });   // beforeAll
 *   ... pass `table` (a `Table`: document client + name) to the code under test ...
 *   await table.drop();                                     // afterAll
 *
 * Every call creates a fresh table with a unique name from the product's
 * table definition, so test files do not share data.
 */
export interface TestTable extends Table {
  readonly endpoint: string;
  /** Deletes the table and closes its clients. */
  drop(): Promise<void>;
}

// The clients the code under test builds from the environment need a region and some credentials.
process.env.AWS_REGION ??= dynamoDbLocalClientConfig.region;
process.env.AWS_ACCESS_KEY_ID ??= dynamoDbLocalClientConfig.credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= dynamoDbLocalClientConfig.credentials.secretAccessKey;

export function dynamoDbEndpoint(): string {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('no DynamoDB Local: run this as part of the integration project (npm run test:integration)');
  return endpoint;
}

/** @param options.seed put the demo groups and technicians (alice/Support, bob/Helpdesk, carol/Observers) */
export async function createTestTable(options: { seed?: boolean; name?: string } = {}): Promise<TestTable> {
  const endpoint = dynamoDbEndpoint();
  const name = options.name ?? `test-${randomUUID()}`;
  const rawClient = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint });
  await createTable(rawClient, name);
  const table: Table = { client: createDocumentClient(endpoint), name };
  if (options.seed) await seedDirectory(table);
  return {
    ...table,
    endpoint,
    async drop() {
      await rawClient.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
      table.client.destroy();
      rawClient.destroy();
    },
  };
}
