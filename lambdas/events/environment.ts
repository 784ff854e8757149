/** Environment variables of the event publisher and the webhook deliverer; the stack and the local runtime set them. */
export const integrationEnvironment = {
  /** The EventBridge bus session events go to. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Local only: the local runtime's EventBridge stand-in. */
  eventBusEndpoint: 'EVENT_BUS_ENDPOINT',
  /** "true" locally: webhook endpoints on loopback and private networks are allowed. */
  webhookAllowPrivate: 'WEBHOOK_ALLOW_PRIVATE_ENDPOINTS',
  /** Comma-separated seconds between delivery attempts; default the Standard Webhooks schedule (about a day). */
  webhookRetrySchedule: 'WEBHOOK_RETRY_SCHEDULE_SECONDS',
} as const;
