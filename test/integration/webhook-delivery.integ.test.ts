import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { eventFromLogItem, eventTypes, type SessionEventDetail } from '#events/catalogue';
import { webhookTransport } from '#events/webhook-transport';
import { deliverEvents, registerWebhook, retryDueDeliveries, rotateWebhookSecret, type WebhookDependencies } from '#events/webhooks';
import { WebhookStore } from '#storage/webhooks';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { ManualClock, silentLogger } from '../support/domain.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

/** Webhook deliveries against DynamoDB Local and a real HTTP receiver on loopback; the clock is moved by hand. */
let table: TestTable;
let receiver: WebhookReceiver;
let deps: WebhookDependencies & { clock: ManualClock };
let store: WebhookStore;
let counter = 0;

function sessionEvent(type: 'created' | 'started' | 'closed', sessionId = '11111111-2222-4333-8444-555555555555'): SessionEventDetail {
  counter += 1;
  return eventFromLogItem(
    {
      pk: `SESSION#${sessionId}`,
      sk: `LOG#2026-12-01T10:00:00.000Z#${counter}`,
      kind: 'log',
      sessionId,
      at: '2026-12-01T10:00:00.000Z',
      type,
      actor: { kind: 'system' },
      message: type,
    },
    { id: sessionId, customerName: 'Erika', technician: { id: 'sub', username: 'alice', displayName: 'Alice Adler' } },
  )!;
}

const register = (url: string, events: string[] = []) =>
  registerWebhook(store, { url, events }, { allowPrivate: true, now: deps.clock.now(), knownEventTypes: eventTypes });

beforeAll(async () => {
  table = await createTestTable();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await table?.drop();
});

beforeEach(async () => {
  store = new WebhookStore(table);
  for (const webhook of await store.listWebhooks()) await store.deleteWebhook(webhook.id);
  receiver.requests.length = 0;
  receiver.respond = () => 204;
  deps = {
    store,
    clock: new ManualClock(new Date()),
    logger: silentLogger,
    transport: webhookTransport({ allowPrivate: true }),
    retrySchedule: [5, 60, 300],
  };
});

describe('webhook delivery', () => {
  it('retries after the receiver answers 500, with the same id and a valid signature, and stops once it recovers', async () => {
    const webhook = await register(receiver.url);
    const event = sessionEvent('created');
    receiver.respond = () => 500;

    await deliverEvents([event], deps);
    expect(receiver.requests).toHaveLength(1);
    let delivery = await store.getDelivery(webhook.id, event.eventId);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(delivery?.lastError).toContain('HTTP 500');

    expect(await retryDueDeliveries(deps)).toBe(0);
    deps.clock.advanceSeconds(5);
    expect(await retryDueDeliveries(deps)).toBe(1);
    expect(receiver.requests).toHaveLength(2);

    receiver.respond = () => 200;
    deps.clock.advanceSeconds(60);
    await retryDueDeliveries(deps);
    delivery = await store.getDelivery(webhook.id, event.eventId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
    expect(delivery?.nextAttemptAt).toBeUndefined();

    deps.clock.advanceSeconds(3600);
    expect(await retryDueDeliveries(deps)).toBe(0);
    expect(receiver.requests).toHaveLength(3);
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([event.eventId]));
    for (const request of receiver.requests) {
      expect(new Webhook(webhook.secret).verify(request.body, request.headers)).toMatchObject({
        type: 'session.created',
        data: { eventId: event.eventId },
      });
    }
  });

  it('does not send an event twice when the stream hands the same record over again', async () => {
    await register(receiver.url);
    const event = sessionEvent('started');
    await deliverEvents([event], deps);
    await deliverEvents([event], deps);
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([event.eventId]);
  });

  it('sends only the subscribed event types, in the order given', async () => {
    await register(receiver.url, ['session.created', 'session.closed']);
    const events = [sessionEvent('created'), sessionEvent('started'), sessionEvent('closed')];
    await deliverEvents(events, deps);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { type: string }).type)).toEqual([
      'session.created',
      'session.closed',
    ]);
  });

  it('disables an endpoint whose delivery fails over the whole schedule, and keeps the failure in the delivery log', async () => {
    const webhook = await register(receiver.url);
    receiver.respond = () => 503;
    const event = sessionEvent('created');
    await deliverEvents([event], deps);
    for (const wait of deps.retrySchedule) {
      deps.clock.advanceSeconds(wait);
      await retryDueDeliveries(deps);
    }
    expect(receiver.requests).toHaveLength(deps.retrySchedule.length + 1);
    expect(await store.getWebhook(webhook.id)).toMatchObject({ status: 'disabled' });
    const [logged] = await store.listDeliveries(webhook.id);
    expect(logged).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 503 });

    receiver.respond = () => 204;
    await deliverEvents([sessionEvent('closed')], deps);
    expect(receiver.requests).toHaveLength(deps.retrySchedule.length + 1);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const webhook = await register(receiver.url);
    const rotated = (await rotateWebhookSecret(store, webhook.id, deps.clock.now()))!;
    await deliverEvents([sessionEvent('created')], deps);
    const [request] = receiver.requests;
    expect(new Webhook(webhook.secret).verify(request!.body, request!.headers)).toBeTruthy();
    expect(new Webhook(rotated.secret).verify(request!.body, request!.headers)).toBeTruthy();

    deps.clock.advanceSeconds(25 * 3600);
    await deliverEvents([sessionEvent('closed')], deps);
    const later = receiver.requests[1]!;
    expect(later.headers['webhook-signature']?.split(' ')).toHaveLength(1);
  });

  it('refuses endpoints on private and loopback addresses unless they are allowed (the local runtime)', async () => {
    const options = { allowPrivate: false, now: new Date(), knownEventTypes: eventTypes };
    await expect(registerWebhook(store, { url: 'https://127.0.0.1/hook' }, options)).rejects.toThrow(/private, loopback or link-local/);
    await expect(registerWebhook(store, { url: 'https://localhost/hook' }, options)).rejects.toThrow(/private, loopback or link-local/);
    expect(await store.listWebhooks()).toEqual([]);
    // And at delivery time: a name that resolves to loopback is refused on connect.
    const guarded = webhookTransport({ allowPrivate: false });
    const outcome = await guarded(receiver.url.replace('127.0.0.1', 'localhost'), {}, '{}');
    expect(outcome.error).toMatch(/private, loopback or link-local/);
    expect(receiver.requests).toHaveLength(0);
  });
});
