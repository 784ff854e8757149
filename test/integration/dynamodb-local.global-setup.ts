import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

/**
 * One DynamoDB Local (in memory) for the whole integration project. Test files
 * reach it through `inject('dynamoDbEndpoint')` or DYNAMODB_ENDPOINT, and each
 * creates its own uniquely named table (test/support/dynamodb.ts), so files
 * running in parallel never see each other's data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamoDbLocal = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamoDbLocal.endpoint);
  process.env.DYNAMODB_ENDPOINT = dynamoDbLocal.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  console.log(`DynamoDB Local for integration tests: ${dynamoDbLocal.endpoint} (started in ${dynamoDbLocal.startMilliseconds} ms)`);
  return () => dynamoDbLocal.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:<port> of the integration project's DynamoDB Local. */
    dynamoDbEndpoint: string;
  }
}
