import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpRoutes, scheduledJobs, webSocketAuthorizer, webSocketRoutes, type HttpRoute } from '#routes';
import { apiCall, closeHttpAgents, devToken } from '../../load/api-client.ts';
import { createSession, generatePin } from '../../load/flow.ts';
import { accessKeyIdFor } from '../../local/iam-guard.ts';
import { silentLogger } from '../../local/lambda-invoker.ts';
import { startLocalRuntime, type LocalRouteTable, type LocalRuntime } from '../../local/runtime.ts';
import { dynamoDbEndpoint } from '../support/dynamodb.ts';

/**
 * The local runtime grants each handler exactly what the stack grants its
 * function: its own environment, and the table and @connections only as far
 * as its role's policy allows. So a route declaring too little fails here,
 * not first in AWS.
 */
const siteDirectories: string[] = [];

async function runtimeWith(routeTable?: LocalRouteTable): Promise<LocalRuntime> {
  const siteDirectory = mkdtempSync(path.join(os.tmpdir(), 'grants-site-'));
  siteDirectories.push(siteDirectory);
  return startLocalRuntime({
    port: 0,
    dynamoDbEndpoint: dynamoDbEndpoint(),
    tableName: `grants-${randomUUID()}`,
    buildSite: false,
    siteDirectory,
    sweepIntervalSeconds: 3600,
    log: silentLogger,
    routeTable,
  });
}

/** The real route table with one HTTP route's declaration changed. */
function withRoute(name: string, change: (route: HttpRoute) => HttpRoute): LocalRouteTable {
  return {
    httpRoutes: httpRoutes.map((route) => (route.name === name ? change(route) : route)),
    webSocketAuthorizer,
    webSocketRoutes,
    scheduledJobs,
  };
}

