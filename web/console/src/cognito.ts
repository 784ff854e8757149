/**
 * Cognito hosted UI sign-in: OAuth 2.0 authorization code with PKCE (RFC 7636),
 * for a public client (no secret in the browser). The id token is the Bearer
 * the HTTP API's JWT authorizer and the WebSocket authorizer verify (its `aud`
 * is the app client id); the refresh token renews it before it expires.
 */
export interface CognitoSettings {
  readonly domain: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly logoutUri: string;
  readonly scopes: readonly string[];
}

export interface TokenSet {
  readonly idToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds when the id token stops being accepted. */
  readonly expiresAt: number;
}

export class SignInError extends Error {
  constructor(
    readonly kind: 'state_mismatch' | 'refused' | 'network' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes -> 43 characters of the unreserved set, as RFC 7636 section 4.1 asks. */
export function createRandomString(random: (bytes: Uint8Array) => Uint8Array, byteLength = 32): string {
  return base64UrlEncode(random(new Uint8Array(byteLength)));
}

export async function codeChallengeFor(verifier: string, subtle: SubtleCrypto): Promise<string> {
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64UrlEncode(new Uint8Array(digest));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function authorizeUrl(settings: CognitoSettings, state: string, codeChallenge: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scopes.join(' '),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${trimSlash(settings.domain)}/oauth2/authorize?${query.toString()}`;
}

export function logoutUrl(settings: CognitoSettings): string {
  const query = new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri });
  return `${trimSlash(settings.domain)}/logout?${query.toString()}`;
}

export function tokenEndpoint(settings: CognitoSettings): string {
  return `${trimSlash(settings.domain)}/oauth2/token`;
}

export function codeExchangeBody(settings: CognitoSettings, code: string, verifier: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: settings.clientId,
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: verifier,
  });
}

export function refreshBody(settings: CognitoSettings, refreshToken: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken });
}

/** Reads `exp` from a JWT without verifying it: only to know when to renew. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Posts to the token endpoint. A refresh answer carries no new refresh token;
 * the previous one stays valid and is kept.
 */
export async function requestTokens(
  settings: CognitoSettings,
  body: URLSearchParams,
  fetchFn: typeof fetch,
  now: () => number,
  previousRefreshToken?: string,
): Promise<TokenSet> {
  let response: Response;
  try {
    response = await fetchFn(tokenEndpoint(settings), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  } catch {
    throw new SignInError('network', 'token endpoint unreachable');
  }
  const json = (await response.json().catch(() => undefined)) as
    { id_token?: unknown; refresh_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } | undefined;
  if (!response.ok) {
    const reason =
      typeof json?.error_description === 'string'
        ? json.error_description
        : typeof json?.error === 'string'
          ? json.error
          : `HTTP ${response.status}`;
    throw new SignInError('refused', reason);
  }
  if (!json || typeof json.id_token !== 'string') throw new SignInError('malformed', 'token response without id_token');
  const expiresIn = typeof json.expires_in === 'number' ? json.expires_in * 1000 : undefined;
  const expiresAt = jwtExpiry(json.id_token) ?? now() + (expiresIn ?? 3_600_000);
  const refreshToken = typeof json.refresh_token === 'string' ? json.refresh_token : previousRefreshToken;
  return refreshToken ? { idToken: json.id_token, refreshToken, expiresAt } : { idToken: json.id_token, expiresAt };
}

/** Renew this long before expiry, so a request never carries a token about to lapse. */
export const refreshMarginMilliseconds = 120_000;

export function refreshDelay(expiresAt: number, now: number): number {
  return Math.max(0, expiresAt - now - refreshMarginMilliseconds);
}

/** What is kept in sessionStorage between the redirect to the hosted UI and the return. */
export interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
}

export async function beginSignIn(
  settings: CognitoSettings,
  random: (bytes: Uint8Array) => Uint8Array,
  subtle: SubtleCrypto,
): Promise<{ url: string; pending: PendingSignIn }> {
  const verifier = createRandomString(random, 48);
  const state = createRandomString(random, 16);
  const challenge = await codeChallengeFor(verifier, subtle);
  return { url: authorizeUrl(settings, state, challenge), pending: { state, verifier } };
}

/** Reads the hosted UI's answer from the redirect URL; undefined when this is no sign-in return. */
export function readCallback(url: URL): { code: string; state: string } | { error: string; state: string } | undefined {
  const state = url.searchParams.get('state');
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  if (!state) return undefined;
  if (code) return { code, state };
  if (error) return { error: url.searchParams.get('error_description') ?? error, state };
  return undefined;
}

export async function completeSignIn(
  settings: CognitoSettings,
  callback: { code: string; state: string },
  pending: PendingSignIn | undefined,
  fetchFn: typeof fetch,
  now: () => number,
): Promise<TokenSet> {
  if (!pending || pending.state !== callback.state) throw new SignInError('state_mismatch', 'state does not match');
  return requestTokens(settings, codeExchangeBody(settings, callback.code, pending.verifier), fetchFn, now);
}
