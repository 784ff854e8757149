/**
 * The one DynamoDB table of the product, declared once: the CDK Storage
 * construct and the local runtime both build their table from this.
 *
 * Single-table layout (pk / sk):
 *   SESSION#<id> / SESSION          the session, its status and deadlines
 *   SESSION#<id> / LOG#<iso>#<rnd>  one session-log entry, ordered by time
 *   PIN#<hmac>   / PIN              a live PIN (keyed hash of the digits), expires by `ttl`
 *   TICKET#<sha> / TICKET           an applet ticket (hash of the secret), bound to one session
 *   PROGRESS#<sha> / PROGRESS       the customer page's progress token, bound to one session
 *   CONN#<id>    / CONN             a WebSocket connection (technician or applet)
 *   GROUP#<name> / GROUP            a technician group's permissions
 *   USER#<name>  / USER             a technician (local identity provider only; Cognito in AWS)
 *   RATE#<scope>#<key> / WINDOW#<n> a rate-limit counter for one fixed window, expires by `ttl`
 *   WEBHOOKS / WEBHOOK#<id>         a registered webhook endpoint (lambdas/storage/webhooks.ts)
 *   WEBHOOK#<id> / DELIVERY#<event> one event's delivery to it: status, attempts, last error
 *   CLIENT#<id>  / CLIENT           an integration client (OAuth client credentials) and the groups it may act for
 *
 * Indexes:
 *   byTechnician (gsi1pk = TECH#<sub>): open sessions (gsi1sk SESSION#<createdAt>#<id>)
 *     and live console connections (gsi1sk CONN#<id>) of one technician.
 *   byDeadline (gsi2pk = DEADLINE#<shard>, gsi2sk = <iso deadline>#<id>): sessions
 *     that time out by themselves; sparse, the sweeper reads it. Webhook deliveries due for
 *     another attempt sit under gsi2pk = WEBHOOK_RETRY#0 there too.
 *
 * Stream: new images of every write, read by the session-event publisher and the
 * webhook deliverer (events are derived from inserted log items).
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  streamViewType: 'NEW_IMAGE',
  globalSecondaryIndexes: [
    { indexName: 'byTechnician', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'byDeadline', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];

/** How many partitions the byDeadline index spreads over, so that no one key runs hot. */
export const DEADLINE_SHARDS = 4;
