import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { epochSeconds } from '#domain/clock';
import { technicianConnected } from '#domain/live-connections';
import { ConnectionsNotifier } from '#shared/connections-notifier';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, silentLogger, testDependencies } from '../support/domain.ts';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

describe("a technician connection and its token's expiry", () => {
  it('is stored on the record at $connect and read back by the fan-out', async () => {
    const deps = testDependencies(table);
    const alice = seededTechnician('alice');
    const expiresAt = epochSeconds(deps.clock.now()) + 3600;
    await technicianConnected(deps, 'console-live', alice, expiresAt);

    expect(await deps.store.getConnection('console-live')).toMatchObject({
      role: 'technician',
      technicianId: alice.id,
      tokenExpiresAt: expiresAt,
    });
    expect(await deps.store.technicianConnections(alice.id)).toEqual([{ connectionId: 'console-live', tokenExpiresAt: expiresAt }]);
  });

  it('closes and forgets the expired connection on the next push, and posts to the live one only', async () => {
    const deps = testDependencies(table);
    const bob = seededTechnician('bob');
    const now = epochSeconds(deps.clock.now());
    await technicianConnected(deps, 'console-expired', bob, now - 1);
    await technicianConnected(deps, 'console-current', bob, now + 3600);
    const client = new ApiGatewayManagementApiClient({ endpoint: 'http://127.0.0.1:9', region: 'eu-central-1' });
    const management = mockClient(client);
    management.on(PostToConnectionCommand).resolves({});
    management.on(DeleteConnectionCommand).resolves({});
    const notifier = new ConnectionsNotifier(client, deps.store, silentLogger, deps.clock);

    await notifier.toTechnician(bob.id, {
      type: 'chat',
      sessionId: 'any',
      from: 'customer',
      text: 'Hallo',
      at: deps.clock.now().toISOString(),
    });

    expect(management.commandCalls(DeleteConnectionCommand).map((call) => call.args[0].input.ConnectionId)).toEqual(['console-expired']);
    expect(management.commandCalls(PostToConnectionCommand).map((call) => call.args[0].input.ConnectionId)).toEqual(['console-current']);
    expect(await deps.store.getConnection('console-expired')).toBeUndefined();
    expect((await deps.store.technicianConnections(bob.id)).map((connection) => connection.connectionId)).toEqual(['console-current']);
  });
});
