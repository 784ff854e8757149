import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';

/**
 * One DynamoDB Local (in memory) for the whole integration project. Jest runs
 * this before any worker starts, so the workers inherit DYNAMODB_ENDPOINT
 * (read by test/support/dynamodb.ts); each test file creates its own uniquely
 * named table, so files running in parallel never see each other's data.
 * dynamodb-local.global-teardown.ts stops it.
 */
export default async function setup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamoDbLocal = await startDynamoDbLocal();
  process.env.DYNAMODB_ENDPOINT = dynamoDbLocal.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  (globalThis as IntegrationGlobals).integrationDynamoDbLocal = dynamoDbLocal;
  console.log(`DynamoDB Local for integration tests: ${dynamoDbLocal.endpoint} (started in ${dynamoDbLocal.startMilliseconds} ms)`);
}

/** Jest runs global setup and teardown in the same context, so the handle crosses over on globalThis. */
export interface IntegrationGlobals {
  integrationDynamoDbLocal?: DynamoDbLocal;
}
