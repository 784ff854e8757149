import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { DomainError } from '#domain/errors';
import { appletConnected, pageConnected, technicianConnected } from '#domain/live-connections';
import { dependencies } from '#shared/dependencies';
import { logger } from '#shared/logger';

type ConnectEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & {
    authorizer?: Record<string, string | undefined>;
    identity?: { sourceIp?: string };
  };
};

/** Registers the connection the authorizer let in; the applet's arrival moves its session to waiting. */
export const handler = async (event: ConnectEvent): Promise<APIGatewayProxyResultV2> => {
  const context = event.requestContext.authorizer ?? {};
  const connectionId = event.requestContext.connectionId;
  const deps = dependencies();
  try {
    if (context.role === 'technician' && context.technicianId) {
      let groups: string[] = [];
      try {
        groups = JSON.parse(context.groups ?? '[]') as string[];
      } catch {
        groups = [];
      }
      const tokenExpiresAt = context.tokenExpiresAt ? Number(context.tokenExpiresAt) : Number.NaN;
      await technicianConnected(
        deps,
        connectionId,
        {
          id: context.technicianId,
          username: context.username ?? context.technicianId,
          displayName: context.displayName ?? context.username ?? context.technicianId,
          groups,
        },
        // Kept on the record: pushes to this connection stop, and the connection closes, once it passes.
        Number.isFinite(tokenExpiresAt) ? tokenExpiresAt : undefined,
      );
      return { statusCode: 200 };
    }
    if (context.role === 'applet' && context.sessionId && context.ticketHash) {
      await appletConnected(
        deps,
        connectionId,
        { sessionId: context.sessionId, ticketHash: context.ticketHash },
        { ip: event.requestContext.identity?.sourceIp },
      );
      return { statusCode: 200 };
    }
    if (context.role === 'page' && context.sessionId) {
      await pageConnected(deps, connectionId, context.sessionId);
      return { statusCode: 200 };
    }
    return { statusCode: 401 };
  } catch (error) {
    if (error instanceof DomainError) return { statusCode: error.httpStatus };
    logger.error('WebSocket connect failed', {
      event: 'unhandled_error',
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    return { statusCode: 500 };
  }
};
