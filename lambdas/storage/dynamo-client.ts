import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { environmentVariables } from '#domain/config';

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

/** A document client for the table, pointed at DynamoDB Local when DYNAMODB_ENDPOINT is set. */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient(endpoint ? { endpoint, maxAttempts: 3 } : { maxAttempts: 3 });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** The table as the handlers see it, built once per cold start from the environment. */
export function tableFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Table {
  const name = env[environmentVariables.tableName];
  if (!name) throw new Error(`${environmentVariables.tableName} is not set`);
  return { client: createDocumentClient(env[environmentVariables.dynamoDbEndpoint]), name };
}
