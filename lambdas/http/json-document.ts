import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A handler answering one JSON document, serialized once per cold start; it is the same for every caller. */
export function jsonDocumentHandler(document: unknown): () => Promise<APIGatewayProxyStructuredResultV2> {
  const body = JSON.stringify(document);
  return async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
    body,
  });
}
