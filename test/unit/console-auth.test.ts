import { afterEach, describe, expect, it } from '@jest/globals';
import { Auth } from '../../web/console/src/auth.ts';

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  clear(): void {
    this.#items.clear();
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
}

function jwtWithExp(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ exp })}.sig`;
}

function jsonFetch(answers: (body: string) => { status: number; json: unknown }) {
  const bodies: string[] = [];
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    const body = String(init?.body ?? '');
    bodies.push(body);
    const answer = answers(body);
    return new Response(JSON.stringify(answer.json), { status: answer.status });
  }) as typeof fetch;
  return { bodies, fetchFn };
}

const cognito = {
  mode: 'cognito' as const,
  domain: 'https://auth.example.com',
  clientId: 'client123',
  redirectUri: 'https://app.example.com/console/',
  logoutUri: 'https://app.example.com/console/',
  scopes: ['openid'],
};
const local = { mode: 'local' as const, tokenUrl: '/dev/token', technicians: [{ username: 'alice', displayName: 'Alice Adler' }] };

const created: Auth[] = [];
afterEach(() => {
  for (const auth of created.splice(0)) auth.dispose();
});
function track(auth: Auth): Auth {
  created.push(auth);
  return auth;
}

describe('local sign-in', () => {
  it('stores the token from POST tokenUrl in sessionStorage and returns it until it expires', async () => {
    const storage = new MemoryStorage();
    const token = jwtWithExp(10_000);
    const { bodies, fetchFn } = jsonFetch(() => ({ status: 200, json: { token } }));
    let now = 1_000_000;
    const auth = track(new Auth(local, storage, fetchFn, () => now));
    await auth.signInLocal('alice');
    expect(JSON.parse(bodies[0] ?? '{}')).toEqual({ username: 'alice' });
    expect(await auth.token()).toBe(token);
    expect(track(new Auth(local, storage, fetchFn, () => now)).isSignedIn()).toBe(true);
    now = 10_000_001;
    expect(await auth.token()).toBeUndefined();
    expect(storage.getItem('console.tokens')).toBeNull();
  });

  it('reports an unknown user with the service message', async () => {
    const { fetchFn } = jsonFetch(() => ({ status: 404, json: { error: { code: 'not_found', message: 'no technician "mallory"' } } }));
    const auth = track(new Auth(local, new MemoryStorage(), fetchFn));
    await expect(auth.signInLocal('mallory')).rejects.toMatchObject({ kind: 'refused', message: 'no technician "mallory"' });
    expect(auth.isSignedIn()).toBe(false);
  });

  it('signs out without a logout URL', async () => {
    const { fetchFn } = jsonFetch(() => ({ status: 200, json: { token: jwtWithExp(2_000_000_000) } }));
    const auth = track(new Auth(local, new MemoryStorage(), fetchFn));
    await auth.signInLocal('alice');
    expect(auth.signOut()).toBeUndefined();
    expect(await auth.token()).toBeUndefined();
  });
});

describe('Cognito sign-in', () => {
  it('completes the hosted-UI return with the stored verifier, refreshes near expiry, logs out at the hosted UI', async () => {
    const storage = new MemoryStorage();
    let now = 0;
    const first = jwtWithExp(3600);
    const second = jwtWithExp(7200);
    const { bodies, fetchFn } = jsonFetch((body) =>
      body.includes('authorization_code')
        ? { status: 200, json: { id_token: first, refresh_token: 'refresh-1', expires_in: 3600 } }
        : { status: 200, json: { id_token: second, expires_in: 3600 } },
    );
    const auth = track(new Auth(cognito, storage, fetchFn, () => now));
    const url = new URL(await auth.beginCognitoSignIn((bytes) => bytes.fill(7), crypto.subtle));
    const state = url.searchParams.get('state') ?? '';
    expect(await auth.completeCognitoSignIn(new URL(`https://app.example.com/console/?code=the-code&state=${state}`))).toBe(true);
    expect(new URLSearchParams(bodies[0]).get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(await auth.token()).toBe(first);

    now = 3600_000 - 60_000; // inside the refresh margin
    expect(await auth.token()).toBe(second);
    expect(new URLSearchParams(bodies[1]).get('refresh_token')).toBe('refresh-1');

    const logout = auth.signOut();
    expect(logout).toBe('https://auth.example.com/logout?client_id=client123&logout_uri=https%3A%2F%2Fapp.example.com%2Fconsole%2F');
    expect(auth.isSignedIn()).toBe(false);
  });

  it('does not sign in when the returned state was never issued here', async () => {
    const { bodies, fetchFn } = jsonFetch(() => ({ status: 200, json: {} }));
    const auth = track(new Auth(cognito, new MemoryStorage(), fetchFn));
    await expect(auth.completeCognitoSignIn(new URL('https://app.example.com/console/?code=c&state=forged'))).rejects.toMatchObject({
      kind: 'state_mismatch',
    });
    expect(bodies).toHaveLength(0);
    expect(auth.isSignedIn()).toBe(false);
  });

  it('treats a page without code/state as no sign-in return', async () => {
    const { fetchFn } = jsonFetch(() => ({ status: 200, json: {} }));
    const auth = track(new Auth(cognito, new MemoryStorage(), fetchFn));
    expect(await auth.completeCognitoSignIn(new URL('https://app.example.com/console/'))).toBe(false);
  });

  it('signs out when the refresh token is refused', async () => {
    const storage = new MemoryStorage();
    storage.setItem('console.tokens', JSON.stringify({ idToken: 'old', refreshToken: 'revoked', expiresAt: 1000 }));
    const { fetchFn } = jsonFetch(() => ({ status: 400, json: { error: 'invalid_grant' } }));
    const auth = track(new Auth(cognito, storage, fetchFn, () => 5000));
    expect(await auth.token()).toBeUndefined();
    expect(auth.isSignedIn()).toBe(false);
  });
});
