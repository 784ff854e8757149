import { webcrypto } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  authorizeUrl,
  base64UrlEncode,
  beginSignIn,
  codeChallengeFor,
  completeSignIn,
  jwtExpiry,
  logoutUrl,
  readCallback,
  refreshBody,
  refreshDelay,
  refreshMarginMilliseconds,
  requestTokens,
  SignInError,
  type CognitoSettings,
} from '../../web/console/src/cognito.ts';

const settings: CognitoSettings = {
  domain: 'https://support-example.auth.eu-central-1.amazoncognito.com/',
  clientId: 'client123',
  redirectUri: 'https://support.example.com/console/',
  logoutUri: 'https://support.example.com/console/',
  scopes: ['openid', 'email', 'profile'],
};

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

function jwtWithExp(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'x', exp })}.signature`;
}

function recordingFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the RFC appendix B example', async () => {
    expect(await codeChallengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', subtle)).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('encodes base64url without padding or +/ characters', () => {
    expect(base64UrlEncode(new Uint8Array([251, 255, 191]))).toBe('-_-_');
    expect(base64UrlEncode(new Uint8Array([1]))).toBe('AQ');
  });

  it('begins a sign-in with a fresh verifier of legal length and a matching challenge in the URL', async () => {
    const { url, pending } = await beginSignIn(settings, (bytes) => webcrypto.getRandomValues(bytes), subtle);
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(pending.state).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://support-example.auth.eu-central-1.amazoncognito.com/oauth2/authorize');
    expect(parsed.searchParams.get('code_challenge')).toBe(await codeChallengeFor(pending.verifier, subtle));
    expect(parsed.searchParams.get('state')).toBe(pending.state);
    const second = await beginSignIn(settings, (bytes) => webcrypto.getRandomValues(bytes), subtle);
    expect(second.pending.verifier).not.toBe(pending.verifier);
  });
});

describe('hosted UI URLs', () => {
  it('builds the authorize URL with every parameter Cognito needs', () => {
    const url = new URL(authorizeUrl(settings, 'state-1', 'challenge-1'));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'https://support.example.com/console/',
      scope: 'openid email profile',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
  });

  it('builds the logout URL with client id and logout URI', () => {
    const url = new URL(logoutUrl(settings));
    expect(url.pathname).toBe('/logout');
    expect(url.searchParams.get('client_id')).toBe('client123');
    expect(url.searchParams.get('logout_uri')).toBe('https://support.example.com/console/');
  });

  it('reads code, error or nothing from the redirect', () => {
    expect(readCallback(new URL('https://x/console/?code=abc&state=s1'))).toEqual({ code: 'abc', state: 's1' });
    expect(readCallback(new URL('https://x/console/?error=access_denied&error_description=nope&state=s1'))).toEqual({
      error: 'nope',
      state: 's1',
    });
    expect(readCallback(new URL('https://x/console/'))).toBeUndefined();
  });
});

describe('token exchange', () => {
  it('exchanges the code with the verifier and takes the expiry from the id token', async () => {
    const exp = 2_000_000_000;
    const { calls, fetchFn } = recordingFetch(200, {
      id_token: jwtWithExp(exp),
      access_token: 'a',
      refresh_token: 'r1',
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const tokens = await completeSignIn(settings, { code: 'code-1', state: 's1' }, { state: 's1', verifier: 'v1' }, fetchFn, () => 0);
    expect(tokens).toEqual({ idToken: jwtWithExp(exp), refreshToken: 'r1', expiresAt: exp * 1000 });
    expect(calls[0]?.url).toBe('https://support-example.auth.eu-central-1.amazoncognito.com/oauth2/token');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(new Headers(calls[0]?.init?.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]?.init?.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client123',
      code: 'code-1',
      redirect_uri: 'https://support.example.com/console/',
      code_verifier: 'v1',
    });
  });

  it('refuses a return whose state does not match, without calling the token endpoint', async () => {
    const { calls, fetchFn } = recordingFetch(200, {});
    await expect(
      completeSignIn(settings, { code: 'c', state: 'forged' }, { state: 's1', verifier: 'v' }, fetchFn, () => 0),
    ).rejects.toMatchObject({ kind: 'state_mismatch' });
    await expect(completeSignIn(settings, { code: 'c', state: 's1' }, undefined, fetchFn, () => 0)).rejects.toBeInstanceOf(SignInError);
    expect(calls).toHaveLength(0);
  });

  it('keeps the previous refresh token when a refresh answer has none', async () => {
    const { calls, fetchFn } = recordingFetch(200, { id_token: 'not-a-jwt', expires_in: 60 });
    const tokens = await requestTokens(settings, refreshBody(settings, 'r-old'), fetchFn, () => 1000, 'r-old');
    expect(tokens).toEqual({ idToken: 'not-a-jwt', refreshToken: 'r-old', expiresAt: 61_000 });
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]?.init?.body)))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client123',
      refresh_token: 'r-old',
    });
  });

  it('reports a refusal with Cognito\u2019s own reason, and a network failure as such', async () => {
    const refused = recordingFetch(400, { error: 'invalid_grant', error_description: 'Refresh Token has expired' });
    await expect(requestTokens(settings, refreshBody(settings, 'r'), refused.fetchFn, () => 0)).rejects.toMatchObject({
      kind: 'refused',
      message: 'Refresh Token has expired',
    });
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(requestTokens(settings, refreshBody(settings, 'r'), offline, () => 0)).rejects.toMatchObject({ kind: 'network' });
    const empty = recordingFetch(200, { access_token: 'only' });
    await expect(requestTokens(settings, refreshBody(settings, 'r'), empty.fetchFn, () => 0)).rejects.toMatchObject({ kind: 'malformed' });
  });
});

describe('expiry and refresh timing', () => {
  it('reads exp from a JWT and tolerates garbage', () => {
    expect(jwtExpiry(jwtWithExp(1234))).toBe(1_234_000);
    expect(jwtExpiry('garbage')).toBeUndefined();
    expect(jwtExpiry('a.%%%.c')).toBeUndefined();
  });

  it('schedules the refresh a margin before expiry, never in the past', () => {
    expect(refreshDelay(1_000_000, 0)).toBe(1_000_000 - refreshMarginMilliseconds);
    expect(refreshDelay(1000, 5000)).toBe(0);
  });
});
