import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { apiGatewayTime, sourceIp } from './http-io.ts';

/**
 * The Lambda events API Gateway builds: the HTTP API's payload format 2.0,
 * and the WebSocket API's REQUEST authorizer, `$connect`, message and
 * `$disconnect` events. Pure functions of the request, so the gateways only
 * decide when to build which.
 */

const apiId = 'local';
const stage = '$default';
const accountId = '000000000000';

export const connectMethodArn = `arn:aws:execute-api:us-east-1:${accountId}:${apiId}/${stage}/$connect`;

const textContentType = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|[a-z0-9.+-]+\+(json|xml))\b)/i;

export interface HttpEventInput {
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly method: string;
  readonly routeKey: string;
  /** Lowercased, repeated values joined (flattenHeaders). */
  readonly headers: Record<string, string>;
  readonly pathParameters: Record<string, string>;
  readonly body: Buffer;
  readonly authorizer?: { jwt: { claims: Record<string, string>; scopes: null } };
}

/** The HTTP API's payload format 2.0 event. */
export function httpEvent(input: HttpEventInput) {
  const { request, url, method, routeKey, pathParameters, body, authorizer } = input;
  const headers = { ...input.headers };
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const queryStringParameters: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) queryStringParameters[name] = url.searchParams.getAll(name).join(',');
  const isBase64Encoded = body.length > 0 && !textContentType.test(headers['content-type'] ?? '');
  const now = new Date();
  const domainName = headers.host ?? url.host;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.startsWith('?') ? url.search.slice(1) : '',
    ...(cookieHeader ? { cookies: cookieHeader.split(/;\s*/).filter(Boolean) } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId,
      apiId,
      ...(authorizer ? { authorizer } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: sourceIp(request),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage,
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(body.length > 0 ? { body: body.toString(isBase64Encoded ? 'base64' : 'utf8') } : {}),
    isBase64Encoded,
  };
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

function queryParameters(url: URL): {
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
} {
  const names = [...new Set(url.searchParams.keys())];
  if (names.length === 0) return {};
  return {
    queryStringParameters: Object.fromEntries(names.map((name) => [name, url.searchParams.getAll(name).at(-1) ?? ''])),
    multiValueQueryStringParameters: Object.fromEntries(names.map((name) => [name, url.searchParams.getAll(name)])),
  };
}

/**
 * The events of one WebSocket connection, from its upgrade request on. The
 * authorizer's context, once known, rides along in every later event.
 */
export class WebSocketEvents {
  readonly connectionId = randomBytes(10).toString('base64');
  readonly connectedAt = Date.now();
  readonly #request: IncomingMessage;
  readonly #domainName: string;
  readonly #headers: ReturnType<typeof requestHeaders>;
  readonly #query: ReturnType<typeof queryParameters>;
  #authorizer: Record<string, unknown> | undefined;

  constructor(request: IncomingMessage, url: URL) {
    this.#request = request;
    this.#domainName = request.headers.host ?? url.host;
    this.#headers = requestHeaders(request);
    this.#query = queryParameters(url);
  }

  /** `requestContext.authorizer` of `$connect` and every later event: the policy's context plus `principalId`. */
  authorize(principalId: string, context: Record<string, unknown>): void {
    this.#authorizer = { ...context, principalId, integrationLatency: Date.now() - this.connectedAt };
  }

  get authorizerContext(): Readonly<Record<string, unknown>> | undefined {
    return this.#authorizer;
  }

  #baseContext() {
    const now = new Date();
    return {
      extendedRequestId: randomUUID(),
      requestTime: apiGatewayTime(now),
      messageDirection: 'IN',
      stage,
      connectedAt: this.connectedAt,
      requestTimeEpoch: now.getTime(),
      identity: { sourceIp: sourceIp(this.#request), userAgent: this.#request.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      domainName: this.#domainName,
      connectionId: this.connectionId,
      apiId,
    };
  }

  #routeContext(routeKey: string, eventType: string) {
    return { routeKey, eventType, ...this.#baseContext(), ...(this.#authorizer ? { authorizer: this.#authorizer } : {}) };
  }

  authorizerRequest() {
    return {
      type: 'REQUEST',
      methodArn: connectMethodArn,
      ...this.#headers,
      ...this.#query,
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', ...this.#baseContext() },
    };
  }

  connect() {
    return { ...this.#headers, ...this.#query, requestContext: this.#routeContext('$connect', 'CONNECT'), isBase64Encoded: false };
  }

  message(routeKey: string, body: string, isBase64Encoded: boolean) {
    return {
      requestContext: { ...this.#routeContext(routeKey, 'MESSAGE'), messageId: randomBytes(10).toString('base64') },
      body,
      isBase64Encoded,
    };
  }

  disconnect(code: number, reason: string) {
    return {
      ...this.#headers,
      requestContext: { ...this.#routeContext('$disconnect', 'DISCONNECT'), disconnectStatusCode: code, disconnectReason: reason },
      isBase64Encoded: false,
    };
  }
}
