import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Dependencies } from '#domain/dependencies';
import { DomainError, Forbidden, PayloadTooLarge, ValidationFailed, errorBody, internalErrorBody } from '#domain/errors';
import { technicianFromClaims, type Technician } from '#domain/technician';
import { actingTechnician, clientFromClaims, type ClientScope } from '#domain/integration-clients';
import { technicianDirectory } from './technician-directory.ts';
import { environmentVariables } from '#domain/config';
import { viewerAddressIp } from '#domain/client-identity';
import { timingSafeEqual } from 'node:crypto';
import { originVerifySecretLoader } from './secret-loaders.ts';
import { StorageUnavailable } from '#storage/faults';
import { dependencies, handlerTable } from './dependencies.ts';
import { logger } from './logger.ts';

/** API Gateway accepts up to 10 MB; nothing here needs more than a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface HttpRequest {
  readonly body: unknown;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly queryParameters: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly client: { readonly ip: string; readonly userAgent?: string };
}

export interface TechnicianRequest extends HttpRequest {
  readonly technician: Technician;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const baseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Result {
  return { statusCode: status, headers: { ...baseHeaders, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: unknown): Result {
  if (error instanceof DomainError) {
    const retryAfter: Record<string, string> =
      error.retryAfterSeconds !== undefined ? { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } : {};
    return json(error.httpStatus, errorBody(error), retryAfter);
  }
  // Storage has already told a transient fault (throttled, timed out, unreachable) from a real one.
  if (error instanceof StorageUnavailable) {
    logger.warn('Storage throttled or timed out', { event: 'storage_unavailable', errorName: errorNameOf(error.cause) });
    return json(503, { error: { code: 'unavailable', message: 'The service is busy. Try again in a moment.' } }, { 'retry-after': '2' });
  }
  logger.error('Unhandled error', {
    event: 'unhandled_error',
    errorName: (error as Error)?.name,
    errorMessage: (error as Error)?.message,
    stack: (error as Error)?.stack,
  });
  return json(500, internalErrorBody);
}

function errorNameOf(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

function decodeBody(event: Event): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
  try {
    return JSON.parse(raw);
  } catch {
    throw new ValidationFailed('The request body is not valid JSON.');
  }
}

export function parseWith<T extends z.ZodMiniType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new ValidationFailed(`The request is not valid: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

const trustViewerAddress = process.env[environmentVariables.trustViewerAddress] === 'true';
const originVerifySecret = originVerifySecretLoader();

/**
 * The real client behind CloudFront, when the request provably came through
 * it: CloudFront adds the origin-verify secret, which a caller of the API's
 * own endpoint does not know, so it cannot forge CloudFront-Viewer-Address.
 */
async function verifiedViewerIp(headers: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (!trustViewerAddress) return undefined;
  const presented = headers['x-origin-verify'];
  if (!presented) return undefined;
  const accepted = await originVerifySecret();
  const given = Buffer.from(presented, 'utf8');
  if (!accepted.some((expected) => given.length === expected.length && timingSafeEqual(given, expected))) return undefined;
  return viewerAddressIp(headers['cloudfront-viewer-address']);
}

async function requestFrom(event: Event): Promise<HttpRequest> {
  const headers = event.headers ?? {};
  const viewerIp = await verifiedViewerIp(headers);
  return {
    body: decodeBody(event),
    pathParameters: event.pathParameters ?? {},
    queryParameters: event.queryStringParameters ?? {},
    headers,
    client: {
      ip: viewerIp ?? event.requestContext?.http?.sourceIp ?? 'unknown',
      userAgent: event.requestContext?.http?.userAgent ?? headers['user-agent'],
    },
  };
}

/** A public route: parse, call one domain function, map its result or error. */
export function publicRoute(handle: (request: HttpRequest, deps: Dependencies) => Promise<HttpResponse>) {
  return async (event: Event, _context?: Context): Promise<Result> => {
    try {
      const response = await handle(await requestFrom(event), dependencies());
      return json(response.status, response.body, response.headers);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export interface TechnicianRouteOptions {
  /**
   * Integration clients (client-credentials tokens) may use this route with this scope, acting for
   * the session's technician (or the one the body names, on create). Without it they get 403.
   */
  readonly clientScope?: ClientScope;
}

/** The technician the request acts as: the token's, or the one an integration client acts for. */
async function requestingTechnician(
  event: Event,
  request: HttpRequest,
  deps: Dependencies,
  options: TechnicianRouteOptions,
): Promise<Technician> {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const client = clientFromClaims(claims);
  if (!client) return technicianFromClaims(claims);
  if (!options.clientScope) throw new Forbidden('This route is for technicians; integration clients cannot use it.');
  const sessionId = request.pathParameters.id !== undefined ? sessionIdFrom(request) : undefined;
  const named = (request.body as { technician?: unknown } | undefined)?.technician;
  return actingTechnician(deps, technicianDirectory(handlerTable()), client, options.clientScope, {
    ...(sessionId !== undefined ? { sessionId } : { technicianUsername: named }),
  });
}

/** A technician route: API Gateway's JWT authorizer has verified the token; the claims name the technician. */
export function technicianRoute(
  handle: (request: TechnicianRequest, deps: Dependencies) => Promise<HttpResponse>,
  options: TechnicianRouteOptions = {},
) {
  return async (event: Event, _context?: Context): Promise<Result> => {
    try {
      const request = await requestFrom(event);
      const deps = dependencies();
      const technician = await requestingTechnician(event, request, deps, options);
      const response = await handle({ ...request, technician }, deps);
      return json(response.status, response.body, response.headers);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function sessionIdFrom(request: HttpRequest): string {
  const id = request.pathParameters.id ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ValidationFailed('The session id is not valid.', ['id: expected a session id']);
  return id;
}

/** The customer page's progress token, sent as a Bearer token. */
export function bearerToken(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const authorization = headers.authorization ?? headers.Authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : undefined;
}
