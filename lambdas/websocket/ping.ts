import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** `{"action": "ping"}` keeps an idle connection open; nothing is read, written or answered. */
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({ statusCode: 200 });
