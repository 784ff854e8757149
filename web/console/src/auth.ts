import type { SiteAuthConfig } from '../../shared/site-config.ts';
import {
  beginSignIn,
  completeSignIn,
  jwtExpiry,
  logoutUrl,
  readCallback,
  refreshBody,
  refreshDelay,
  requestTokens,
  SignInError,
  type CognitoSettings,
  type PendingSignIn,
  type TokenSet,
} from './cognito.ts';

const tokenKey = 'console.tokens';
const pendingKey = 'console.pendingSignIn';

/**
 * Holds the technician's tokens for this browser tab. sessionStorage, not
 * localStorage: the sign-in ends with the tab and is not shared with other
 * tabs, so two technicians can use two windows of one browser profile.
 */
export class Auth {
  #tokens: TokenSet | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<TokenSet | undefined> | undefined;

  constructor(
    private readonly config: SiteAuthConfig,
    private readonly storage: Storage,
    private readonly fetchFn: typeof fetch,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = this.#load();
  }

  get mode(): SiteAuthConfig['mode'] {
    return this.config.mode;
  }

  #load(): TokenSet | undefined {
    try {
      const parsed = JSON.parse(this.storage.getItem(tokenKey) ?? 'null') as TokenSet | null;
      if (parsed && typeof parsed.idToken === 'string' && typeof parsed.expiresAt === 'number') return parsed;
    } catch {
      // A damaged entry is the same as none: sign in again.
    }
    return undefined;
  }

  #store(tokens: TokenSet | undefined): void {
    this.#tokens = tokens;
    if (tokens) this.storage.setItem(tokenKey, JSON.stringify(tokens));
    else this.storage.removeItem(tokenKey);
    this.#scheduleRefresh();
  }

  #scheduleRefresh(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    const tokens = this.#tokens;
    if (!tokens?.refreshToken || this.config.mode !== 'cognito') return;
    this.#refreshTimer = setTimeout(() => void this.refresh(), refreshDelay(tokens.expiresAt, this.now()));
  }

  /** A usable id token, renewed first if it is about to lapse; undefined = must sign in. */
  async token(): Promise<string | undefined> {
    const tokens = this.#tokens;
    if (!tokens) return undefined;
    if (refreshDelay(tokens.expiresAt, this.now()) > 0) return tokens.idToken;
    if (tokens.refreshToken && this.config.mode === 'cognito') return (await this.refresh())?.idToken;
    if (tokens.expiresAt > this.now()) return tokens.idToken;
    this.#store(undefined);
    return undefined;
  }

  isSignedIn(): boolean {
    return this.#tokens !== undefined && (this.#tokens.expiresAt > this.now() || this.#tokens.refreshToken !== undefined);
  }

  /** Starts the stored refresh timer after a reload. */
  resume(): void {
    this.#scheduleRefresh();
  }

  async refresh(): Promise<TokenSet | undefined> {
    if (this.config.mode !== 'cognito') return this.#tokens;
    const refreshToken = this.#tokens?.refreshToken;
    if (!refreshToken) return undefined;
    this.#refreshing ??= requestTokens(this.#settings(), refreshBody(this.#settings(), refreshToken), this.fetchFn, this.now, refreshToken)
      .then((tokens) => {
        this.#store(tokens);
        return tokens;
      })
      .catch((error: unknown) => {
        // A refused refresh (revoked, expired) means signing in again; a network failure retries soon.
        if (error instanceof SignInError && error.kind === 'network') {
          this.#refreshTimer = setTimeout(() => void this.refresh(), 15_000);
          return this.#tokens && this.#tokens.expiresAt > this.now() ? this.#tokens : undefined;
        }
        this.#store(undefined);
        return undefined;
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  #settings(): CognitoSettings {
    if (this.config.mode !== 'cognito') throw new Error('not a Cognito configuration');
    return this.config;
  }

  /** Local runtime: the built-in identity provider issues a token for a seeded technician. */
  async signInLocal(username: string): Promise<void> {
    if (this.config.mode !== 'local') throw new Error('not a local configuration');
    let response: Response;
    try {
      response = await this.fetchFn(this.config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
    } catch {
      throw new SignInError('network', 'token endpoint unreachable');
    }
    const json = (await response.json().catch(() => undefined)) as { token?: unknown; error?: { message?: unknown } } | undefined;
    if (!response.ok || typeof json?.token !== 'string') {
      const message = typeof json?.error?.message === 'string' ? json.error.message : `HTTP ${response.status}`;
      throw new SignInError('refused', message);
    }
    this.#store({ idToken: json.token, expiresAt: jwtExpiry(json.token) ?? this.now() + 3_600_000 });
  }

  /** Cognito: remembers the PKCE verifier, then the caller navigates to the returned URL. */
  async beginCognitoSignIn(random: (bytes: Uint8Array) => Uint8Array, subtle: SubtleCrypto): Promise<string> {
    const { url, pending } = await beginSignIn(this.#settings(), random, subtle);
    this.storage.setItem(pendingKey, JSON.stringify(pending));
    return url;
  }

  /**
   * Finishes a hosted-UI return if `url` is one. Returns true when signed in by
   * it; throws SignInError when the return was bad; false when no return.
   */
  async completeCognitoSignIn(url: URL): Promise<boolean> {
    if (this.config.mode !== 'cognito') return false;
    const callback = readCallback(url);
    if (!callback) return false;
    const pending = JSON.parse(this.storage.getItem(pendingKey) ?? 'null') as PendingSignIn | null;
    this.storage.removeItem(pendingKey);
    if ('error' in callback) throw new SignInError('refused', callback.error);
    const tokens = await completeSignIn(this.#settings(), callback, pending ?? undefined, this.fetchFn, this.now);
    this.#store(tokens);
    return true;
  }

  /** Forgets the tokens; for Cognito returns the hosted UI logout URL to visit. */
  signOut(): string | undefined {
    this.#store(undefined);
    return this.config.mode === 'cognito' ? logoutUrl(this.config) : undefined;
  }

  dispose(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
  }
}
