/**
 * The route table: every HTTP route, WebSocket route, authorizer and scheduled
 * job of the product, declared once. The local runtime (local/) serves exactly
 * these, and the CDK stack (lib/) deploys exactly these, one Lambda function
 * per entry, granted only what `needs` lists.
 */

import type { ClientAction } from '#contracts/schemas/websocket';

/** What a handler touches, so the stack can grant exactly that and nothing more. */
export interface HandlerNeeds {
  /** Access to the product table; `none` for handlers that never touch it. */
  readonly table: 'none' | 'read' | 'readWrite';
  /** Posts to WebSocket connections through the @connections management API. */
  readonly postsToConnections?: boolean;
  /** Reads the PIN keyed-hash secret (Secrets Manager in AWS). */
  readonly pinSecret?: boolean;
  /** Verifies technician JWTs itself (the WebSocket authorizer; HTTP routes rely on API Gateway). */
  readonly verifiesJwt?: boolean;
  /**
   * Counts clients by CloudFront's viewer address, trusted only on requests that carry the
   * origin-verify secret CloudFront adds (so a caller of the API's own endpoint cannot forge it).
   */
  readonly viewerAddress?: boolean;
  /** Puts session events onto the product's EventBridge bus. */
  readonly publishesEvents?: boolean;
  /** Hands out STUN/TURN servers for screen view: Kinesis Video Streams signaling channels in AWS. */
  readonly iceServers?: boolean;
}

