import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { seedTechnicians, type LocalTechnician } from '#storage/directory';
import { type Logger } from '../../local/lambda-invoker.ts';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime.ts';
import { dynamoDbEndpoint } from '../support/dynamodb.ts';

/** The runtime in-process, against the integration project's DynamoDB Local, with the real route table. */
describe('startLocalRuntime', () => {
  let runtime: LocalRuntime;
  let siteDirectory: string;
  const infos: string[] = [];
  const errors: string[] = [];
  const log: Logger = { info: (message) => void infos.push(message), error: (message) => void errors.push(message) };

  beforeAll(async () => {
    siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'runtime-site-'));
    process.env.PIN_VALIDITY_SECONDS = '7';
    runtime = await startLocalRuntime({
      port: 0,
      dynamoDbEndpoint: dynamoDbEndpoint(),
      tableName: `runtime-${Date.now()}`,
      siteDirectory,
      sweepIntervalSeconds: 3600,
      log,
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    delete process.env.PIN_VALIDITY_SECONDS;
    rmSync(siteDirectory, { recursive: true, force: true });
  });

  it('gives the handlers the environment the stack would, pointing at this runtime', () => {
    const redeem = runtime.environmentOf('redeem-pin');
    expect(redeem.TABLE_NAME).toBe(runtime.table.name);
    expect(redeem.DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(redeem.WEBSOCKET_MANAGEMENT_ENDPOINT).toBe(runtime.url);
    expect(redeem.PIN_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(redeem.AWS_REGION).toBe('us-east-1');
    expect(redeem.PIN_VALIDITY_SECONDS).toBe('7');
    const authorizer = runtime.environmentOf('websocket-authorizer');
    expect(authorizer.JWT_ISSUER).toBe(`${runtime.url}/dev`);
    expect(authorizer.JWT_AUDIENCE).toBe('local-console');
    expect(runtime.dynamoDb.endpoint).toBe(dynamoDbEndpoint());
    expect(infos.join('\n')).toContain('Tunables from the environment: PIN_VALIDITY_SECONDS=7');
  });

  it('serves the real handlers of the route table and the seeded directory', async () => {
    const openapi = await fetch(`${runtime.url}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi?: string }).openapi).toMatch(/^3\./);
    const asyncapi = await fetch(`${runtime.url}/api/asyncapi.json`);
    expect(asyncapi.status).toBe(200);
    expect(((await asyncapi.json()) as { asyncapi?: string }).asyncapi).toMatch(/^3\./);
    const config = (await (await fetch(`${runtime.url}/config.json`)).json()) as { auth: { technicians: { username: string }[] } };
    expect(config.auth.technicians.map((technician) => technician.username)).toEqual(['alice', 'bob', 'carol']);
    expect((await fetch(`${runtime.url}/console/`)).status).toBe(200);
  });

  it('runs the scheduled jobs on demand without errors', async () => {
    await runtime.sweeper.runNow();
    expect(errors).toEqual([]);
  });

  it("ends a technician's socket when the token it connected with expires, and only that one", async () => {
    const alice = seedTechnicians[0] as LocalTechnician;
    const open = async (lifetimeSeconds: number) => {
      const token = await runtime.gateway.identity.issueToken(alice, { lifetimeSeconds });
      const socket = new WebSocket(`${runtime.webSocketUrl}?token=${encodeURIComponent(token)}`);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      return { socket, closed };
    };
    const expiring = await open(2);
    const lasting = await open(3600);
    try {
      expect(await expiring.closed).toEqual({ code: 1000, reason: 'Token expired' });
      expect(lasting.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      lasting.socket.close();
      await lasting.closed;
    }
  }, 20_000);

  it('refuses to start with an out-of-range tunable, naming it', async () => {
    process.env.PIN_DIGITS = '99';
    try {
      await expect(startLocalRuntime({ port: 0, dynamoDbEndpoint: dynamoDbEndpoint(), log })).rejects.toThrow(/PIN_DIGITS/);
    } finally {
      delete process.env.PIN_DIGITS;
    }
  });
});

describe('lazyEntryHandler', () => {
  it('fails only the call, says which handler is missing, and loads the file once it exists', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'handlers-'));
    try {
      const scenario = fileURLToPath(new URL('./fixtures/lazy-entry-scenario.ts', import.meta.url));
      const run = spawnSync(process.execPath, ['--import', 'tsx', scenario, root], { encoding: 'utf8', timeout: 30_000 });
      expect(run.stderr).toBe('');
      const [whileMissing, onceWritten, withoutHandler] = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      expect(whileMissing).toEqual({ rejected: 'handler module later.mjs does not exist (yet)' });
      expect(onceWritten).toEqual({ resolved: { statusCode: 204 } });
      expect(withoutHandler).toEqual({ rejected: 'no-export.mjs does not export a handler function' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
