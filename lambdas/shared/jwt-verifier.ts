import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { environmentVariables } from '#domain/config';

/**
 * Verifies technician JWTs the way API Gateway's JWT authorizer does: the
 * issuer's JWKS (Cognito's, or the local identity provider's), issuer and
 * audience (the console's app client id), expiry. Only ID tokens carry the
 * groups and name the service needs.
 */
export function jwtVerifierFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env) {
  const issuer = env[environmentVariables.jwtIssuer];
  const audience = env[environmentVariables.jwtAudience];
  if (!issuer || !audience) throw new Error(`${environmentVariables.jwtIssuer} and ${environmentVariables.jwtAudience} must be set`);
  const keys = createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/.well-known/jwks.json`), {
    cooldownDuration: 30_000,
    timeoutDuration: 3_000,
  });
  return async (token: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, keys, { issuer, audience, clockTolerance: 5 });
    if (payload.token_use !== undefined && payload.token_use !== 'id') throw new Error('not an ID token');
    return payload;
  };
}
