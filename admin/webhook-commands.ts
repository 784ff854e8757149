import { eventTypes } from '#events/catalogue';
import { EndpointRefused } from '#events/endpoint-guard';
import { registerWebhook, rotateWebhookSecret } from '#events/webhooks';
import type { DeliveryItem, WebhookItem, WebhookStore } from '#storage/webhooks';
import { AdminError } from './backend.ts';

/** `webhooks ...` of the admin CLI: register, list, remove, rotate, re-enable endpoints and read their delivery log. */
export type WebhookCommand =
  | { readonly kind: 'webhooks-add'; readonly url: string; readonly events: readonly string[]; readonly secret?: string }
  | { readonly kind: 'webhooks-list' }
  | { readonly kind: 'webhooks-remove'; readonly id: string }
  | { readonly kind: 'webhooks-rotate-secret'; readonly id: string }
  | { readonly kind: 'webhooks-enable'; readonly id: string }
  | { readonly kind: 'webhooks-deliveries'; readonly id: string; readonly limit: number };

export const webhookUsage = `  webhooks add --url <https URL> [--events <type>,<type>...] [--secret whsec_...]
                     prints the id and the signing secret; every event when --events is not given
  webhooks list
  webhooks remove <id>
  webhooks rotate-secret <id>   a new secret; the old one keeps signing for 24 hours
  webhooks enable <id>          re-enables an endpoint disabled after persistent failure
  webhooks deliveries <id> [--limit <n>]   the delivery log: status, attempts, last error`;

const idPattern = /^wh_[0-9a-f]{20}$/;

export function parseWebhookCommand(
  subcommand: string | undefined,
  rest: readonly string[],
  values: Record<string, unknown>,
  fail: (message: string) => never,
): WebhookCommand {
  const one = (what: string) => {
    const [id, ...extra] = rest;
    if (id === undefined) fail(`missing ${what}`);
    if (extra.length > 0) fail(`unexpected argument "${extra[0]}"`);
    if (!idPattern.test(id)) fail(`"${id}" is not a webhook id (wh_...; see webhooks list)`);
    return id;
  };
  switch (subcommand) {
    case 'add': {
      if (rest.length > 0) fail(`unexpected argument "${rest[0]}"`);
      const url = values.url as string | undefined;
      if (!url) fail('webhooks add needs --url <https URL>');
      const events = ((values.events as string | undefined) ?? '')
        .split(',')
        .map((type) => type.trim())
        .filter(Boolean);
      const unknown = events.filter((type) => !eventTypes.includes(type));
      if (unknown.length > 0) fail(`unknown event type ${unknown.join(', ')}; known: ${eventTypes.join(', ')}`);
      const secret = values.secret as string | undefined;
      return { kind: 'webhooks-add', url, events, ...(secret ? { secret } : {}) };
    }
    case 'list':
      if (rest.length > 0) fail(`unexpected argument "${rest[0]}"`);
      return { kind: 'webhooks-list' };
    case 'remove':
      return { kind: 'webhooks-remove', id: one('webhook id') };
    case 'rotate-secret':
      return { kind: 'webhooks-rotate-secret', id: one('webhook id') };
    case 'enable':
      return { kind: 'webhooks-enable', id: one('webhook id') };
    case 'deliveries': {
      const id = one('webhook id');
      const limit = Number((values.limit as string | undefined) ?? '20');
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) fail('--limit must be a whole number from 1 to 1000');
      return { kind: 'webhooks-deliveries', id, limit };
    }
    default:
      return fail(
        subcommand === undefined
          ? 'missing webhooks subcommand (add, list, remove, rotate-secret, enable, deliveries)'
          : `unknown webhooks subcommand "${subcommand}"`,
      );
  }
}

function webhookLine(webhook: WebhookItem): string {
  const events = webhook.events.length > 0 ? webhook.events.join(',') : 'all events';
  const state =
    webhook.status === 'active' ? 'active' : `DISABLED ${webhook.disabledAt ?? ''} (${webhook.disabledReason ?? 'no reason recorded'})`;
  return `${webhook.id}  ${webhook.url}  ${events}  ${state}`;
}

function deliveryLine(delivery: DeliveryItem): string {
  const next = delivery.nextAttemptAt && delivery.status === 'pending' ? `  next ${delivery.nextAttemptAt}` : '';
  const last = delivery.lastError
    ? `  last error: ${delivery.lastError}`
    : delivery.lastStatusCode
      ? `  HTTP ${delivery.lastStatusCode}`
      : '';
  return `${delivery.createdAt}  ${delivery.eventType}  ${delivery.eventId}  ${delivery.status}  attempts ${delivery.attempts}${next}${last}`;
}

/** What is shown of a webhook: never the secret, except right after it was made. */
function publicView(webhook: WebhookItem) {
  const { secret: _secret, previousSecret: _previous, ...shown } = webhook;
  return shown;
}

export async function executeWebhookCommand(
  command: WebhookCommand,
  store: WebhookStore,
  allowPrivate: boolean,
  print: (value: unknown, text: () => string[]) => void,
): Promise<void> {
  const now = new Date();
  const missing = (id: string) => new AdminError(`no webhook "${id}" (see webhooks list)`);
  switch (command.kind) {
    case 'webhooks-add': {
      let webhook: WebhookItem;
      try {
        webhook = await registerWebhook(store, command, { allowPrivate, now, knownEventTypes: eventTypes });
      } catch (error) {
        if (error instanceof EndpointRefused || error instanceof Error) throw new AdminError(error.message);
        throw error;
      }
      print({ webhook: publicView(webhook), secret: webhook.secret }, () => [
        `added ${webhookLine(webhook)}`,
        `signing secret: ${webhook.secret}`,
      ]);
      return;
    }
    case 'webhooks-list': {
      const webhooks = await store.listWebhooks();
      print({ webhooks: webhooks.map(publicView) }, () => (webhooks.length > 0 ? webhooks.map(webhookLine) : ['no webhooks']));
      return;
    }
    case 'webhooks-remove':
      if (!(await store.deleteWebhook(command.id))) throw missing(command.id);
      print({ removed: command.id }, () => [`removed ${command.id}`]);
      return;
    case 'webhooks-rotate-secret': {
      const rotated = await rotateWebhookSecret(store, command.id, now);
      if (!rotated) throw missing(command.id);
      print({ webhook: publicView(rotated), secret: rotated.secret }, () => [
        `new signing secret for ${command.id}: ${rotated.secret}`,
        `the previous secret also signs until ${rotated.previousSecretUntil}`,
      ]);
      return;
    }
    case 'webhooks-enable':
      if (!(await store.updateWebhook(command.id, { status: 'active' }, ['disabledAt', 'disabledReason']))) throw missing(command.id);
      print({ enabled: command.id }, () => [`enabled ${command.id}`]);
      return;
    case 'webhooks-deliveries': {
      if (!(await store.getWebhook(command.id))) throw missing(command.id);
      const deliveries = (await store.listDeliveries(command.id, command.limit)).map(({ body: _body, ...rest }) => rest);
      print({ deliveries }, () =>
        deliveries.length > 0 ? deliveries.map((delivery) => deliveryLine(delivery as DeliveryItem)) : ['no deliveries yet'],
      );
      return;
    }
  }
}
