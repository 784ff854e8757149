import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { HandlerTimeoutError, invokeHandler, type BoundHandler, type Logger } from './lambda-invoker.ts';
import { httpEvent } from './gateway-events.ts';
import { flattenHeaders, PayloadTooLargeError, readBody, RequestAbortedError, sendJson, sendPayloadTooLarge } from './http-io.ts';

/**
 * The local API Gateway HTTP API: matches a request against the route table,
 * plays the JWT authorizer for technician routes, builds the payload format
 * 2.0 event, invokes the handler in-process and maps its result back to HTTP,
 * with API Gateway's own answers where API Gateway answers itself
 * (404/401/500/503 as `{"message": ...}`).
 */
export interface HttpGatewayRoute extends BoundHandler {
  readonly method: string;
  /** With `{param}` placeholders, e.g. /api/sessions/{id}/pin. */
  readonly path: string;
  readonly auth: 'technician' | 'public';
}

export interface HttpGatewayOptions {
  readonly routes: readonly HttpGatewayRoute[];
  /** Verifies a bearer token as the JWT authorizer would (signature, iss, aud, exp); throws when invalid. */
  readonly verifyToken: (token: string) => Promise<JWTPayload>;
  readonly log: Logger;
  /** Default 1 MiB (API Gateway allows 10 MB; nothing here needs more than a few KB). */
  readonly maxBodyBytes?: number;
  /** Default 30 s, API Gateway's integration timeout. */
  readonly handlerTimeoutMs?: number;
}

export type HttpGateway = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

interface CompiledRoute {
  readonly route: HttpGatewayRoute;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

function compileRoute(route: HttpGatewayRoute): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(parameter[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, routeKey: `${route.method} ${route.path}`, pattern: new RegExp(`^${source}$`), parameterNames };
}

/**
 * Claims as API Gateway's JWT authorizer hands them to the integration: every
 * value a string, arrays as "[a b c]", numbers and booleans in their text form.
 */
export function apiGatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

function unauthorized(response: ServerResponse, reason: string): void {
  // API Gateway's JWT authorizer answers with this body and an RFC 6750 challenge.
  sendJson(
    response,
    401,
    { message: 'Unauthorized' },
    { 'www-authenticate': `Bearer error="invalid_token" error_description="${reason}"` },
  );
}

interface HandlerResponse {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/** Interprets a handler's return value by API Gateway's payload 2.0 response rules. */
export function toHttpResponse(result: unknown): HandlerResponse {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      cookies?: unknown;
      body?: unknown;
      isBase64Encoded?: unknown;
    };
    const statusCode = Number(structured.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
      throw new Error(`handler returned an invalid statusCode ${String(structured.statusCode)}`);
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    if (Array.isArray(structured.cookies) && structured.cookies.length > 0) headers['set-cookie'] = structured.cookies.map(String);
    const rawBody = structured.body === undefined || structured.body === null ? '' : String(structured.body);
    const body = structured.isBase64Encoded === true ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8');
    return { statusCode, headers, body };
  }
  const text = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text, 'utf8') };
}

export function createHttpGateway(options: HttpGatewayOptions): HttpGateway {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  // Literal paths before parameterised ones, as API Gateway prefers the most specific route.
  const compiled = options.routes.map(compileRoute).sort((a, b) => a.parameterNames.length - b.parameterNames.length);

  const match = (method: string, pathname: string) => {
    for (const candidate of compiled) {
      if (candidate.route.method !== method) continue;
      const found = candidate.pattern.exec(pathname);
      if (!found) continue;
      const pathParameters: Record<string, string> = {};
      candidate.parameterNames.forEach((name, index) => {
        const raw = found[index + 1] ?? '';
        try {
          pathParameters[name] = decodeURIComponent(raw);
        } catch {
          pathParameters[name] = raw;
        }
      });
      return { candidate, pathParameters };
    }
    return undefined;
  };

  return async (request, response, url) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const matched = match(method, url.pathname);
    if (!matched) return sendJson(response, 404, { message: 'Not Found' });
    const { candidate, pathParameters } = matched;

    let authorizer: { jwt: { claims: Record<string, string>; scopes: null } } | undefined;
    if (candidate.route.auth === 'technician') {
      const header = request.headers.authorization ?? '';
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!bearer?.[1]) return unauthorized(response, 'missing bearer token');
      try {
        authorizer = { jwt: { claims: apiGatewayClaims(await options.verifyToken(bearer[1])), scopes: null } };
      } catch (error) {
        return unauthorized(
          response,
          error instanceof Error && /exp/i.test(error.message) ? 'the token has expired' : 'the token is not valid',
        );
      }
    }

    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return sendPayloadTooLarge(response, maxBodyBytes);
      if (error instanceof RequestAbortedError) return options.log.info(`[http] ${method} ${url.pathname}: ${error.message}`);
      throw error;
    }

    const event = httpEvent({
      request,
      url,
      method,
      routeKey: candidate.routeKey,
      headers: flattenHeaders(request),
      pathParameters,
      body,
      authorizer,
    });

    let result: HandlerResponse;
    try {
      result = toHttpResponse(await invokeHandler(candidate.route, event, handlerTimeoutMs));
    } catch (error) {
      if (error instanceof HandlerTimeoutError) {
        options.log.error(`[http] ${candidate.routeKey}: ${error.message}`);
        return sendJson(response, 503, { message: 'Service Unavailable' });
      }
      options.log.error(`[http] ${candidate.routeKey} (${candidate.route.name}) failed:`, error);
      return sendJson(response, 500, { message: 'Internal Server Error' });
    }
    response.writeHead(result.statusCode, { ...result.headers, 'content-length': result.body.length });
    response.end(method === 'HEAD' ? undefined : result.body);
  };
}
