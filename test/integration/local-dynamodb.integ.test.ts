import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.ts';
import { getGroups, getLocalTechnician, seedGroups } from '#storage/directory';
import { tableDefinition } from '#storage/table-definition';
import { createTable } from '../../local/create-table.ts';
import { dynamoDbLocalClientConfig, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { isProcessRunning as isRunning } from '../support/processes.ts';
import { repositoryRoot } from '../support/runtime.ts';

describe('createTable', () => {
  let table: TestTable;
  let client: DynamoDBClient;

  beforeAll(async () => {
    table = await createTestTable({ seed: true });
    client = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: table.endpoint });
  });
  afterAll(async () => {
    client?.destroy();
    await table?.drop();
  });

  it('creates the table from the shared definition: on demand, both indexes projecting all, TTL on', async () => {
    const { Table: description } = await client.send(new DescribeTableCommand({ TableName: table.name }));
    expect(description?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(description?.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = description?.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(
      tableDefinition.globalSecondaryIndexes.map((index) => index.indexName).sort(),
    );
    for (const index of indexes) expect(index.Projection?.ProjectionType).toBe('ALL');
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: tableDefinition.timeToLiveAttribute, TimeToLiveStatus: 'ENABLED' });
  });

  it('seeds the demo groups and technicians (alice/Support, bob/Helpdesk, carol/Observers)', async () => {
    expect(await getLocalTechnician(table, 'alice')).toMatchObject({ username: 'alice', groups: ['Support'] });
    expect(await getLocalTechnician(table, 'carol')).toMatchObject({ groups: ['Observers'] });
    const groups = await getGroups(
      table,
      seedGroups.map((group) => group.name),
    );
    expect(groups.sort((a, b) => a.name.localeCompare(b.name))).toEqual([...seedGroups].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('leaves an existing table alone', async () => {
    expect(await createTable(client, table.name)).toBe(false);
    expect(await getLocalTechnician(table, 'bob')).toBeDefined();
  });
});

describe('startDynamoDbLocal', () => {
  it('keeps a data directory across restarts, and its watchdog kills Java when the parent is killed outright', async () => {
    const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'dynamodb-data-'));
    try {
      // A parent that starts DynamoDB Local on the folder, creates a table, then dies by SIGKILL: no exit hook runs.
      const script = [
        "const { startDynamoDbLocal, dynamoDbLocalClientConfig } = await import('./local/dynamodb-local.ts');",
        "const { createTable } = await import('./local/create-table.ts');",
        "const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');",
        `const local = await startDynamoDbLocal({ dataDirectory: ${JSON.stringify(dataDirectory)} });`,
        "await createTable(new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: local.endpoint }), 'persisted');",
        'console.log(`java ${local.pid}`);',
      ].join('\n');
      const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: repositoryRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const javaPid = await new Promise<number>((resolve, reject) => {
        createInterface({ input: parent.stdout }).on('line', (line) => {
          const match = /^java (\d+)$/.exec(line);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
      });
      expect(isRunning(javaPid)).toBe(true);
      parent.kill('SIGKILL');
      await eventually(() => expect(isRunning(javaPid)).toBe(false), { timeoutMs: 8000, intervalMs: 100 });

      const restarted = await startDynamoDbLocal({ dataDirectory });
      const client = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: restarted.endpoint });
      try {
        expect((await client.send(new ListTablesCommand({}))).TableNames).toContain('persisted');
      } finally {
        client.destroy();
        await restarted.stop();
      }
      expect(isRunning(restarted.pid)).toBe(false);
    } finally {
      rmSync(dataDirectory, { recursive: true, force: true });
    }
  }, 90_000); // two Java start-ups: ~5 s on an idle machine, far more on a busy CI runner
});
