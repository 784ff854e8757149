import { randomUUID } from 'node:crypto';
import type { Clock } from '#domain/clock';
import type { EventLogger } from '#domain/notifier';
import type { DeliveryItem, WebhookItem, WebhookStore } from '#storage/webhooks';
import type { SessionEventDetail } from './catalogue.ts';
import { checkWebhookUrl, resolvesToPublicAddresses } from './endpoint-guard.ts';
import { generateWebhookSecret, isWebhookSecret, signatureHeaders } from './signing.ts';
import type { WebhookTransport } from './webhook-transport.ts';

/**
 * Seconds from each failed attempt to the next: the Standard Webhooks
 * schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), eight attempts over
 * about 27 hours. A delivery that fails all of them disables its endpoint.
 */
export const defaultRetrySchedule: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** A queued delivery whose first attempt was never recorded is picked up by the retry job after this. */
const FIRST_ATTEMPT_GRACE_SECONDS = 120;

/** How long the secret before a rotation still signs, so receivers can switch over. */
const ROTATION_OVERLAP_SECONDS = 24 * 3600;

export function parseRetrySchedule(raw: string | undefined): readonly number[] {
  if (!raw) return defaultRetrySchedule;
  const steps = raw.split(',').map((part) => Number(part.trim()));
  if (steps.length === 0 || steps.some((step) => !Number.isFinite(step) || step < 0)) {
    throw new Error(`the webhook retry schedule must be comma-separated seconds, got "${raw}"`);
  }
  return steps;
}

/** The body every attempt of one delivery sends. */
export function webhookPayload(event: SessionEventDetail): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
}

export interface WebhookDependencies {
  readonly store: WebhookStore;
  readonly clock: Clock;
  readonly logger: EventLogger;
  readonly transport: WebhookTransport;
  readonly retrySchedule: readonly number[];
}

export interface NewWebhook {
  readonly url: string;
  readonly events?: readonly string[];
  /** Default: a fresh `whsec_` secret. */
  readonly secret?: string;
}

