import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { createRemoteJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.ts';
import WebSocket from 'ws';
import type { LocalTechnician } from '#storage/directory';
import { APPLET_CONFIG_PLACEHOLDER } from '../../applet/server-config.ts';
import { startGatewayServer, type GatewayServer } from '../../local/gateway-server.ts';
import type { Logger } from '../../local/lambda-invoker.ts';

/**
 * The local gateway's API Gateway mechanics, driven with tiny throwaway
 * handlers instead of the product's, so that every event shape, status and
 * edge is pinned here independently of the domain.
 */

type Event = Record<string, unknown> & { requestContext: Record<string, unknown> };

const technicians: LocalTechnician[] = [
  { username: 'alice', sub: 'sub-alice', displayName: 'Alice Adler', groups: ['Support'] },
  { username: 'dave', sub: 'sub-dave', displayName: 'Dave Dreher', groups: ['Support', 'Helpdesk'] },
];

const httpEvents: Event[] = [];
const wsEvents: Event[] = [];
const errors: string[] = [];
const log: Logger = { info: () => undefined, error: (message) => void errors.push(message) };

let gateway: GatewayServer;
let siteDirectory: string;
let management: ApiGatewayManagementApiClient;
let releaseSlowConnect: ((value: unknown) => void) | undefined;

const echo = (event: Event) => {
  httpEvents.push(event);
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-handler': 'echo' }, body: JSON.stringify(event) };
};

beforeAll(async () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'gateway-test-'));
  siteDirectory = path.join(base, 'site');
  mkdirSync(path.join(siteDirectory, 'console'), { recursive: true });
  mkdirSync(path.join(siteDirectory, 'applet'), { recursive: true });
  writeFileSync(path.join(siteDirectory, 'index.html'), '<!doctype html><title>PIN</title>');
  writeFileSync(path.join(siteDirectory, 'console', 'index.html'), '<!doctype html><title>Console</title>');
  writeFileSync(path.join(siteDirectory, 'app.js'), 'console.log(1);');
  writeFileSync(path.join(siteDirectory, 'applet', 'RemoteSupport.cjs'), `const config = "${APPLET_CONFIG_PLACEHOLDER}";\n`);
  writeFileSync(path.join(base, 'secret.txt'), 'outside the site');

  gateway = await startGatewayServer({
    port: 0,
    siteDirectory,
    log,
    findTechnician: async (username) => technicians.find((technician) => technician.username === username),
    listTechnicians: async () => technicians,
    httpRoutes: [
      { name: 'echo', method: 'GET', path: '/api/things/{id}', auth: 'public', handler: echo },
      {
        name: 'mine',
        method: 'GET',
        path: '/api/things/mine',
        auth: 'public',
        handler: () => ({ statusCode: 200, body: 'literal route' }),
      },
      { name: 'secure', method: 'POST', path: '/api/secure/{id}', auth: 'technician', handler: echo },
      { name: 'upload', method: 'POST', path: '/api/upload', auth: 'public', handler: echo },
      { name: 'plain', method: 'GET', path: '/api/plain', auth: 'public', handler: () => ({ hello: 'world' }) },
      {
        name: 'created',
        method: 'POST',
        path: '/api/created',
        auth: 'public',
        handler: () => ({
          statusCode: 201,
          headers: { location: '/api/things/1' },
          cookies: ['a=1; HttpOnly', 'b=2'],
          body: '{"ok":true}',
        }),
      },
      {
        name: 'broken',
        method: 'GET',
        path: '/api/broken',
        auth: 'public',
        handler: () => {
          throw new Error('handler bug with a secret stack');
        },
      },
    ],
    webSocketAuthorizer: {
      name: 'authorizer',
      handler: (event: Event) => {
        wsEvents.push(event);
        const query = (event.queryStringParameters ?? {}) as Record<string, string>;
        if (query.fail) throw new Error('Unauthorized');
        const effect = query.deny ? 'Deny' : 'Allow';
        return {
          principalId: 'user-1',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn }],
          },
          context: { role: 'technician', sub: 'sub-alice' },
        };
      },
    },
    webSocketRoutes: [
      {
        name: 'connect',
        routeKey: '$connect',
        handler: async (event: Event) => {
          wsEvents.push(event);
          const query = (event.queryStringParameters ?? {}) as Record<string, string>;
          if (query.slow) await new Promise((resolve) => (releaseSlowConnect = resolve));
          return { statusCode: query.refuse ? 409 : 200 };
        },
      },
      { name: 'disconnect', routeKey: '$disconnect', handler: (event: Event) => void wsEvents.push(event) },
      {
        name: 'echo',
        routeKey: 'echo',
        handler: async (event: Event) => {
          wsEvents.push(event);
          const connectionId = String(event.requestContext.connectionId);
          await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `echo:${String(event.body)}` }));
          return { statusCode: 200, body: 'route responses are not sent' };
        },
      },
      {
        name: 'default',
        routeKey: '$default',
        handler: async (event: Event) => {
          wsEvents.push(event);
          const connectionId = String(event.requestContext.connectionId);
          await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `default:${String(event.body)}` }));
        },
      },
    ],
  });
  // Exactly how the handlers build their client from WEBSOCKET_MANAGEMENT_ENDPOINT.
  management = new ApiGatewayManagementApiClient({
    endpoint: gateway.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return () => rmSync(base, { recursive: true, force: true });
});