function clientOf(runtime: LocalRuntime, handlerName: string): DynamoDBClient {
  const env = runtime.environmentOf(handlerName);
  return new DynamoDBClient({
    endpoint: env.DYNAMODB_ENDPOINT ?? runtime.environmentOf('get-me').DYNAMODB_ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: accessKeyIdFor(handlerName), secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

let runtime: LocalRuntime;
let alice: string;

beforeAll(async () => {
  runtime = await runtimeWith();
  alice = await devToken(runtime.url, 'alice');
}, 60_000);

afterAll(async () => {
  closeHttpAgents();
  await runtime?.stop();
  for (const directory of siteDirectories) rmSync(directory, { recursive: true, force: true });
});

describe('each handler’s own environment', () => {
  it('holds only what its needs name: the session log handler has the PIN secret, the OpenAPI handler no table', () => {
    expect(runtime.environmentOf('get-session-log')).toMatchObject({
      TABLE_NAME: runtime.table.name,
      PIN_SECRET: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(runtime.environmentOf('get-session').PIN_SECRET).toBeUndefined();
    expect(runtime.environmentOf('openapi').TABLE_NAME).toBeUndefined();
    expect(runtime.environmentOf('openapi').DYNAMODB_ENDPOINT).toBeUndefined();
    expect(runtime.environmentOf('get-me').WEBSOCKET_MANAGEMENT_ENDPOINT).toBeUndefined();
    expect(runtime.environmentOf('websocket-authorizer')).toMatchObject({
      JWT_ISSUER: `${runtime.url}/dev`,
      JWT_AUDIENCE: 'local-console',
    });
    // The handlers reach DynamoDB Local through the guard, never directly.
    expect(runtime.environmentOf('get-me').DYNAMODB_ENDPOINT).not.toBe(dynamoDbEndpoint());
  });

  it('shows a session log with its PIN entry (the handler unseals it with the PIN secret)', async () => {
    const sessionId = await createSession(runtime, alice, 'Log reader');
    const pin = await generatePin(runtime, alice, sessionId);
    const log = await apiCall(runtime.url, 'GET', `/api/sessions/${sessionId}/log`, { token: alice });
    expect(log.status).toBe(200);
    expect(JSON.stringify(log.json)).toContain(pin);
  });
});

describe('the IAM guard in front of DynamoDB Local', () => {
  it('lets a read handler read and refuses its write with AccessDeniedException, as DynamoDB does', async () => {
    const client = clientOf(runtime, 'list-sessions');
    const key = { pk: { S: 'PROBE#guard' }, sk: { S: 'PROBE#guard' } };
    await expect(client.send(new GetItemCommand({ TableName: runtime.table.name, Key: key }))).resolves.toBeDefined();
    const denied = client.send(new PutItemCommand({ TableName: runtime.table.name, Item: key }));
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    await expect(denied).rejects.toThrow(/list-sessions is not authorized to perform: dynamodb:PutItem on resource: .*table\//);
    client.destroy();
    // Nothing was written.
    const item = await runtime.table.client.send(
      new GetCommand({ TableName: runtime.table.name, Key: { pk: 'PROBE#guard', sk: 'PROBE#guard' } }),
    );
    expect(item.Item).toBeUndefined();
  });

  it('refuses every table call of a handler without table access, and any other table', async () => {
    const openapi = clientOf(runtime, 'openapi');
    const key = { pk: { S: 'PROBE#guard' }, sk: { S: 'PROBE#guard' } };
    await expect(openapi.send(new GetItemCommand({ TableName: runtime.table.name, Key: key }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    openapi.destroy();
    const reader = clientOf(runtime, 'get-me');
    await expect(reader.send(new GetItemCommand({ TableName: 'some-other-table', Key: key }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    reader.destroy();
  });

  it('does not know a caller without a handler role', async () => {
    const stranger = new DynamoDBClient({
      endpoint: runtime.environmentOf('get-me').DYNAMODB_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 'SOMEONEELSE', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(
      stranger.send(new GetItemCommand({ TableName: runtime.table.name, Key: { pk: { S: 'a' }, sk: { S: 'b' } } })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    stranger.destroy();
  });
});

describe('the @connections endpoint', () => {
  function managementClientOf(handlerName: string): ApiGatewayManagementApiClient {
    return new ApiGatewayManagementApiClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: accessKeyIdFor(handlerName), secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  }

  it('answers 403 to a handler without postsToConnections and serves one with it', async () => {
    const post = (handlerName: string) =>
      managementClientOf(handlerName).send(new PostToConnectionCommand({ ConnectionId: 'no-such-connection', Data: Buffer.from('{}') }));
    await expect(post('get-me')).rejects.toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } });
    const stranger = new ApiGatewayManagementApiClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'SOMEONEELSE', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(
      stranger.send(new PostToConnectionCommand({ ConnectionId: 'no-such-connection', Data: Buffer.from('{}') })),
    ).rejects.toMatchObject({ name: 'ForbiddenException' });
    await expect(post('websocket-chat')).rejects.toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
  });
});

describe('a route table that declares too little fails locally', () => {
  it('answers 500 on the session log when its route lacks the PIN secret', async () => {
    const wrong = await runtimeWith(withRoute('get-session-log', (route) => ({ ...route, needs: { table: 'readWrite' } })));
    try {
      const token = await devToken(wrong.url, 'alice');
      const sessionId = await createSession(wrong, token, 'Missing secret');
      await generatePin(wrong, token, sessionId);
      const log = await apiCall(wrong.url, 'GET', `/api/sessions/${sessionId}/log`, { token });
      expect(log.status).toBe(500);
    } finally {
      await wrong.stop();
    }
  }, 60_000);

  it('answers 500 where a handler declared read-only writes (the refused look at a foreign session)', async () => {
    const wrong = await runtimeWith(withRoute('get-session', (route) => ({ ...route, needs: { table: 'read' } })));
    try {
      const sessionId = await createSession(wrong, await devToken(wrong.url, 'alice'), 'Foreign');
      const bobLooks = await apiCall(wrong.url, 'GET', `/api/sessions/${sessionId}`, { token: await devToken(wrong.url, 'bob') });
      expect(bobLooks.status).toBe(500);
      // The same look with the real declaration: the ordinary 404.
      const realBob = await apiCall(runtime.url, 'GET', `/api/sessions/${await createSession(runtime, alice, 'Foreign')}`, {
        token: await devToken(runtime.url, 'bob'),
      });
      expect(realBob.status).toBe(404);
    } finally {
      await wrong.stop();
    }
  }, 60_000);
});
