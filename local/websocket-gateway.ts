import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { ConnectionRegistry } from './connections-endpoint.ts';
import { apiGatewayTime, sourceIp } from './http-io.ts';
import { invokeHandler, type BoundHandler, type Logger } from './lambda-invoker.ts';

/**
 * The local API Gateway WebSocket API: a REQUEST Lambda authorizer and the
 * `$connect` route decide whether the upgrade succeeds; each text frame is
 * routed by its JSON `action` (else `$default`); closing runs `$disconnect`.
 * Handlers answer through the @connections endpoint, never through their
 * return value (API Gateway's two-way route responses are opt-in and the
 * product does not use them). Frames of one connection are handled one after
 * another, in arrival order.
 */
export interface WebSocketGatewayRoute extends BoundHandler {
  readonly routeKey: string;
}

export interface WebSocketGatewayOptions {
  /** The `$connect` REQUEST authorizer; absent = every upgrade is authorised. */
  readonly authorizer?: BoundHandler;
  readonly routes: readonly WebSocketGatewayRoute[];
  readonly registry: ConnectionRegistry;
  readonly log: Logger;
  /** Default 128 KiB, API Gateway's message limit; larger frames close the socket with 1009. */
  readonly maxMessageBytes?: number;
  readonly handlerTimeoutMs?: number;
}

export interface WebSocketGateway {
  /** Call from the HTTP server's `upgrade` event for the WebSocket path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void>;
  /** Closes every socket (1001) and waits, bounded, for their `$disconnect` handlers. */
  closeAll(): Promise<void>;
}

const apiId = 'local';
const stage = '$default';
const accountId = '000000000000';

export const connectMethodArn = `arn:aws:execute-api:us-east-1:${accountId}:${apiId}/${stage}/$connect`;