afterAll(async () => {
  management?.destroy();
  await gateway?.close();
});

beforeEach(() => {
  httpEvents.length = 0;
  wsEvents.length = 0;
  errors.length = 0;
});

async function token(username: string): Promise<string> {
  const response = await fetch(`${gateway.url}/dev/token`, { method: 'POST', body: JSON.stringify({ username }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('HTTP API (payload format 2.0)', () => {
  it('builds the event API Gateway would send for a public route', async () => {
    const response = await fetch(`${gateway.url}/api/things/abc%20d?x=1&x=2&y=z`, {
      headers: { 'X-Custom-Header': 'yes', cookie: 'c1=v1; c2=v2', 'user-agent': 'gateway-test' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-handler')).toBe('echo');
    const event = (await response.json()) as Event;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/things/{id}',
      rawPath: '/api/things/abc%20d',
      rawQueryString: 'x=1&x=2&y=z',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: 'z' },
      pathParameters: { id: 'abc d' },
      isBase64Encoded: false,
      requestContext: {
        accountId: expect.any(String),
        apiId: expect.any(String),
        domainName: `127.0.0.1:${gateway.port}`,
        domainPrefix: expect.any(String),
        http: { method: 'GET', path: '/api/things/abc%20d', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'gateway-test' },
        requestId: expect.any(String),
        routeKey: 'GET /api/things/{id}',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
    });
    const headers = event.headers as Record<string, string>;
    expect(headers['x-custom-header']).toBe('yes');
    expect(headers.cookie).toBeUndefined();
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.body).toBeUndefined();
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('prefers a literal route over a parameterised one, as API Gateway does', async () => {
    const response = await fetch(`${gateway.url}/api/things/mine`);
    expect(await response.text()).toBe('literal route');
  });

  it('passes verified JWT claims flattened to strings, as the JWT authorizer does', async () => {
    const response = await fetch(`${gateway.url}/api/secure/s-1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('dave')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerName: 'Müller' }),
    });
    expect(response.status).toBe(200);
    const event = (await response.json()) as Event;
    expect(event.body).toBe('{"customerName":"Müller"}');
    expect(event.isBase64Encoded).toBe(false);
    const authorizer = event.requestContext.authorizer as { jwt: { claims: Record<string, unknown>; scopes: unknown } };
    expect(authorizer.jwt.scopes).toBeNull();
    const claims = authorizer.jwt.claims;
    expect(claims).toMatchObject({
      sub: 'sub-dave',
      'cognito:username': 'dave',
      'cognito:groups': '[Support Helpdesk]',
      name: 'Dave Dreher',
      token_use: 'id',
      iss: `${gateway.url}/dev`,
      aud: 'local-console',
    });
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it('base64-encodes a body that is not text', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const response = await fetch(`${gateway.url}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const event = (await response.json()) as Event;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(String(event.body), 'base64')).toEqual(bytes);
  });

  it.each([
    ['no Authorization header', async () => ({})],
    ['a token that is not Bearer', async () => ({ authorization: `Basic ${await token('alice')}` })],
    [
      'a token signed by another key',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        const forged = await new SignJWT({ 'cognito:username': 'alice', 'cognito:groups': ['Support'] })
          .setProtectedHeader({ alg: 'ES256' })
          .setSubject('sub-alice')
          .setIssuer(`${gateway.url}/dev`)
          .setAudience('local-console')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
        return { authorization: `Bearer ${forged}` };
      },
    ],
    [
      'an expired token',
      async () => {
        const expired = await gateway.identity.issueToken(technicians[0] as LocalTechnician, {
          issuedAt: Math.floor(Date.now() / 1000) - 7200,
        });
        return { authorization: `Bearer ${expired}` };
      },
    ],
  ])('answers 401 like API Gateway for %s and never calls the handler', async (_case, headers) => {
    const response = await fetch(`${gateway.url}/api/secure/s-1`, { method: 'POST', headers: await headers() });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(httpEvents).toHaveLength(0);
  });

  it('maps a result without statusCode to 200 JSON, and statusCode/headers/cookies as given', async () => {
    const plain = await fetch(`${gateway.url}/api/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });

    const created = await fetch(`${gateway.url}/api/created`, { method: 'POST' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/things/1');
    expect(created.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2']);
    expect(await created.json()).toEqual({ ok: true });
  });

  it('turns a throwing handler into a bare 500, logs it, and keeps serving', async () => {
    const response = await fetch(`${gateway.url}/api/broken`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ message: 'Internal Server Error' });
    expect(text).not.toContain('secret stack');
    expect(errors.join('\n')).toContain('GET /api/broken');
    expect((await fetch(`${gateway.url}/api/plain`)).status).toBe(200);
  });

  it('answers 404 {"message":"Not Found"} for unknown routes and wrong methods', async () => {
    for (const [method, route] of [
      ['GET', '/api/nothing-here'],
      ['DELETE', '/api/plain'],
      ['GET', '/api'],
    ] as const) {
      const response = await fetch(`${gateway.url}${route}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('refuses a body over 1 MiB with 413 in the product error shape', async () => {
    const response = await fetch(`${gateway.url}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(httpEvents).toHaveLength(0);
  });
});

describe('local identity provider (/dev)', () => {
  it('issues Cognito-shaped ID tokens that verify against the published JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(`${gateway.url}/dev/.well-known/jwks.json`));
    const { payload } = await jwtVerify(await token('alice'), jwks, { issuer: `${gateway.url}/dev`, audience: 'local-console' });
    expect(payload).toMatchObject({ sub: 'sub-alice', 'cognito:username': 'alice', 'cognito:groups': ['Support'], token_use: 'id' });
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.auth_time).toBe('number');
  });

  it('answers 404 for an unknown technician and 400 for a malformed request', async () => {
    const unknown = await fetch(`${gateway.url}/dev/token`, { method: 'POST', body: '{"username":"mallory"}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    for (const body of ['not json', '{}', '{"username":""}', '{"username":"alice","admin":true}']) {
      const bad = await fetch(`${gateway.url}/dev/token`, { method: 'POST', body });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });

  it('lists the local technicians for the console sign-in and in /config.json', async () => {
    const listed = (await (await fetch(`${gateway.url}/dev/technicians`)).json()) as { technicians: unknown[] };
    expect(listed.technicians).toEqual([
      { username: 'alice', displayName: 'Alice Adler' },
      { username: 'dave', displayName: 'Dave Dreher' },
    ]);
    const config: unknown = await (await fetch(`${gateway.url}/config.json`)).json();
    expect(config).toEqual({
      apiBaseUrl: '/api',
      webSocketUrl: `ws://127.0.0.1:${gateway.port}/ws`,
      auth: { mode: 'local', tokenUrl: '/dev/token', technicians: listed.technicians },
    });
  });
});

interface OpenedSocket {
  readonly socket: WebSocket;
  readonly messages: string[];
  next(): Promise<string>;
  closed: Promise<number>;
}

function openSocket(query: string): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${gateway.webSocketUrl}${query}`, { headers: { 'User-Agent': 'ws-test' } });
    const messages: string[] = [];
    const waiting: ((message: string) => void)[] = [];
    socket.on('message', (data) => {
      const text = data.toString();
      const waiter = waiting.shift();
      if (waiter) waiter(text);
      else messages.push(text);
    });
    const closed = new Promise<number>((resolveClose) => socket.on('close', (code) => resolveClose(code)));
    socket.on('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error('upgrade refused'), { statusCode: response.statusCode })),
    );
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        messages,
        closed,
        next: () =>
          messages.length > 0 ? Promise.resolve(messages.shift() as string) : new Promise((resolveNext) => waiting.push(resolveNext)),
      }),
    );
  });
}

function eventsOf(routeKey: string): Event[] {
  return wsEvents.filter((event) => event.requestContext.routeKey === routeKey && event.type === undefined);
}

describe('WebSocket API', () => {
  it('runs the REQUEST authorizer and $connect with API Gateway event shapes', async () => {
    const opened = await openSocket('?ticket=t-123');
    const { socket } = opened;
    const authorizerEvent = wsEvents.find((event) => event.type === 'REQUEST') as Event;
    expect(authorizerEvent).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/$default/$connect',
      queryStringParameters: { ticket: 't-123' },
      multiValueQueryStringParameters: { ticket: ['t-123'] },
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        stage: '$default',
        identity: { sourceIp: '127.0.0.1', userAgent: 'ws-test' },
      },
    });
    expect((authorizerEvent.headers as Record<string, string>)['User-Agent']).toBe('ws-test');
    const [connectEvent] = eventsOf('$connect');
    expect(connectEvent).toMatchObject({
      queryStringParameters: { ticket: 't-123' },
      isBase64Encoded: false,
      requestContext: {
        eventType: 'CONNECT',
        connectionId: authorizerEvent.requestContext.connectionId,
        connectedAt: expect.any(Number),
        requestId: expect.any(String),
        apiId: expect.any(String),
        domainName: `127.0.0.1:${gateway.port}`,
        authorizer: { role: 'technician', sub: 'sub-alice', principalId: 'user-1' },
      },
    });
    socket.close();
    await opened.closed;
  });

  it('routes frames by action, falls back to $default, and carries the authorizer context', async () => {
    const opened = await openSocket('?ticket=t-1');
    opened.socket.send(JSON.stringify({ action: 'echo', text: 'hi' }));
    expect(await opened.next()).toBe('echo:{"action":"echo","text":"hi"}');
    opened.socket.send(JSON.stringify({ action: 'no-such-route' }));
    expect(await opened.next()).toBe('default:{"action":"no-such-route"}');
    opened.socket.send('not json at all');
    expect(await opened.next()).toBe('default:not json at all');

    const [echoEvent] = eventsOf('echo');
    expect(echoEvent).toMatchObject({
      body: '{"action":"echo","text":"hi"}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'echo',
        eventType: 'MESSAGE',
        messageId: expect.any(String),
        requestTimeEpoch: expect.any(Number),
        connectedAt: expect.any(Number),
        identity: { sourceIp: '127.0.0.1' },
        authorizer: { principalId: 'user-1', role: 'technician' },
      },
    });
    expect(eventsOf('$default')).toHaveLength(2);
    // The echo handler's return value is not sent back: only its @connections post arrived.
    expect(opened.messages).toEqual([]);
    opened.socket.close();
    await opened.closed;
  });

  it.each([
    ['an explicit Deny', '?deny=1', 403],
    ['a throwing authorizer', '?fail=1', 401],
    ['a $connect route answering 409', '?refuse=1', 409],
  ])('refuses the upgrade for %s', async (_case, query, statusCode) => {
    await expect(openSocket(query)).rejects.toMatchObject({ statusCode });
    expect(gateway.connections.size).toBe(0);
  });

  it('serves @connections to the real SDK: post, get, delete, then GoneException', async () => {
    const opened = await openSocket('?ticket=t-2');
    const connectionId = String(eventsOf('$connect')[0]?.requestContext.connectionId);

    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"type":"hello"}' }));
    expect(await opened.next()).toBe('{"type":"hello"}');

    const described = await management.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(described.ConnectedAt).toBeInstanceOf(Date);
    expect(described.LastActiveAt).toBeInstanceOf(Date);
    expect(described.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'ws-test' });

    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(await opened.closed).toBe(1000);
    await eventually(() => expect(eventsOf('$disconnect').length).toBe(1));
    expect(eventsOf('$disconnect')[0]).toMatchObject({ requestContext: { eventType: 'DISCONNECT', connectionId } });

    const gone = await management
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'late' }))
      .catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(GoneException);
    const unknown = await management.send(new GetConnectionCommand({ ConnectionId: 'never-existed=' })).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(GoneException);
  });

  it('closes with 1009 when a frame exceeds 128 KiB', async () => {
    const opened = await openSocket('?ticket=t-3');
    opened.socket.send('x'.repeat(128 * 1024 + 1));
    expect(await opened.closed).toBe(1009);
    expect(eventsOf('$default')).toHaveLength(0);
  });

  it('runs $disconnect for a client that leaves while $connect is still running', async () => {
    const socket = new WebSocket(`${gateway.webSocketUrl}?slow=1`);
    socket.on('error', () => undefined);
    await eventually(() => expect(releaseSlowConnect).toBeDefined());
    socket.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the server see the closed TCP connection
    releaseSlowConnect?.(undefined);
    releaseSlowConnect = undefined;
    await eventually(() => expect(eventsOf('$disconnect').length).toBe(1));
    expect(eventsOf('$disconnect')[0]?.requestContext.connectionId).toBe(eventsOf('$connect')[0]?.requestContext.connectionId);
    expect(gateway.connections.size).toBe(0);
  });

  it('refuses a malformed handshake with 400 before any handler runs', async () => {
    const response = await rawRequest('/ws', {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'short',
    });
    expect(response.status).toBe(400);
    expect(wsEvents).toHaveLength(0);
  });

  it('runs $disconnect when the client goes away', async () => {
    const opened = await openSocket('?ticket=t-4');
    opened.socket.close(1000, 'bye');
    await eventually(() => expect(eventsOf('$disconnect').length).toBe(1));
    expect(eventsOf('$disconnect')[0]?.requestContext).toMatchObject({ disconnectStatusCode: 1000, disconnectReason: 'bye' });
    expect(gateway.connections.size).toBe(0);
  });
});

describe('site, config and applet downloads', () => {
  it('serves the applet under the requested name with this server baked in', async () => {
    const ticket = 'AbCdEfGhIjKlMnOpQrStUv_-12';
    const response = await fetch(`${gateway.url}/applet/RemoteSupport_${ticket}.cjs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="RemoteSupport_${ticket}.cjs"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).not.toContain(APPLET_CONFIG_PLACEHOLDER);
    const encoded = /const config = "([^"]+)"/.exec(body)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).toEqual({
      httpOrigin: gateway.url,
      webSocketUrl: `ws://127.0.0.1:${gateway.port}/ws`,
    });
  });

  it.each([
    '/applet/RemoteSupport_short.cjs',
    '/applet/Other_AbCdEfGhIjKlMnOpQrStUv12.cjs',
    '/applet/RemoteSupport_AbCdEfGhIjKlMnOpQrStUv12.exe',
    '/applet/RemoteSupport.cjs',
  ])('answers 404 for the download name %s', async (name) => {
    expect((await fetch(`${gateway.url}${name}`)).status).toBe(404);
  });

  it('serves files with content types, index.html for folders and CloudFront-like security headers', async () => {
    const root = await fetch(`${gateway.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await root.text()).toContain('<title>PIN</title>');
    expect(root.headers.get('content-security-policy')).toBe(
      `default-src 'self'; connect-src 'self' ws://127.0.0.1:${gateway.port}; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    );
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    expect(root.headers.get('referrer-policy')).toBe('no-referrer');
    expect(root.headers.get('x-frame-options')).toBe('DENY');

    expect(await (await fetch(`${gateway.url}/console/`)).text()).toContain('<title>Console</title>');
    const redirect = await fetch(`${gateway.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    expect((await fetch(`${gateway.url}/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await fetch(`${gateway.url}/nope.html`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/console/..%2f..%2fsecret.txt', '/..%5csecret.txt', '//secret.txt'])(
    'does not serve %s from outside the site',
    async (attack) => {
      // fetch() would normalise the dots away; a raw request keeps them as an attacker sends them.
      const response = await rawRequest(attack);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('outside the site');
    },
  );
});

/** A request exactly as written (fetch would normalise paths and refuse upgrade headers). */
async function rawRequest(requestPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: gateway.port, path: requestPath, method: 'GET', headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    // A refused upgrade arrives as an 'upgrade' or 'response' depending on the status line; both carry the status.
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, body: '' });
    });
    request.on('error', reject);
    request.end();
  });
}
