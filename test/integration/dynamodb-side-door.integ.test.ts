import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import WebSocket from 'ws';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAdmin } from '../../admin/main.ts';
import { readCredentialsFile } from '../../local/dynamodb-credentials.ts';
import type { Logger } from '../../local/lambda-invoker.ts';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';

/** The runtime in-process with its own DynamoDB Local, as `npm start` runs it. */
let runtime: LocalRuntime;
let siteDirectory: string;
let credentialsFile: string;
const printed: string[] = [];
const log: Logger = { info: (message) => void printed.push(message), error: (message) => void printed.push(message) };

beforeAll(async () => {
  siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'side-door-site-'));
  runtime = await startLocalRuntime({ port: 0, siteDirectory, buildSite: false, sweepIntervalSeconds: 3600, log });
  credentialsFile = runtime.dynamoDb.credentialsFile ?? '';
});
afterAll(async () => {
  await runtime?.stop();
  rmSync(siteDirectory, { recursive: true, force: true });
});

function clientWith(accessKeyId: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: runtime.dynamoDb.endpoint,
    region,
    credentials: { accessKeyId, secretAccessKey: 'whatever' },
    maxAttempts: 1,
  });
}

async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe("the local runtime's DynamoDB Local", () => {
  it('shows nothing of the runtime table to a client with other credentials', async () => {
    // The credentials every tool used before, a made-up key, and the right key in another region.
    const { accessKeyId } = await readCredentialsFile(credentialsFile);
    for (const stranger of [clientWith('local'), clientWith('AKIAIOSFODNN7EXAMPLE'), clientWith(accessKeyId, 'eu-central-1')]) {
      try {
        const { TableNames = [] } = await stranger.send(new ListTablesCommand({}));
        expect(TableNames).not.toContain(runtime.table.name);
        await expect(stranger.send(new ScanCommand({ TableName: runtime.table.name }))).rejects.toMatchObject({
          name: 'ResourceNotFoundException',
        });
      } finally {
        stranger.destroy();
      }
    }
  });

  it('shows the table to the key in the credentials file, a file only the user can read', async () => {
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(credentialsFile)).mode & 0o077).toBe(0);
    const access = await readCredentialsFile(credentialsFile);
    expect(access).toMatchObject({
      endpoint: runtime.dynamoDb.endpoint,
      table: runtime.table.name,
      accessKeyId: expect.stringMatching(/^[A-Za-z0-9]{20,}$/),
    });
    const owner = clientWith(access.accessKeyId);
    try {
      const { Count } = await owner.send(new ScanCommand({ TableName: runtime.table.name, Select: 'COUNT' }));
      expect(Count).toBeGreaterThan(0);
    } finally {
      owner.destroy();
    }
    // The key is a secret: nothing the runtime printed contains it.
    expect(printed.join('\n')).not.toContain(access.accessKeyId);
  });

  it('lets the admin CLI in with the credentials file, and refuses the file once others may read it', async () => {
    const listed = await admin('technicians', 'list', '--json', '--credentials-file', credentialsFile);
    expect(listed.code).toBe(0);
    expect(
      (JSON.parse(listed.out) as { technicians: { username: string }[] }).technicians.map(
        (technician: { username: string }) => technician.username,
      ),
    ).toEqual(['alice', 'bob', 'carol']);
    chmodSync(credentialsFile, 0o644);
    try {
      expect(await admin('technicians', 'list', '--credentials-file', credentialsFile)).toMatchObject({
        code: 1,
        err: expect.stringContaining('must be 600'),
      });
    } finally {
      chmodSync(credentialsFile, 0o600);
    }
    expect(await admin('technicians', 'list', '--credentials-file', path.join(siteDirectory, 'missing.json'))).toMatchObject({
      code: 1,
      err: expect.stringContaining('no credentials file'),
    });
  });

  it('lets only its own origin open a technician socket by default', async () => {
    const { token } = (await (
      await fetch(`${runtime.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":"alice"}',
      })
    ).json()) as { token: string };
    const upgrade = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${runtime.webSocketUrl}?token=${encodeURIComponent(token)}`, { origin });
        socket.once('open', () => (socket.close(), resolve(101)));
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('error', () => resolve(0));
      });
    expect([401, 403]).toContain(await upgrade('https://evil.example'));
    expect(await upgrade(runtime.url)).toBe(101);
  });

  it('removes the in-memory run key with the runtime', async () => {
    await runtime.stop();
    expect(existsSync(credentialsFile)).toBe(false);
  });
});
