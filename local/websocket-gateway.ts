import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { ConnectionRegistry } from './connections-endpoint.ts';
import { WebSocketEvents } from './gateway-events.ts';
import { sourceIp } from './http-io.ts';
import { invokeHandler, type BoundHandler, type Logger } from './lambda-invoker.ts';
import { WebSocketConnection, type WebSocketLimits } from './websocket-connection.ts';

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
  /** API Gateway's idle timeout and maximum connection duration by default; tests shorten them. */
  readonly limits?: WebSocketLimits;
  /**
   * When the credential a connection was authorised with expires (epoch ms), read from the authorizer's
   * context; the connection is closed then. Absent, or undefined for a connection: never.
   */
  readonly credentialExpiresAt?: (authorizerContext: Readonly<Record<string, unknown>>) => number | undefined;
}

export interface WebSocketGateway {
  /** Call from the HTTP server's `upgrade` event for the WebSocket path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void>;
  /** Closes every socket (1001) and waits, bounded, for their `$disconnect` handlers. */
  closeAll(): Promise<void>;
}

const statusTexts: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

function rejectUpgrade(socket: Duplex, statusCode: number): void {
  const statusText = statusTexts[statusCode] ?? 'Error';
  const body = JSON.stringify({ message: statusText });
  socket.end(
    `HTTP/1.1 ${statusCode} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
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
  const statusCode = Number(result.statusCode);
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

  const runDisconnect = async (event: unknown) => {
    const disconnectRoute = routesByKey.get('$disconnect');
    if (!disconnectRoute) return;
    try {
      await invoke(disconnectRoute, event);
    } catch (error) {
      log.error(`[ws] $disconnect (${disconnectRoute.name}) failed:`, error);
    }
  };

  /** Whether the authorizer lets the upgrade through; it has answered the client when it does not. */
  const authorize = async (events: WebSocketEvents, socket: Duplex): Promise<boolean> => {
    if (!options.authorizer) return true;
    let decision: AuthorizerDecision;
    try {
      decision = readPolicy(await invoke(options.authorizer, events.authorizerRequest()));
    } catch (error) {
      // API Gateway turns an authorizer failure (including the conventional `throw new Error('Unauthorized')`) into a refusal.
      if (!(error instanceof Error && error.message === 'Unauthorized'))
        log.error(`[ws] authorizer (${options.authorizer.name}) failed:`, error);
      rejectUpgrade(socket, 401);
      return false;
    }
    if (decision.effect !== 'Allow') {
      rejectUpgrade(socket, 403);
      return false;
    }
    events.authorize(decision.principalId, decision.context);
    return true;
  };

  /** Whether `$connect` accepts the connection; it has answered the client when it does not. */
  const runConnect = async (events: WebSocketEvents, socket: Duplex): Promise<boolean> => {
    const connectRoute = routesByKey.get('$connect');
    if (!connectRoute) return true;
    try {
      const accepted = isSuccessfulRouteResult(await invoke(connectRoute, events.connect()));
      if (accepted === true) return true;
      rejectUpgrade(socket, accepted as number);
    } catch (error) {
      log.error(`[ws] $connect (${connectRoute.name}) failed:`, error);
      rejectUpgrade(socket, 500);
    }
    return false;
  };

  const handleMessage = async (connection: WebSocketConnection, events: WebSocketEvents, buffer: Buffer, isBinary: boolean) => {
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
    const route =
      (typeof action === 'string' && !action.startsWith('$') ? routesByKey.get(action) : undefined) ?? routesByKey.get('$default');
    if (!route) {
      connection.socket.send(JSON.stringify({ message: 'Forbidden', connectionId: connection.id, requestId: randomUUID() }));
      return;
    }
    const event = events.message(route.routeKey, body, isBinary);
    try {
      await invoke(route, event);
    } catch (error) {
      log.error(`[ws] ${route.routeKey} (${route.name}) failed:`, error);
      // API Gateway's answer when the integration fails.
      if (connection.isOpen) {
        connection.socket.send(
          JSON.stringify({ message: 'Internal server error', connectionId: connection.id, requestId: event.requestContext.requestId }),
        );
      }
    }
  };

  const handleUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    socket.on('error', () => undefined);
    // Refuse a malformed handshake before any handler runs: $connect must not register a connection that cannot open.
    const key = request.headers['sec-websocket-key'];
    if (
      request.headers.upgrade?.toLowerCase() !== 'websocket' ||
      !key ||
      !/^[+/0-9A-Za-z]{22}==$/.test(key) ||
      request.headers['sec-websocket-version'] !== '13'
    ) {
      return rejectUpgrade(socket, 400);
    }
    const events = new WebSocketEvents(request, url);
    if (!(await authorize(events, socket))) return;
    if (!(await runConnect(events, socket))) return;
    // The same test ws's handleUpgrade makes before it silently drops a socket.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy();
      // The client left while $connect ran: whatever $connect registered must be cleaned up, as after any close.
      return track(runDisconnect(events.disconnect(1006, '')));
    }

    server.handleUpgrade(request, socket, head, (webSocket) => {
      const authorizerContext = events.authorizerContext;
      const connection = new WebSocketConnection({
        id: events.connectionId,
        socket: webSocket,
        connectedAt: events.connectedAt,
        sourceIp: sourceIp(request),
        userAgent: request.headers['user-agent'] ?? '',
        limits: options.limits,
        credentialExpiresAt: authorizerContext ? options.credentialExpiresAt?.(authorizerContext) : undefined,
      });
      registry.add(connection);

      webSocket.on('message', (data: RawData, isBinary: boolean) => {
        connection.touch();
        const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        void connection.enqueue(() => handleMessage(connection, events, buffer, isBinary));
      });
      webSocket.on('error', () => undefined);
      webSocket.on('close', (code: number, reason: Buffer) => {
        registry.delete(connection.id);
        const event = events.disconnect(code, reason.toString('utf8'));
        void track(connection.enqueue(() => runDisconnect(event)));
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
