import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { disconnected } from '#domain/live-connections';
import { dependencies } from '#shared/dependencies';
import { logger } from '#shared/logger';

export const handler = async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
  try {
    await disconnected(dependencies(), event.requestContext.connectionId);
  } catch (error) {
    logger.error('WebSocket disconnect cleanup failed', {
      event: 'unhandled_error',
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
  }
  return { statusCode: 200 };
};