/** Registers an endpoint; in AWS (`allowPrivate` false) one that resolves to a private address is refused. */
export async function registerWebhook(
  store: WebhookStore,
  input: NewWebhook,
  options: { allowPrivate: boolean; now: Date; knownEventTypes: readonly string[] },
): Promise<WebhookItem> {
  const url = checkWebhookUrl(input.url, options.allowPrivate);
  if (!options.allowPrivate) await resolvesToPublicAddresses(url);
  const unknown = (input.events ?? []).filter((type) => !options.knownEventTypes.includes(type));
  if (unknown.length > 0) throw new Error(`unknown event type ${unknown.join(', ')}; known: ${options.knownEventTypes.join(', ')}`);
  if (input.secret !== undefined && !isWebhookSecret(input.secret))
    throw new Error('the secret must look like whsec_<base64 of at least 16 bytes>');
  const webhook: WebhookItem = {
    id: `wh_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    url: url.href,
    events: [...new Set(input.events ?? [])],
    secret: input.secret ?? generateWebhookSecret(),
    status: 'active',
    createdAt: options.now.toISOString(),
  };
  await store.putWebhook(webhook);
  return webhook;
}

/** A new secret; the old one keeps signing for a day. */
export async function rotateWebhookSecret(store: WebhookStore, id: string, now: Date): Promise<WebhookItem | undefined> {
  const webhook = await store.getWebhook(id);
  if (!webhook) return undefined;
  const secret = generateWebhookSecret();
  const previousSecretUntil = new Date(now.getTime() + ROTATION_OVERLAP_SECONDS * 1000).toISOString();
  await store.updateWebhook(id, { secret, previousSecret: webhook.secret, previousSecretUntil });
  return { ...webhook, secret, previousSecret: webhook.secret, previousSecretUntil };
}

function subscribed(webhook: WebhookItem, type: string): boolean {
  return webhook.status === 'active' && (webhook.events.length === 0 || webhook.events.includes(type));
}

function signingSecrets(webhook: WebhookItem, now: Date): string[] {
  const previousLive = webhook.previousSecret && webhook.previousSecretUntil && webhook.previousSecretUntil > now.toISOString();
  return previousLive ? [webhook.secret, webhook.previousSecret] : [webhook.secret];
}

/**
 * Queues each event for every subscribed endpoint and makes the first attempt
 * at once, in stream order. An event already queued for an endpoint (the
 * stream delivered its record again) is not sent twice by this path.
 */
export async function deliverEvents(events: readonly SessionEventDetail[], deps: WebhookDependencies): Promise<void> {
  if (events.length === 0) return;
  const webhooks = (await deps.store.listWebhooks()).filter((webhook) => webhook.status === 'active');
  for (const event of events) {
    for (const webhook of webhooks) {
      if (!subscribed(webhook, event.type)) continue;
      const now = deps.clock.now();
      const delivery: DeliveryItem = {
        webhookId: webhook.id,
        eventId: event.eventId,
        eventType: event.type,
        sessionId: event.session.id,
        body: webhookPayload(event),
        status: 'pending',
        attempts: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        // Should this worker die before the first attempt is recorded, the retry job makes it.
        nextAttemptAt: new Date(now.getTime() + FIRST_ATTEMPT_GRACE_SECONDS * 1000).toISOString(),
      };
      if (await deps.store.createDelivery(delivery, Math.floor(now.getTime() / 1000))) await attempt(delivery, webhook, deps);
    }
  }
}

/** Makes the attempts that are due (the retry job, every minute in AWS). */
export async function retryDueDeliveries(deps: WebhookDependencies): Promise<number> {
  const due = await deps.store.dueDeliveries(deps.clock.now().toISOString());
  const webhooks = new Map<string, WebhookItem | undefined>();
  for (const delivery of due) {
    if (!webhooks.has(delivery.webhookId)) webhooks.set(delivery.webhookId, await deps.store.getWebhook(delivery.webhookId));
    const webhook = webhooks.get(delivery.webhookId);
    if (!webhook || webhook.status !== 'active') {
      await deps.store.recordAttempt(delivery, {
        status: 'failed',
        attempts: delivery.attempts,
        at: deps.clock.now().toISOString(),
        error: webhook ? 'the webhook is disabled' : 'the webhook was removed',
      });
      continue;
    }
    await attempt(delivery, webhook, deps);
  }
  return due.length;
}

async function attempt(delivery: DeliveryItem, webhook: WebhookItem, deps: WebhookDependencies): Promise<void> {
  const now = deps.clock.now();
  const timestamp = Math.floor(now.getTime() / 1000);
  const outcome = await deps.transport(
    webhook.url,
    signatureHeaders(signingSecrets(webhook, now), delivery.eventId, timestamp, delivery.body),
    delivery.body,
  );
  const attempts = delivery.attempts + 1;
  const at = deps.clock.now().toISOString();
  if (!outcome.error) {
    await deps.store.recordAttempt(delivery, {
      status: 'delivered',
      attempts,
      at,
      ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    });
    return;
  }
  const waitSeconds = deps.retrySchedule[attempts - 1];
  const base = {
    attempts,
    at,
    error: outcome.error.slice(0, 300),
    ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
  };
  if (waitSeconds !== undefined) {
    const nextAttemptAt = new Date(deps.clock.now().getTime() + waitSeconds * 1000).toISOString();
    await deps.store.recordAttempt(delivery, { ...base, status: 'pending', nextAttemptAt });
    deps.logger.warn('Webhook delivery failed; retrying later', {
      event: 'webhook_attempt_failed',
      webhookId: webhook.id,
      attempts,
      nextAttemptAt,
    });
    return;
  }
  await deps.store.recordAttempt(delivery, { ...base, status: 'failed' });
  await deps.store.updateWebhook(webhook.id, {
    status: 'disabled',
    disabledAt: at,
    disabledReason: `a delivery failed ${attempts} times over the whole retry schedule (last: ${base.error})`,
  });
  // The stack's alarm counts this event name.
  deps.logger.error('Webhook disabled after persistent delivery failure', { event: 'webhook_disabled', webhookId: webhook.id, attempts });
}
