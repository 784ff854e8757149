import { GetCommand, PutCommand, DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './dynamo-client.ts';

/**
 * Integration clients (OAuth 2.0 client credentials: a Cognito app client in
 * AWS, a seeded id locally) and the technician groups each may act for.
 * Stored under one partition so the admin CLI lists them with one query.
 */
export interface IntegrationClient {
  /** The token's `client_id`. */
  readonly clientId: string;
  /** Shown as the actor of everything the client does. */
  readonly name: string;
  readonly groups: readonly string[];
}

const CLIENTS_PARTITION = 'CLIENTS';
const clientKey = (clientId: string) => ({ pk: CLIENTS_PARTITION, sk: `CLIENT#${clientId}` });

export async function putIntegrationClient(table: Table, client: IntegrationClient): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.name,
      Item: { ...clientKey(client.clientId), kind: 'client', ...client, groups: [...client.groups] },
    }),
  );
}

export async function getIntegrationClient(table: Table, clientId: string): Promise<IntegrationClient | undefined> {
  const result = await table.client.send(new GetCommand({ TableName: table.name, Key: clientKey(clientId), ConsistentRead: true }));
  const item = result.Item;
  if (!item) return undefined;
  return { clientId: String(item.clientId), name: String(item.name), groups: Array.isArray(item.groups) ? item.groups.map(String) : [] };
}

export async function listIntegrationClients(table: Table): Promise<IntegrationClient[]> {
  const result = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CLIENTS_PARTITION },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []).map((item) => ({
    clientId: String(item.clientId),
    name: String(item.name),
    groups: Array.isArray(item.groups) ? item.groups.map(String) : [],
  }));
}

export async function deleteIntegrationClient(table: Table, clientId: string): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.name, Key: clientKey(clientId) }));
}

/** The local runtime's demo client: a helpdesk that may act for technicians of group Support. */
export const seedClients: readonly IntegrationClient[] = [{ clientId: 'helpdesk-demo', name: 'Helpdesk demo', groups: ['Support'] }];
