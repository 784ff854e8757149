import type { SessionLogEntry, SessionView } from '../../../contracts/schemas/session.ts';
import type { ErrorCode } from '../../../contracts/errors.ts';
import { logPage } from '../../../contracts/limits.ts';
import type { MessageKey, Translate } from './i18n.ts';

export interface Me {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly groups: readonly string[];
  readonly permissions: { readonly privateSessions: boolean; readonly pinCode: boolean };
  /** A group of theirs makes typing the customer's verification code part of Start. */
  readonly verificationCodeAtStart?: boolean;
}

/** An API failure in the service's own terms: `{"error": {"code", "message"}}`, or `network`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The codes with a sentence of their own; pin_invalid reads as not_found, the rest as unknown. */
const knownCodes: ReadonlySet<string> = new Set<ErrorCode | 'network'>([
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid_transition',
  'pin_space_exhausted',
  'unavailable',
  'too_many_attempts',
  'internal',
  'network',
]);

/** Turns any failure into one sentence a technician can act on, in their language. */
export function describeError(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('error.internal');
  if (error.code === 'forbidden') {
    if (/pinCode/i.test(error.message)) return t('error.forbidden.pinCode');
    if (/privateSessions/i.test(error.message)) return t('error.forbidden.privateSessions');
    return t('error.forbidden', { message: error.message });
  }
  if (error.code === 'pin_invalid') return t('error.not_found');
  if (knownCodes.has(error.code)) return t(`error.${error.code}` as MessageKey, { message: error.message });
  return t('error.unknown', { status: error.status });
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Promise<string | undefined>,
    private readonly fetchFn: typeof fetch,
  ) {}

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const token = await this.token();
    if (!token) throw new ApiError(401, 'unauthorized', 'not signed in');
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'network error');
    }
    const json = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ApiError(
        response.status,
        typeof error?.code === 'string' ? error.code : response.status === 401 ? 'unauthorized' : 'unknown',
        typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    if (json === undefined) throw new ApiError(response.status, 'unknown', 'response is not JSON');
    return json as T;
  }

  async me(): Promise<Me> {
    return (await this.#request<{ technician: Me }>('GET', '/me')).technician;
  }

  async listSessions(): Promise<SessionView[]> {
    return (await this.#request<{ sessions: SessionView[] }>('GET', '/sessions')).sessions;
  }

  async getSession(id: string): Promise<SessionView> {
    return (await this.#request<{ session: SessionView }>('GET', `/sessions/${encodeURIComponent(id)}`)).session;
  }

  async getLog(id: string): Promise<SessionLogEntry[]> {
    const { stored, provisional } = await this.getLogSince(id, undefined);
    return [...stored, ...provisional];
  }

  /**
   * The log entries stored after `cursor` (all of them without one), page by
   * page, with the cursor to continue from next time; `provisional` entries (a
   * time-out the server has not finalized) are not behind any cursor.
   */
  async getLogSince(id: string, cursor: string | undefined): Promise<LogSince> {
    const stored: SessionLogEntry[] = [];
    let provisional: SessionLogEntry[] = [];
    let next = cursor;
    for (let page = 0; page < MAX_LOG_PAGES; page += 1) {
      const query = `?limit=${LOG_PAGE_SIZE}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`;
      const answer = await this.#request<LogPage>('GET', `/sessions/${encodeURIComponent(id)}/log${query}`);
      stored.push(...answer.entries.filter((entry) => entry.details?.provisional !== true));
      provisional = answer.entries.filter((entry) => entry.details?.provisional === true);
      next = answer.cursor ?? next;
      if (!answer.hasMore) break;
    }
    return { stored, provisional, cursor: next };
  }

  async createSession(customerName: string): Promise<SessionView> {
    return (await this.#request<{ session: SessionView }>('POST', '/sessions', { customerName })).session;
  }

  async createPin(id: string): Promise<{ pin: string; expiresAt: string }> {
    return this.#request<{ pin: string; expiresAt: string }>('POST', `/sessions/${encodeURIComponent(id)}/pin`);
  }

  async start(id: string, verificationCode?: string): Promise<SessionView> {
    const body = verificationCode === undefined ? undefined : { verificationCode };
    return (await this.#request<{ session: SessionView }>('POST', `/sessions/${encodeURIComponent(id)}/start`, body)).session;
  }

  /** STUN/TURN servers for viewing this session's screen (short-lived credentials in AWS). */
  async iceServers(id: string): Promise<unknown> {
    return this.#request<unknown>('GET', `/sessions/${encodeURIComponent(id)}/ice-servers`);
  }

  async close(id: string): Promise<SessionView> {
    return (await this.#request<{ session: SessionView }>('POST', `/sessions/${encodeURIComponent(id)}/close`)).session;
  }
}

interface LogPage {
  readonly entries: SessionLogEntry[];
  readonly cursor?: string;
  readonly hasMore: boolean;
}

export interface LogSince {
  readonly stored: SessionLogEntry[];
  readonly provisional: SessionLogEntry[];
  readonly cursor: string | undefined;
}

const LOG_PAGE_SIZE = logPage.maxLimit;
/** A session's log is bounded (about 2,000 entries); this only stops a misbehaving server from looping us. */
const MAX_LOG_PAGES = 50;
