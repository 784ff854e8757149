import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { dependencies } from '#shared/dependencies';
import { refuseExpiredToken, tellSender } from '#shared/websocket';

/**
 * `{"action": "ping"}` keeps an idle connection open; nothing is read, written or answered, except
 * that a technician whose token has expired is told so and closed (a ping must not keep it alive).
 */
export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  const deps = dependencies();
  try {
    refuseExpiredToken(event, deps);
  } catch (error) {
    await tellSender(deps, event.requestContext.connectionId, error);
  }
  return { statusCode: 200 };
};
