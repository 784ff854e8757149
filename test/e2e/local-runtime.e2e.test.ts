import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { isProcessRunning } from '../support/processes.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';

/** `npm start` as a user runs it: the real process, the real handlers, Ctrl+C at the end. */
describe('local runtime process', () => {
  let runtime: RuntimeProcess;

  beforeAll(async () => {
    runtime = await startRuntimeProcess({ SWEEP_INTERVAL_SECONDS: '1' });
  });
  afterAll(async () => {
    await runtime?.stop('SIGKILL');
  });

  it('prints its URLs and start-up timings, and nothing alarming', () => {
    const output = runtime.lines.join('\n');
    expect(runtime.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.port).not.toBe(3000);
    expect(output).toMatch(/DynamoDB Local ready in \d+ ms \(pid \d+, in memory/);
    expect(output).toMatch(/Site built in \d+ ms/);
    expect(output).toContain(`Technician console  ${runtime.url}/console/`);
    expect(output).toContain(`WebSocket API       ${runtime.wsUrl}`);
    expect(output).not.toMatch(/warning|error|exception/i);
    expect(isProcessRunning(runtime.dynamoDbPid)).toBe(true);
    expect(runtime.dynamoDbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves /config.json for the pages', async () => {
    const response = await fetch(`${runtime.url}/config.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      apiBaseUrl: '/api',
      webSocketUrl: runtime.wsUrl,
      auth: {
        mode: 'local',
        tokenUrl: '/dev/token',
        technicians: [
          { username: 'alice', displayName: 'Alice Adler' },
          { username: 'bob', displayName: 'Bob Becker' },
          { username: 'carol', displayName: 'Carol Clausen' },
        ],
      },
    });
  });

  it('issues seeded technicians tokens that the gateway accepts where API Gateway would check them', async () => {
    const token = await getToken(runtime.url, 'alice');
    const jwks = createRemoteJWKSet(new URL(`${runtime.url}/dev/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { issuer: `${runtime.url}/dev`, audience: 'local-console' });
    expect(payload).toMatchObject({ 'cognito:username': 'alice', 'cognito:groups': ['Support'], name: 'Alice Adler' });

    const anonymous = await fetch(`${runtime.url}/api/sessions`);
    expect(anonymous.status).toBe(401);
    const signedIn = await fetch(`${runtime.url}/api/sessions`, { headers: { authorization: `Bearer ${token}` } });
    expect([401, 404]).not.toContain(signedIn.status);
  });

  it('serves the PIN page and the console from the built site', async () => {
    for (const page of ['/', '/console/']) {
      const response = await fetch(`${runtime.url}${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${runtime.port}`);
    }
  });

  it('refuses a WebSocket that brings neither token nor ticket', async () => {
    const statusCode = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(runtime.wsUrl);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });
    expect([401, 403]).toContain(statusCode);
  });

  // Last: it stops the runtime the other tests used.
  it('exits 0 on Ctrl+C (SIGINT) and leaves no Java process behind', async () => {
    expect(isProcessRunning(runtime.dynamoDbPid)).toBe(true);
    // An open connection makes shutdown run its $disconnect handler, which still needs DynamoDB Local.
    const console = new WebSocket(`${runtime.wsUrl}?token=${encodeURIComponent(await getToken(runtime.url, 'alice'))}`);
    await new Promise((resolve, reject) => {
      console.on('open', resolve);
      console.on('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    const consoleClosed = new Promise<number>((resolve) => console.on('close', (code) => resolve(code)));
    const startedStopping = performance.now();
    const exit = await runtime.stop('SIGINT');
    expect(exit.code).toBe(0);
    expect(performance.now() - startedStopping).toBeLessThan(7000); // "a few seconds", with room for a busy machine
    expect(isProcessRunning(runtime.dynamoDbPid)).toBe(false);
    expect(await consoleClosed).toBe(1001);
    const afterSignal = runtime.lines.slice(runtime.lines.findIndex((line) => line.startsWith('Stopping')));
    expect(afterSignal.at(-1)).toBe('Stopped.');
    expect(afterSignal.join('\n')).not.toMatch(/error|exception|warning/i);
  });
});
