import type { IntegrationGlobals } from './dynamodb-local.global-setup.ts';

/** Stops the DynamoDB Local that dynamodb-local.global-setup.ts started. */
export default async function teardown(): Promise<void> {
  await (globalThis as IntegrationGlobals).integrationDynamoDbLocal?.stop();
}
