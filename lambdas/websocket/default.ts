import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { ValidationFailed } from '#domain/errors';
import { dependencies } from '#shared/dependencies';
import { parseClientMessage, refuseExpiredToken, tellSender } from '#shared/websocket';

/** Whatever no route took: malformed JSON, a missing or unknown action. The sender is told why; the connection stays. */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  const deps = dependencies();
  try {
    refuseExpiredToken(event, deps);
    parseClientMessage(event.body);
    throw new ValidationFailed('This message could not be routed.');
  } catch (error) {
    await tellSender(deps, event.requestContext.connectionId, error);
  }
  return { statusCode: 200 };
};
