import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { SessionLogEntry, SessionView } from '#domain/session-model';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';

/**
 * With a data directory, DynamoDB Local dying in the middle of a
 * session costs nothing but a few 503s: the runtime restarts it by itself and
 * everything written before the kill is still there.
 */
let runtime: RuntimeProcess;
let dataDirectory: string;

beforeAll(async () => {
  dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'runtime-data-'));
  runtime = await startRuntimeProcess({ DATA_DIR: dataDirectory });
});

afterAll(async () => {
  await runtime?.stop();
  if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
});

async function call(method: string, route: string, token?: string, body?: unknown) {
  const response = await fetch(`${runtime.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

it('answers 503 while DynamoDB Local is down, recovers without a restart, and loses nothing written before', async () => {
  const token = await getToken(runtime.url, 'alice');
  const created = await call('POST', '/api/sessions', token, { customerName: 'Before the crash' });
  const id = (created.body.session as SessionView).id;
  const pin = await call('POST', `/api/sessions/${id}/pin`, token);
  expect(pin.status).toBe(201);
  // Warm the handler first: a cold start (its own worker, as in Lambda) can outlast Java's restart.
  expect((await call('GET', `/api/sessions/${id}`, token)).status).toBe(200);

  process.kill(runtime.dynamoDbPid, 'SIGKILL');
  await runtime.waitForLine(/DynamoDB Local exited unexpectedly/, 15_000);
  const during = await call('GET', `/api/sessions/${id}`, token);
  // Java takes seconds to come back; a request meanwhile sees the fault as a clean 503, never a 500.
  expect(during.status).toBe(503);
  expect(during.retryAfter).not.toBeNull();
  expect(during.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });

  await runtime.waitForLine(/DynamoDB Local restarted in \d+ ms/, 60_000);
  const after = await call('GET', `/api/sessions/${id}`, token);
  expect(after.status).toBe(200);
  expect(after.body.session).toMatchObject({ id, customerName: 'Before the crash', status: 'pending' });
  const log = await call('GET', `/api/sessions/${id}/log`, token);
  expect((log.body.entries as SessionLogEntry[]).map((entry) => entry.type)).toEqual(['created', 'pin_generated']);

  // The flow goes on where it stopped: the PIN issued before the crash still redeems.
  const redeemed = await call('POST', '/api/pin/redeem', undefined, { pin: pin.body.pin });
  expect(redeemed.status).toBe(200);
  expect((await call('GET', `/api/sessions/${id}`, token)).body.session).toMatchObject({ status: 'connecting' });
});
