import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { LocalTechnician } from '#storage/directory';
import type { IntegrationClient } from '#storage/clients';
import { RESOURCE_SERVER } from '#domain/integration-clients';
import { PayloadTooLargeError, readBody, sendError, sendJson, sendPayloadTooLarge } from './http-io.ts';

/**
 * The local stand-in for Cognito: it signs ID tokens with a key generated per
 * run and serves the public half as a JWKS, so both token checks work exactly
 * as in AWS (the HTTP gateway verifies where API Gateway's JWT authorizer
 * would; the WebSocket authorizer Lambda fetches the JWKS from the issuer).
 * It exists only locally; the deployed stack has no /dev routes.
 */
export interface DevIdentityProviderOptions {
  /** The `iss` claim; evaluated lazily because the port is known only after listen. */
  readonly issuer: () => string;
  readonly audience: string;
  readonly findTechnician: (username: string) => Promise<LocalTechnician | undefined>;
  readonly listTechnicians: () => Promise<readonly LocalTechnician[]>;
  /** Integration clients that may get a client-credentials token from POST /dev/client-token. */
  readonly findClient?: (clientId: string) => Promise<IntegrationClient | undefined>;
}

export interface IssueTokenOptions {
  /** Default 3600, like Cognito's ID token. */
  readonly lifetimeSeconds?: number;
  /** Unix seconds; default now. Lets tests mint expired tokens. */
  readonly issuedAt?: number;
}

export interface DevIdentityProvider {
  readonly audience: string;
  issuer(): string;
  issueToken(technician: LocalTechnician, options?: IssueTokenOptions): Promise<string>;
  /** A client-credentials access token, shaped as Cognito issues it (no `aud`; `client_id` and `scope`). */
  issueClientToken(clientId: string, scopes: readonly string[], options?: IssueTokenOptions): Promise<string>;
  /** Verifies signature, issuer, audience (or, for access tokens, a client id) and expiry; throws otherwise. */
  verify(token: string): Promise<JWTPayload>;
  jwks(): JSONWebKeySet;
  /** Serves POST /dev/token, POST /dev/client-token, GET /dev/technicians, GET /dev/.well-known/jwks.json; false for other paths. */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean>;
}

const signingAlgorithm = 'ES256';
const tokenRequestSchema = z.object({ username: z.string().trim().min(1).max(128) }).strict();
const clientTokenRequestSchema = z
  .object({ clientId: z.string().trim().min(1).max(128), scope: z.string().trim().max(500).optional() })
  .strict();
const clientScopes = [`${RESOURCE_SERVER}/sessions.read`, `${RESOURCE_SERVER}/sessions.write`];

/** The request's JSON body as the schema reads it; undefined once an error has been sent. */
async function readJsonRequest<T>(
  request: IncomingMessage,
  response: ServerResponse,
  schema: z.ZodType<T>,
  usage: string,
): Promise<T | undefined> {
  let raw: Buffer;
  try {
    raw = await readBody(request, 16 * 1024);
  } catch (error) {
    if (error instanceof PayloadTooLargeError) {
      sendPayloadTooLarge(response, error.limitBytes);
      return undefined;
    }
    throw error;
  }
  try {
    return schema.parse(JSON.parse(raw.toString('utf8')));
  } catch {
    sendError(response, 400, 'validation_failed', usage);
    return undefined;
  }
}

