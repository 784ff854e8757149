import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { LocalTechnician } from '#storage/directory';
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
  /** Verifies signature, issuer, audience and expiry; throws otherwise. */
  verify(token: string): Promise<JWTPayload>;
  jwks(): JSONWebKeySet;
  /** Serves POST /dev/token, GET /dev/technicians, GET /dev/.well-known/jwks.json; false for other paths. */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<boolean>;
}

const signingAlgorithm = 'ES256';
const tokenRequestSchema = z.object({ username: z.string().trim().min(1).max(128) }).strict();

export async function createDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const { privateKey, publicKey } = (await generateKeyPair(signingAlgorithm, { extractable: true })) as {
    privateKey: CryptoKey;
    publicKey: CryptoKey;
  };
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

  const verify = async (token: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: options.issuer(),
      audience: options.audience,
      algorithms: [signingAlgorithm],
    });
    return payload;
  };

  const handleTokenRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let raw: Buffer;
    try {
      raw = await readBody(request, 16 * 1024);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return sendPayloadTooLarge(response, error.limitBytes);
      throw error;
    }
    let parsed: z.infer<typeof tokenRequestSchema>;
    try {
      parsed = tokenRequestSchema.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      return sendError(response, 400, 'validation_failed', 'Send a JSON body like {"username": "alice"}.');
    }
    const technician = await options.findTechnician(parsed.username);
    if (!technician) return sendError(response, 404, 'not_found', `No local technician named "${parsed.username}".`);
    sendJson(response, 200, { token: await issueToken(technician) }, { 'cache-control': 'no-store' });
  };

  return {
    audience: options.audience,
    issuer: options.issuer,
    issueToken,
    verify,
    jwks: () => ({ keys: [publicJwk] }),
    async handle(request, response, pathname) {
      const method = request.method ?? 'GET';
      if (pathname === '/dev/token') {
        if (method !== 'POST') sendError(response, 405, 'method_not_allowed', 'Use POST.', { allow: 'POST' });
        else await handleTokenRequest(request, response);
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
