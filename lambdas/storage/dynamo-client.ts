import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { classified } from './faults.ts';

/** The variables that name the table and, locally, DynamoDB Local's address. */
export const tableEnvironment = { tableName: 'TABLE_NAME', dynamoDbEndpoint: 'DYNAMODB_ENDPOINT' } as const;

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

/** A document client for the table, pointed at DynamoDB Local when DYNAMODB_ENDPOINT is set; transient faults surface as StorageUnavailable. */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient(endpoint ? { endpoint, maxAttempts: 3 } : { maxAttempts: 3 });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  // Outermost, so it sees what is left after the SDK's own retries: every reader of the table gets StorageUnavailable.
  documents.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw classified(error);
      }
    },
    { step: 'initialize', priority: 'high', name: 'storageFaultClassification' },
  );
  return documents;
}

/** The table as the handlers see it, built once per cold start from the environment. */
export function tableFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Table {
  const name = env[tableEnvironment.tableName];
  if (!name) throw new Error(`${tableEnvironment.tableName} is not set`);
  return { client: createDocumentClient(env[tableEnvironment.dynamoDbEndpoint]), name };
}
