import { retryDueDeliveries } from '#events/webhooks';
import { webhookDependencies } from '#shared/webhook-dependencies';

/** Runs on a schedule (EventBridge in AWS, an interval locally): the webhook attempts that are due. */
export const handler = async () => ({ attempted: await retryDueDeliveries(webhookDependencies()) });