export interface HandlerDeclaration {
  /** Stable name: the Lambda function's logical id and log group suffix. */
  readonly name: string;
  /** Source file, relative to the repository root, exporting `handler`. */
  readonly entry: string;
  readonly needs: HandlerNeeds;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRoute extends HandlerDeclaration {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. Always under /api. */
  readonly path: string;
  /** `technician`: JWT authorizer (Cognito in AWS, the local identity provider locally). */
  readonly auth: 'technician' | 'public';
  /**
   * Integration clients (OAuth client credentials) may call this route with this scope, acting
   * for a technician; the handler enforces it, the stack lets the function read the directory.
   */
  readonly clientScope?: 'sessions.read' | 'sessions.write';
}

export interface WebSocketRoute extends HandlerDeclaration {
  /** `$connect`, `$disconnect`, `$default`, or the value of the message's `action`. */
  readonly routeKey: string;
}

export interface ScheduledJob extends HandlerDeclaration {
  readonly everyMinutes: number;
}

/** A consumer of the table's change stream (an event source mapping in AWS, the stream reader locally). */
export interface StreamConsumer extends HandlerDeclaration {
  /** Records per invocation at most. */
  readonly batchSize: number;
}

export const httpRoutes: readonly HttpRoute[] = [
  {
    name: 'get-me',
    method: 'GET',
    path: '/api/me',
    auth: 'technician',
    entry: 'lambdas/http/get-me.ts',
    needs: { table: 'read' },
  },
  {
    name: 'create-session',
    method: 'POST',
    path: '/api/sessions',
    auth: 'technician',
    clientScope: 'sessions.write',
    entry: 'lambdas/http/create-session.ts',
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    name: 'list-sessions',
    method: 'GET',
    path: '/api/sessions',
    auth: 'technician',
    entry: 'lambdas/http/list-sessions.ts',
    needs: { table: 'read' },
  },
  {
    name: 'get-session',
    method: 'GET',
    path: '/api/sessions/{id}',
    auth: 'technician',
    clientScope: 'sessions.read',
    entry: 'lambdas/http/get-session.ts',
    // Writes too: a look at another technician's session is logged there as denied.
    needs: { table: 'readWrite' },
  },
  {
    name: 'get-session-log',
    method: 'GET',
    path: '/api/sessions/{id}/log',
    auth: 'technician',
    clientScope: 'sessions.read',
    entry: 'lambdas/http/get-session-log.ts',
    // Writes too: a look at another technician's session is logged there as denied.
    // The PIN secret: the log's PIN entries are sealed with it and unsealed for display.
    needs: { table: 'readWrite', pinSecret: true },
  },
  {
    name: 'generate-pin',
    method: 'POST',
    path: '/api/sessions/{id}/pin',
    auth: 'technician',
    clientScope: 'sessions.write',
    entry: 'lambdas/http/generate-pin.ts',
    needs: { table: 'readWrite', postsToConnections: true, pinSecret: true },
  },
  {
    name: 'start-session',
    method: 'POST',
    path: '/api/sessions/{id}/start',
    auth: 'technician',
    entry: 'lambdas/http/start-session.ts',
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    name: 'close-session',
    method: 'POST',
    path: '/api/sessions/{id}/close',
    auth: 'technician',
    clientScope: 'sessions.write',
    entry: 'lambdas/http/close-session.ts',
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    name: 'redeem-pin',
    method: 'POST',
    path: '/api/pin/redeem',
    auth: 'public',
    entry: 'lambdas/http/redeem-pin.ts',
    needs: { table: 'readWrite', postsToConnections: true, pinSecret: true, viewerAddress: true },
  },
  {
    name: 'customer-progress',
    method: 'GET',
    path: '/api/pin/progress',
    auth: 'public',
    entry: 'lambdas/http/customer-progress.ts',
    needs: { table: 'read' },
  },
  {
    name: 'session-ice-servers',
    method: 'GET',
    path: '/api/sessions/{id}/ice-servers',
    auth: 'technician',
    entry: 'lambdas/http/session-ice-servers.ts',
    needs: { table: 'readWrite', iceServers: true },
  },
  {
    name: 'customer-ice-servers',
    method: 'GET',
    path: '/api/pin/ice-servers',
    auth: 'public',
    entry: 'lambdas/http/customer-ice-servers.ts',
    needs: { table: 'read', iceServers: true },
  },
  {
    name: 'openapi',
    method: 'GET',
    path: '/api/openapi.json',
    auth: 'public',
    entry: 'lambdas/http/openapi.ts',
    needs: { table: 'none' },
  },
  {
    name: 'asyncapi',
    method: 'GET',
    path: '/api/asyncapi.json',
    auth: 'public',
    entry: 'lambdas/http/asyncapi.ts',
    needs: { table: 'none' },
  },
];

/** Accepts a technician JWT (`?token=`), an applet ticket (`?ticket=`) or a PIN page's progress token (`?progress=`) on `$connect`. */
export const webSocketAuthorizer: HandlerDeclaration = {
  name: 'websocket-authorizer',
  entry: 'lambdas/websocket/authorizer.ts',
  needs: { table: 'read', verifiesJwt: true },
};

/**
 * A message route of a session: it reads and writes the session (every message
 * takes from its connection's budget) and answers over the connections, so each
 * one needs the same grants and none can be declared with fewer.
 */
function sessionMessageRoute(routeKey: Exclude<ClientAction, 'ping'>, entry: string): WebSocketRoute {
  return { name: `websocket-${routeKey}`, routeKey, entry, needs: { table: 'readWrite', postsToConnections: true } };
}

export const webSocketRoutes: readonly WebSocketRoute[] = [
  {
    name: 'websocket-connect',
    routeKey: '$connect',
    entry: 'lambdas/websocket/connect.ts',
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    name: 'websocket-disconnect',
    routeKey: '$disconnect',
    entry: 'lambdas/websocket/disconnect.ts',
    needs: { table: 'readWrite', postsToConnections: true },
  },
  sessionMessageRoute('hello', 'lambdas/websocket/hello.ts'),
  sessionMessageRoute('chat', 'lambdas/websocket/chat.ts'),
  sessionMessageRoute('end', 'lambdas/websocket/end-session.ts'),
  sessionMessageRoute('follow', 'lambdas/websocket/follow.ts'),
  sessionMessageRoute('join', 'lambdas/websocket/join.ts'),
  sessionMessageRoute('screen', 'lambdas/websocket/screen.ts'),
  {
    // Keep-alive: API Gateway closes a WebSocket after 10 idle minutes and does not count ping frames.
    name: 'websocket-ping',
    routeKey: 'ping',
    entry: 'lambdas/websocket/ping.ts',
    // Writes and posts only for a technician whose token expired: told `token_expired`, closed, forgotten.
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    name: 'websocket-default',
    routeKey: '$default',
    entry: 'lambdas/websocket/default.ts',
    // Writes too: answering a connection that turns out gone deletes its record.
    needs: { table: 'readWrite', postsToConnections: true },
  },
];

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'sweep-timeouts',
    entry: 'lambdas/scheduled/sweep-timeouts.ts',
    everyMinutes: 1,
    needs: { table: 'readWrite', postsToConnections: true },
  },
  {
    // Webhook attempts that failed and are due again (backoff over about a day).
    name: 'retry-webhooks',
    entry: 'lambdas/scheduled/retry-webhooks.ts',
    everyMinutes: 1,
    needs: { table: 'readWrite' },
  },
];

/**
 * Session events come from the table's change stream, after the write
 * committed, never from the handler that wrote: two consumers, one for the
 * EventBridge bus and one for webhooks (a stream serves two readers well).
 */
export const streamConsumers: readonly StreamConsumer[] = [
  {
    name: 'publish-session-events',
    entry: 'lambdas/streams/publish-session-events.ts',
    batchSize: 100,
    needs: { table: 'read', publishesEvents: true },
  },
  {
    name: 'deliver-webhooks',
    entry: 'lambdas/streams/deliver-webhooks.ts',
    batchSize: 25,
    needs: { table: 'readWrite' },
  },
];

/** The WebSocket route selection expression, as API Gateway evaluates it. */
export const webSocketRouteSelectionExpression = '$request.body.action';
