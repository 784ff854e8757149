import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { Dependencies } from '#domain/dependencies';
import { DomainError, PayloadTooLarge, TokenExpired, ValidationFailed } from '#domain/errors';
import { tokenExpired } from '#domain/live-connections';
import { messageLimits, takeMessage } from '#domain/message-limits';
import type { ErrorCode } from '#contracts/errors';
import { maxFrameBytes } from '#contracts/limits';
import { clientMessageSchema, type ClientMessage } from '#contracts/schemas/websocket';
import { dependencies } from './dependencies.ts';
import { StorageUnavailable } from '#storage/faults';
import { logger } from './logger.ts';

type Result = APIGatewayProxyResultV2;

export function parseClientMessage(body: string | undefined): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body ?? '');
  } catch {
    throw new ValidationFailed('The message is not valid JSON.');
  }
  // Signaling must fit one API Gateway frame (32 KB), so no side can depend on a gateway reassembling more.
  if ((raw as { action?: unknown } | null)?.action === 'screen' && Buffer.byteLength(body ?? '') > maxFrameBytes)
    throw new PayloadTooLarge(maxFrameBytes);
  const parsed = clientMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`);
    throw new ValidationFailed(`The message is not valid: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

/**
 * Refuses a message from a technician whose token has expired. The authorizer's context rides on
 * every event of the connection, so this costs no read; the domain checks the stored record too.
 */
export function refuseExpiredToken(event: APIGatewayProxyWebsocketEventV2, deps: Dependencies): void {
  const context = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  if (context?.role !== 'technician' || context.tokenExpiresAt === undefined) return;
  if (tokenExpired(Number(context.tokenExpiresAt), deps.clock.now())) throw new TokenExpired();
}

/**
 * A message route: parse the message, call one domain function. Any failure is
 * told to the sender as `{"type": "error"}`; the connection stays up, except when the
 * technician's token has expired (`token_expired`): then it is closed.
 */
export function messageRoute<A extends ClientMessage['action']>(
  action: A,
  handle: (message: Extract<ClientMessage, { action: A }>, connectionId: string, deps: Dependencies) => Promise<void>,
) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<Result> => {
    const connectionId = event.requestContext.connectionId;
    const deps = dependencies();
    try {
      refuseExpiredToken(event, deps);
      const message = parseClientMessage(event.body);
      if (message.action !== action) throw new ValidationFailed(`This route takes "${action}" messages.`);
      await takeMessage(deps, 'ws-connection', connectionId, messageLimits.perConnection);
      await handle(message as Extract<ClientMessage, { action: A }>, connectionId, deps);
    } catch (error) {
      await tellSender(deps, connectionId, error);
    }
    return { statusCode: 200 };
  };
}

export async function tellSender(deps: Dependencies, connectionId: string, error: unknown): Promise<void> {
  let code: ErrorCode = 'internal';
  let message = 'Something went wrong on our side.';
  if (error instanceof DomainError) {
    code = error.code;
    message = error.message;
  } else if (error instanceof StorageUnavailable) {
    code = 'unavailable';
    message = 'The service is busy. Try again in a moment.';
  } else {
    logger.error('Unhandled WebSocket error', {
      event: 'unhandled_error',
      errorName: (error as Error)?.name,
      errorMessage: (error as Error)?.message,
      stack: (error as Error)?.stack,
    });
  }
  await deps.notifier.toConnection(connectionId, { type: 'error', code, message });
  if (error instanceof TokenExpired) await deps.notifier.disconnect(connectionId);
}