const statusTexts: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function rejectUpgrade(socket: Duplex, statusCode: number): void {
  const statusText = statusTexts[statusCode] ?? 'Error';
  const body = JSON.stringify({ message: statusText });
  socket.end(
    `HTTP/1.1 ${statusCode} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Headers as API Gateway passes them to WebSocket routes: the client's own spelling, repeated values split out. */
function requestHeaders(request: IncomingMessage): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index] as string;
    const value = request.rawHeaders[index + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

function queryParameters(url: URL): { queryStringParameters?: Record<string, string>; multiValueQueryStringParameters?: Record<string, string[]> } {
  const names = [...new Set(url.searchParams.keys())];
  if (names.length === 0) return {};
  return {
    queryStringParameters: Object.fromEntries(names.map((name) => [name, url.searchParams.getAll(name).at(-1) ?? ''])),
    multiValueQueryStringParameters: Object.fromEntries(names.map((name) => [name, url.searchParams.getAll(name)])),
  };
}

interface AuthorizerDecision {
  readonly effect: 'Allow' | 'Deny';
  readonly principalId: string;
  readonly context: Record<string, unknown>;
}

function readPolicy(result: unknown): AuthorizerDecision {
  const policy = (result ?? {}) as { principalId?: unknown; policyDocument?: { Statement?: unknown }; context?: unknown };
  const statements = Array.isArray(policy.policyDocument?.Statement) ? (policy.policyDocument.Statement as { Effect?: unknown }[]) : [];
  const effects = statements.map((statement) => String(statement.Effect ?? '').toLowerCase());
  // As in IAM: any explicit Deny wins; no Allow means Deny.
  const effect = effects.includes('allow') && !effects.includes('deny') ? 'Allow' : 'Deny';
  const context = typeof policy.context === 'object' && policy.context !== null ? (policy.context as Record<string, unknown>) : {};
  return { effect, principalId: String(policy.principalId ?? ''), context };
}

function isSuccessfulRouteResult(result: unknown): boolean | number {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) return true;
  const statusCode = Number((result).statusCode);
  return statusCode >= 200 && statusCode < 300 ? true : statusCode;
}

export function createWebSocketGateway(options: WebSocketGatewayOptions): WebSocketGateway {
  const { registry, log } = options;
  const routesByKey = new Map(options.routes.map((route) => [route.routeKey, route]));
  const server = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 128 * 1024 });
  const pendingDisconnects = new Set<Promise<void>>();

  const invoke = (bound: BoundHandler, event: unknown) => invokeHandler(bound, event, options.handlerTimeoutMs);
  /** closeAll() waits for these, so shutdown does not cut a $disconnect short. */
  const track = (disconnect: Promise<void>): Promise<void> => {
    pendingDisconnects.add(disconnect);
    void disconnect.finally(() => pendingDisconnects.delete(disconnect));
    return disconnect;
  };

  const baseContext = (connectionId: string, connectedAt: number, request: IncomingMessage, domainName: string) => {
    const now = new Date();
    return {
      extendedRequestId: randomUUID(),
      requestTime: apiGatewayTime(now),
      messageDirection: 'IN',
      stage,
      connectedAt,
      requestTimeEpoch: now.getTime(),
      identity: { sourceIp: sourceIp(request), userAgent: request.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      domainName,
      connectionId,
      apiId,
    };
  };

  const handleUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    socket.on('error', () => undefined);
    // Refuse a malformed handshake before any handler runs: $connect must not register a connection that cannot open.
    const key = request.headers['sec-websocket-key'];
    if (request.headers.upgrade?.toLowerCase() !== 'websocket' || !key || !/^[+/0-9A-Za-z]{22}==$/.test(key) || request.headers['sec-websocket-version'] !== '13') {
      return rejectUpgrade(socket, 400);
    }
    const connectionId = randomBytes(10).toString('base64');
    const connectedAt = Date.now();
    const domainName = request.headers.host ?? url.host;
    const { headers, multiValueHeaders } = requestHeaders(request);
    const query = queryParameters(url);

    let authorizerContext: Record<string, unknown> | undefined;
    if (options.authorizer) {
      const event = {
        type: 'REQUEST',
        methodArn: connectMethodArn,
        headers,
        multiValueHeaders,
        ...query,
        stageVariables: {},
        requestContext: { routeKey: '$connect', eventType: 'CONNECT', ...baseContext(connectionId, connectedAt, request, domainName) },
      };
      let decision: AuthorizerDecision;
      try {
        decision = readPolicy(await invoke(options.authorizer, event));
      } catch (error) {
        // API Gateway turns an authorizer failure (including the conventional `throw new Error('Unauthorized')`) into a refusal.
        if (!(error instanceof Error && error.message === 'Unauthorized')) log.error(`[ws] authorizer (${options.authorizer.name}) failed:`, error);
        return rejectUpgrade(socket, 401);
      }
      if (decision.effect !== 'Allow') return rejectUpgrade(socket, 403);
      authorizerContext = { ...decision.context, principalId: decision.principalId, integrationLatency: Date.now() - connectedAt };
    }

    const routeContext = (routeKey: string, eventType: string) => ({
      routeKey,
      eventType,
      ...baseContext(connectionId, connectedAt, request, domainName),
      ...(authorizerContext ? { authorizer: authorizerContext } : {}),
    });
    const disconnectEvent = (code: number, reason: string) => ({
      headers,
      multiValueHeaders,
      requestContext: { ...routeContext('$disconnect', 'DISCONNECT'), disconnectStatusCode: code, disconnectReason: reason },
      isBase64Encoded: false,
    });
    const runDisconnect = async (event: unknown) => {
      const disconnectRoute = routesByKey.get('$disconnect');
      if (!disconnectRoute) return;
      try {
        await invoke(disconnectRoute, event);
      } catch (error) {
        log.error(`[ws] $disconnect (${disconnectRoute.name}) failed:`, error);
      }
    };

    const connectRoute = routesByKey.get('$connect');
    if (connectRoute) {
      const event = {
        headers,
        multiValueHeaders,
        ...query,
        requestContext: {
          routeKey: '$connect',
          eventType: 'CONNECT',
          ...baseContext(connectionId, connectedAt, request, domainName),
          ...(authorizerContext ? { authorizer: authorizerContext } : {}),
        },
        isBase64Encoded: false,
      };
      try {
        const accepted = isSuccessfulRouteResult(await invoke(connectRoute, event));
        if (accepted !== true) return rejectUpgrade(socket, accepted as number);
      } catch (error) {
        log.error(`[ws] $connect (${connectRoute.name}) failed:`, error);
        return rejectUpgrade(socket, 500);
      }
    }
    // The same test ws's handleUpgrade makes before it silently drops a socket.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy();
      // The client left while $connect ran: whatever $connect registered must be cleaned up, as after any close.
      return track(runDisconnect(disconnectEvent(1006, '')));
    }

    server.handleUpgrade(request, socket, head, (webSocket) => {
      const connection = {
        id: connectionId,
        socket: webSocket,
        connectedAt,
        lastActiveAt: connectedAt,
        sourceIp: sourceIp(request),
        userAgent: request.headers['user-agent'] ?? '',
      };
      registry.add(connection);
      let queue: Promise<void> = Promise.resolve();
      const enqueue = (work: () => Promise<void>) => {
        queue = queue.then(work, work);
        return queue;
      };

      webSocket.on('message', (data: RawData, isBinary: boolean) => {
        connection.lastActiveAt = Date.now();
        const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        void enqueue(async () => {
          const body = isBinary ? buffer.toString('base64') : buffer.toString('utf8');
          let action: unknown;
          if (!isBinary) {
            try {
              action = (JSON.parse(body) as { action?: unknown } | null)?.action;
            } catch {
              action = undefined;
            }
          }
          // As in API Gateway, `$connect`/`$disconnect` are never selected by a message: only non-$ keys match.
          const route = (typeof action === 'string' && !action.startsWith('$') ? routesByKey.get(action) : undefined) ?? routesByKey.get('$default');
          if (!route) {
            webSocket.send(JSON.stringify({ message: 'Forbidden', connectionId, requestId: randomUUID() }));
            return;
          }
          const event = {
            requestContext: { ...routeContext(route.routeKey, 'MESSAGE'), messageId: randomBytes(10).toString('base64') },
            body,
            isBase64Encoded: isBinary,
          };
          try {
            await invoke(route, event);
          } catch (error) {
            log.error(`[ws] ${route.routeKey} (${route.name}) failed:`, error);
            // API Gateway's answer when the integration fails.
            if (webSocket.readyState === webSocket.OPEN) {
              webSocket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId: event.requestContext.requestId }));
            }
          }
        });
      });

      webSocket.on('error', () => undefined);
      webSocket.on('close', (code: number, reason: Buffer) => {
        registry.delete(connectionId);
        const event = disconnectEvent(code, reason.toString('utf8'));
        void track(enqueue(() => runDisconnect(event)));
      });
    });
  };

  return {
    handleUpgrade: async (request, socket, head, url) => {
      try {
        await handleUpgrade(request, socket, head, url);
      } catch (error) {
        log.error('[ws] upgrade failed:', error);
        if (!socket.destroyed) rejectUpgrade(socket, 500);
      }
    },
    async closeAll() {
      const connections = registry.all();
      const closed = connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.socket.readyState === connection.socket.CLOSED) resolve();
            else connection.socket.once('close', () => resolve());
          }),
      );
      for (const connection of connections) connection.socket.close(1001, 'Server shutting down');
      const bounded = (work: Promise<unknown>) => Promise.race([work, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      await bounded(Promise.all(closed));
      for (const connection of connections) connection.socket.terminate();
      await bounded(Promise.all(pendingDisconnects));
      server.close();
    },
  };
}
