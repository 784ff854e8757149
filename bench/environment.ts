import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { environmentVariables } from '#domain/config';
import { createDocumentClient, type Table } from '#storage/dynamo-client';
import { handlerTable } from '#shared/dependencies';
import { createTable, seedDirectory } from '../local/create-table.ts';
import { dynamoDbLocalClientConfig, startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local.ts';
import { silentLogger } from '../local/lambda-invoker.ts';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.ts';
import { countRoundTrips, type RoundTripCounter } from './round-trips.ts';

export const repositoryRoot = path.resolve(import.meta.dirname, '..');

/**
 * The @connections endpoint the handlers post to, as a switch: while handlers
 * are called in-process there is no socket behind a connection id, so posts
 * are absorbed (200) and counted; during the gateway runs they are forwarded to
 * the local gateway, so real sockets get real messages.
 */
export interface ConnectionsSwitch {
  readonly url: string;
  mode: 'absorb' | 'forward';
  posts: number;
  close(): Promise<void>;
}

async function startConnectionsSwitch(target: () => string): Promise<ConnectionsSwitch> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.posts += 1;
      if (state.mode === 'absorb') {
        response.writeHead(200).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
      fetch(`${target()}${request.url ?? '/'}`, {
        method: request.method,
        headers,
        body: request.method === 'GET' || request.method === 'DELETE' ? undefined : Buffer.concat(chunks),
      })
        .then(async (answer) => response.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const state: ConnectionsSwitch = {
    url: `http://127.0.0.1:${address.port}`,
    mode: 'absorb',
    posts: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return state;
}

export interface BenchEnvironment {
  readonly dynamoDb: DynamoDbLocal;
  readonly runtime: LocalRuntime;
  /** Uncounted client for baselines and fixtures. */
  readonly rawTable: Table;
  /** The handlers' own client, counted. */
  readonly counter: RoundTripCounter;
  readonly connections: ConnectionsSwitch;
  readonly siteDirectory: string;
  handler<T = (event: unknown) => Promise<unknown>>(entry: string): Promise<T>;
  /** What a fresh Lambda process sees: the handlers' variables, nothing of this process. */
  coldStartEnvironment(): Record<string, string>;
  stop(): Promise<void>;
}

export const benchTableName = 'bench';

export async function startBenchEnvironment(env: Record<string, string> = {}): Promise<BenchEnvironment> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Handler logs would drown the report; warnings and errors still show.
  process.env.LOG_LEVEL ??= 'ERROR';
  Object.assign(process.env, env);
  process.env.AWS_REGION = dynamoDbLocalClientConfig.region;
  process.env.AWS_ACCESS_KEY_ID = dynamoDbLocalClientConfig.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = dynamoDbLocalClientConfig.credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const dynamoDb = await startDynamoDbLocal();
  const siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'bench-site-'));
  const rawClient = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: dynamoDb.endpoint });
  await createTable(rawClient, benchTableName);
  rawClient.destroy();
  const rawTable: Table = { client: createDocumentClient(dynamoDb.endpoint), name: benchTableName };
  await seedDirectory(rawTable);

  const runtime = await startLocalRuntime({
    port: 0,
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: benchTableName,
    siteDirectory,
    sweepIntervalSeconds: 3600,
    log: silentLogger,
  });
  const connections = await startConnectionsSwitch(() => runtime.gateway.managementEndpoint);
  // Before any handler is imported: dependencies() reads it once and keeps it.
  process.env[environmentVariables.managementEndpoint] = connections.url;
  const counter = countRoundTrips(handlerTable().client);

  return {
    dynamoDb,
    runtime,
    rawTable,
    counter,
    connections,
    siteDirectory,
    async handler<T>(entry: string): Promise<T> {
      const module = (await import(pathToFileURL(path.join(repositoryRoot, entry)).href)) as { handler: T };
      return module.handler;
    },
    coldStartEnvironment() {
      const inherited = [
        'PATH',
        'HOME',
        'LANG',
        'TZ',
        'LOG_LEVEL',
        'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
      ];
      const v = environmentVariables;
      const handlerVariables = [v.tableName, v.dynamoDbEndpoint, v.managementEndpoint, v.pinSecret, v.jwtIssuer, v.jwtAudience];
      const env: Record<string, string> = {};
      for (const name of [...inherited, ...handlerVariables]) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      return env;
    },
    async stop() {
      await runtime.stop();
      await connections.close();
      rawTable.client.destroy();
      await dynamoDb.stop();
      rmSync(siteDirectory, { recursive: true, force: true });
    },
  };
}
