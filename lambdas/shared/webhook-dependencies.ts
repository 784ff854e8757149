import { systemClock } from '#domain/clock';
import { integrationEnvironment } from '#events/environment';
import { webhookTransport } from '#events/webhook-transport';
import { parseRetrySchedule, type WebhookDependencies } from '#events/webhooks';
import { tableFromEnvironment } from '#storage/dynamo-client';
import { WebhookStore } from '#storage/webhooks';
import { logger } from './logger.ts';

let built: WebhookDependencies | undefined;

/** Private and loopback endpoints are allowed only where the environment says so (the local runtime). */
export function allowPrivateEndpoints(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env[integrationEnvironment.webhookAllowPrivate] === 'true';
}

/** The webhook deliverer's dependencies, built once per cold start. */
export function webhookDependencies(): WebhookDependencies {
  built ??= {
    store: new WebhookStore(tableFromEnvironment()),
    clock: systemClock,
    logger,
    transport: webhookTransport({ allowPrivate: allowPrivateEndpoints() }),
    retrySchedule: parseRetrySchedule(process.env[integrationEnvironment.webhookRetrySchedule]),
  };
  return built;
}
