import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import WebSocket from 'ws';
import type { SessionEventDetail } from '#events/catalogue';
import type { SessionLogEntry, SessionView } from '#domain/session-model';
import { generateWebhookSecret } from '#events/signing';
import { runAdmin } from '../../admin/main.ts';
import { getToken, startRuntimeProcess, type RuntimeProcess } from '../support/runtime.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Integrations through the real local runtime: the stream-derived session
 * events reach a webhook registered with WEBHOOK_URL / WEBHOOK_SECRET, and a
 * helpdesk system drives sessions with a client-credentials token.
 */
let runtime: RuntimeProcess;
let receiver: WebhookReceiver;
const secret = generateWebhookSecret();

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  runtime = await startRuntimeProcess({
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: secret,
    SWEEP_INTERVAL_SECONDS: '1',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1,1,1',
    EVENT_BUS_QUIET: 'true',
  });
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

async function api<T>(
  method: string,
  route: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${runtime.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

async function clientToken(clientId: string, scope?: string): Promise<string> {
  const response = await api<{ access_token: string; token_type: string }>('POST', '/dev/client-token', undefined, {
    clientId,
    ...(scope ? { scope } : {}),
  });
  expect(response.status).toBe(200);
  expect(response.body.token_type).toBe('Bearer');
  return response.body.access_token;
}

async function admin(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await runAdmin([...argv, '--target', 'local', '--credentials-file', runtime.dynamoDbCredentialsFile], {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
  });
  explained(out.join('\n'), () => expect(code).toBe(0));
  return out.join('\n');
}

const verifier = () => new Webhook(secret);
const eventOf = (request: ReceivedWebhook) => (verifier().verify(request.body, request.headers) as { data: SessionEventDetail }).data;
const ofSession = (sessionId: string) => (requests: readonly ReceivedWebhook[]) =>
  requests.filter((request) => eventOf(request).session.id === sessionId);

describe('session events as signed webhooks', () => {
  it('delivers every event of a whole session once each, in order, with valid signatures', async () => {
    const token = await getToken(runtime.url, 'alice');
    const created = await api<{ session: SessionView }>('POST', '/api/sessions', token, { customerName: 'Erika Mustermann' });
    const id = created.body.session.id;
    const pin = await api<{ pin: string }>('POST', `/api/sessions/${id}/pin`, token);
    const redeemed = await api<{ applet: { fileName: string } }>('POST', '/api/pin/redeem', undefined, { pin: pin.body.pin });
    expect(redeemed.status).toBe(200);
    const ticket = redeemed.body.applet.fileName.replace(/^RemoteSupport_/, '').replace(/\.cjs$/, '');
    // The applet's connection: its arrival moves the session to waiting.
    const applet = new WebSocket(`${runtime.wsUrl}?ticket=${ticket}`);
    await new Promise<void>((resolve, reject) => {
      applet.once('open', () => resolve());
      applet.once('error', reject);
    });
    await receiver.waitFor((requests) => ofSession(id)(requests).some((request) => eventOf(request).type === 'session.waiting'));
    expect((await api('POST', `/api/sessions/${id}/start`, token)).status).toBe(200);
    expect((await api('POST', `/api/sessions/${id}/close`, token)).status).toBe(200);
    applet.close();

    await receiver.waitFor((requests) => ofSession(id)(requests).some((request) => eventOf(request).type === 'session.closed'));
    const requests = ofSession(id)(receiver.requests);
    const types = requests.map((request) => eventOf(request).type).filter((type) => type !== 'session.applet_disconnected');
    expect(types).toEqual([
      'session.created',
      'session.pin_generated',
      'session.redeemed',
      'session.waiting',
      'session.started',
      'session.closed',
    ]);
    const ids = requests.map((request) => request.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const request of requests) {
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
      expect(eventOf(request)).toMatchObject({
        schemaVersion: 1,
        eventId: request.headers['webhook-id'],
        session: { id, customerName: 'Erika Mustermann', technician: { username: 'alice' } },
      });
    }
    expect(receiver.requests.map((request) => request.body).join('\n')).not.toContain(pin.body.pin);
    expect(eventOf(requests.at(-1)!).data).toEqual({ reason: 'technician_closed' });
  });

  it('retries a delivery the receiver answered with 500 and stops once it recovers', async () => {
    const token = await getToken(runtime.url, 'alice');
    let failuresLeft = 2;
    receiver.respond = () => (failuresLeft-- > 0 ? 500 : 204);
    const created = await api<{ session: SessionView }>('POST', '/api/sessions', token, { customerName: 'Retry GmbH' });
    const id = created.body.session.id;
    await receiver.waitFor((requests) => ofSession(id)(requests).length >= 3);
    receiver.respond = () => 204;
    const attempts = ofSession(id)(receiver.requests);
    expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(attempts.map((request) => eventOf(request).type)).toEqual(['session.created', 'session.created', 'session.created']);

    // The delivery log an admin reads: delivered on the third attempt, nothing left to retry.
    const webhooks = JSON.parse(await admin('webhooks', 'list', '--json')) as { webhooks: { id: string }[] };
    const log = JSON.parse(await admin('webhooks', 'deliveries', webhooks.webhooks[0]!.id, '--json')) as {
      deliveries: Record<string, unknown>[];
    };
    const delivery = log.deliveries.find((entry) => entry.eventId === attempts[0]!.headers['webhook-id']);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
    expect(delivery?.nextAttemptAt).toBeUndefined();
  });
});

describe('the integration API (client credentials)', () => {
  it('creates a session and a PIN for alice, logged with the client as actor', async () => {
    const token = await clientToken('helpdesk-demo');
    const created = await api<{ session: SessionView }>('POST', '/api/sessions', token, {
      customerName: 'Ticket 4711',
      technician: 'alice',
    });
    expect(created.status).toBe(201);
    expect(created.body.session.technician).toMatchObject({ username: 'alice', displayName: 'Alice Adler' });
    const id = created.body.session.id;
    const pin = await api<{ pin: string }>('POST', `/api/sessions/${id}/pin`, token);
    expect(pin.status).toBe(201);
    expect(pin.body.pin).toMatch(/^\d{6}$/);
    expect((await api<{ session: SessionView }>('GET', `/api/sessions/${id}`, token)).body.session.status).toBe('pending');

    const log = await api<{ entries: SessionLogEntry[] }>('GET', `/api/sessions/${id}/log`, token);
    expect(log.body.entries.map((entry) => [entry.type, entry.actor])).toEqual([
      ['created', { kind: 'client', name: 'Helpdesk demo' }],
      ['pin_generated', { kind: 'client', name: 'Helpdesk demo' }],
    ]);
    // Alice sees it in her console's list, as her own session.
    const listed = await api<{ sessions: SessionView[] }>('GET', '/api/sessions', await getToken(runtime.url, 'alice'));
    expect(listed.body.sessions.map((session) => session.id)).toContain(id);
    expect((await api<{ session: SessionView }>('POST', `/api/sessions/${id}/close`, token)).body.session.status).toBe('closed');
  });

  it('cannot act for a technician of a group it is not allowed for, nor without naming one', async () => {
    const token = await clientToken('helpdesk-demo');
    const forBob = await api<{ error: { code: string; message: string } }>('POST', '/api/sessions', token, {
      customerName: 'Ticket 1',
      technician: 'bob',
    });
    expect(forBob.status).toBe(403);
    expect(forBob.body.error.message).toContain('may not act for technician "bob"');
    const nobody = await api<{ error: { code: string } }>('POST', '/api/sessions', token, { customerName: 'Ticket 2' });
    expect(nobody.status).toBe(400);
    // A session of bob's, looked at by the client: refused the same way.
    const bobs = await api<{ session: SessionView }>('POST', '/api/sessions', await getToken(runtime.url, 'bob'), {
      customerName: 'Bob customer',
    });
    expect((await api('GET', `/api/sessions/${bobs.body.session.id}`, token)).status).toBe(403);
    // Routes the client has no scope for: the list is the console's.
    expect((await api('GET', '/api/sessions', token)).status).toBe(403);
  });

  it('needs the write scope to create, and a token the runtime issued', async () => {
    const readOnly = await clientToken('helpdesk-demo', 'remote-support/sessions.read');
    const refused = await api<{ error: { message: string } }>('POST', '/api/sessions', readOnly, {
      customerName: 'Ticket 3',
      technician: 'alice',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('remote-support/sessions.write');
    expect((await api('POST', '/dev/client-token', undefined, { clientId: 'stranger' })).status).toBe(404);
  });

  it('allows one PIN per second per technician (429 with Retry-After above it)', async () => {
    const token = await clientToken('helpdesk-demo');
    const created = await api<{ session: SessionView }>('POST', '/api/sessions', token, { customerName: 'Ticket 5', technician: 'alice' });
    const id = created.body.session.id;
    const answers = await Promise.all([1, 2, 3].map(() => api<{ error?: { code: string } }>('POST', `/api/sessions/${id}/pin`, token)));
    const statuses = answers.map((answer) => answer.status).sort();
    // All three land within one or two clock seconds: at least one is refused, at most two pass.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    const limited = answers.find((answer) => answer.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.error?.code).toBe('too_many_attempts');
  });
});
