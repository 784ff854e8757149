import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocket } from 'ws';
import { isLoopback, PayloadTooLargeError, readBody, RequestAbortedError, sendJson } from './http-io.ts';
import type { Logger } from './lambda-invoker.ts';

/**
 * The WebSocket API's management endpoint (`@connections`), which handlers
 * reach through @aws-sdk/client-apigatewaymanagementapi exactly as in AWS:
 * POST sends a frame, DELETE disconnects, GET describes. Unknown or closed
 * connections answer 410 with the error type header the SDK turns into a
 * `GoneException`. Any path ending in /@connections/{id} is accepted because
 * the AWS endpoint carries a stage prefix.
 */
export interface LocalConnection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

export class ConnectionRegistry {
  readonly #connections = new Map<string, LocalConnection>();

  add(connection: LocalConnection): void {
    this.#connections.set(connection.id, connection);
  }

  /** The connection if its socket is still open. */
  get(id: string): LocalConnection | undefined {
    const connection = this.#connections.get(id);
    return connection?.socket.readyState === WebSocket.OPEN ? connection : undefined;
  }

  delete(id: string): void {
    this.#connections.delete(id);
  }

  all(): LocalConnection[] {
    return [...this.#connections.values()];
  }

  get size(): number {
    return this.#connections.size;
  }
}

export const connectionsPathPattern = /\/@connections\/([^/]+)$/;

/** API Gateway's limit for one PostToConnection payload. */
const maxPostBytes = 128 * 1024;

function sendAwsError(response: ServerResponse, statusCode: number, errorType: string, message = errorType): void {
  sendJson(response, statusCode, { message }, { 'x-amzn-errortype': errorType });
}

export type ConnectionsEndpoint = (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void>;

/**
 * @param mayManageConnections IAM's part: whether the signed caller holds ManageConnections
 *   (the local runtime's guard); omitted = every loopback caller does.
 */
export function createConnectionsEndpoint(
  registry: ConnectionRegistry,
  log: Logger,
  mayManageConnections: (request: IncomingMessage) => boolean = () => true,
): ConnectionsEndpoint {
  return async (request, response, pathname) => {
    if (!isLoopback(request)) return sendAwsError(response, 403, 'ForbiddenException', 'Forbidden');
    if (!mayManageConnections(request)) {
      return sendAwsError(
        response,
        403,
        'ForbiddenException',
        'User is not authorized to perform: execute-api:ManageConnections on this resource',
      );
    }
    const encodedId = connectionsPathPattern.exec(pathname)?.[1] ?? '';
    let connectionId: string;
    try {
      connectionId = decodeURIComponent(encodedId);
    } catch {
      return sendAwsError(response, 400, 'BadRequestException', 'Invalid connection id');
    }
    const method = request.method ?? 'GET';
    const connection = registry.get(connectionId);

    if (method === 'POST') {
      let data: Buffer;
      try {
        data = await readBody(request, maxPostBytes);
      } catch (error) {
        if (error instanceof PayloadTooLargeError) return sendAwsError(response, 413, 'PayloadTooLargeException', 'Message too long');
        if (error instanceof RequestAbortedError) return log.info(`[@connections] post to ${connectionId}: ${error.message}`);
        throw error;
      }
      if (!connection) return sendAwsError(response, 410, 'GoneException');
      try {
        await new Promise<void>((resolve, reject) =>
          connection.socket.send(data.toString('utf8'), (error) => (error ? reject(error) : resolve())),
        );
      } catch (error) {
        log.error(`[@connections] post to ${connectionId} failed: ${String(error)}`);
        return sendAwsError(response, 410, 'GoneException');
      }
      response.writeHead(200, { 'content-length': 0 });
      return void response.end();
    }
    if (method === 'DELETE') {
      if (!connection) return sendAwsError(response, 410, 'GoneException');
      registry.delete(connectionId);
      connection.socket.close(1000, 'Connection deleted');
      response.writeHead(204);
      return void response.end();
    }
    if (method === 'GET') {
      if (!connection) return sendAwsError(response, 410, 'GoneException');
      return sendJson(response, 200, {
        connectedAt: new Date(connection.connectedAt).toISOString(),
        identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
        lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
      });
    }
    sendAwsError(response, 405, 'MethodNotAllowedException', 'Method not allowed');
  };
}