export async function createDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const { privateKey, publicKey } = await generateKeyPair(signingAlgorithm, { extractable: true });
  const keyId = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid: keyId, alg: signingAlgorithm, use: 'sig' };

  const issueToken = async (technician: LocalTechnician, issue: IssueTokenOptions = {}): Promise<string> => {
    const issuedAt = issue.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      'cognito:username': technician.username,
      'cognito:groups': [...technician.groups],
      name: technician.displayName,
      token_use: 'id',
      auth_time: issuedAt,
    })
      .setProtectedHeader({ alg: signingAlgorithm, kid: keyId, typ: 'JWT' })
      .setSubject(technician.sub)
      .setIssuer(options.issuer())
      .setAudience(options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (issue.lifetimeSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(privateKey);
  };

  const issueClientToken = async (clientId: string, scopes: readonly string[], issue: IssueTokenOptions = {}): Promise<string> => {
    const issuedAt = issue.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: clientId, scope: scopes.join(' '), token_use: 'access', auth_time: issuedAt })
      .setProtectedHeader({ alg: signingAlgorithm, kid: keyId, typ: 'JWT' })
      .setSubject(clientId)
      .setIssuer(options.issuer())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (issue.lifetimeSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(privateKey);
  };

  const verify = async (token: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, publicKey, { issuer: options.issuer(), algorithms: [signingAlgorithm] });
    // As API Gateway's JWT authorizer: the audience is `aud`, or `client_id` when a token has no `aud`.
    const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (audiences.includes(options.audience)) return payload;
    if (
      payload.aud === undefined &&
      payload.token_use === 'access' &&
      typeof payload.client_id === 'string' &&
      (await options.findClient?.(payload.client_id))
    ) {
      return payload;
    }
    throw new Error('unexpected "aud" claim value');
  };

  const handleClientTokenRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const parsed = await readJsonRequest(
      request,
      response,
      clientTokenRequestSchema,
      'Send a JSON body like {"clientId": "helpdesk-demo"} (optionally "scope": "remote-support/sessions.read").',
    );
    if (!parsed) return;
    const client = await options.findClient?.(parsed.clientId);
    if (!client) return sendError(response, 404, 'not_found', `No integration client "${parsed.clientId}".`);
    const requested = parsed.scope ? parsed.scope.split(/\s+/) : clientScopes;
    const unknown = requested.filter((scope) => !clientScopes.includes(scope));
    if (unknown.length > 0)
      return sendError(response, 400, 'invalid_scope', `Unknown scope ${unknown.join(', ')}; known: ${clientScopes.join(', ')}.`);
    const token = await issueClientToken(client.clientId, requested);
    // The shape of an OAuth 2.0 token response, as Cognito's /oauth2/token answers.
    sendJson(
      response,
      200,
      { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: requested.join(' ') },
      { 'cache-control': 'no-store' },
    );
  };

  const handleTokenRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const parsed = await readJsonRequest(request, response, tokenRequestSchema, 'Send a JSON body like {"username": "alice"}.');
    if (!parsed) return;
    const technician = await options.findTechnician(parsed.username);
    if (!technician) return sendError(response, 404, 'not_found', `No local technician named "${parsed.username}".`);
    sendJson(response, 200, { token: await issueToken(technician) }, { 'cache-control': 'no-store' });
  };

  return {
    audience: options.audience,
    issuer: options.issuer,
    issueToken,
    issueClientToken,
    verify,
    jwks: () => ({ keys: [publicJwk] }),
    async handle(request, response, pathname) {
      const method = request.method ?? 'GET';
      if (pathname === '/dev/token') {
        if (method !== 'POST') sendError(response, 405, 'method_not_allowed', 'Use POST.', { allow: 'POST' });
        else await handleTokenRequest(request, response);
        return true;
      }
      if (pathname === '/dev/client-token') {
        if (method !== 'POST') sendError(response, 405, 'method_not_allowed', 'Use POST.', { allow: 'POST' });
        else await handleClientTokenRequest(request, response);
        return true;
      }
      if (pathname === '/dev/.well-known/jwks.json' && (method === 'GET' || method === 'HEAD')) {
        sendJson(response, 200, { keys: [publicJwk] });
        return true;
      }
      if (pathname === '/dev/technicians' && (method === 'GET' || method === 'HEAD')) {
        const technicians = await options.listTechnicians();
        sendJson(response, 200, { technicians: technicians.map(({ username, displayName }) => ({ username, displayName })) });
        return true;
      }
      return false;
    },
  };
}
