import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The floor for a cold start: the smallest useful Lambda of this stack, one
 * document client and one consistent GetItem, bundled exactly like the
 * handlers. Handler cold starts and sizes are budgeted as ratios to it.
 */
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {}),
);

export const handler = async (): Promise<{ statusCode: number }> => {
  const result = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'GROUP#Support', sk: 'GROUP' }, ConsistentRead: true }),
  );
  return { statusCode: result.Item ? 200 : 404 };
};
