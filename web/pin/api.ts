/**
 * The two public calls the PIN page makes, turned into outcomes the page can
 * word for a customer. No error code or server message ever reaches the
 * screen: unknown/expired/used PINs are one outcome, as the service intends.
 */
import { downloadPlatforms, type DownloadPlatform } from '../../contracts/downloads.ts';
import { isCustomerStatus } from '../../contracts/statuses.ts';
import type { ProgressStatus } from './i18n.ts';

export { downloadPlatforms, type DownloadPlatform };

export interface PageDownload {
  readonly platform: DownloadPlatform;
  readonly fileName: string;
  readonly downloadUrl: string;
  readonly bytes: number;
}

export interface RedeemResult {
  readonly sessionId: string;
  readonly technicianName: string;
  /** The Node.js script: what the page offers when there is no app for this system. */
  readonly downloadUrl: string;
  readonly fileName: string;
  /** Every system's download; entries the page cannot use safely are dropped. */
  readonly downloads: readonly PageDownload[];
  readonly progressUrl: string;
  readonly progressToken: string;
}

export type RedeemOutcome =
  | { readonly kind: 'redeemed'; readonly result: RedeemResult }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'rate_limited'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'network' }
  | { readonly kind: 'unexpected' };

export type ProgressOutcome =
  | { readonly kind: 'status'; readonly status: ProgressStatus; readonly technicianName?: string }
  /** The progress token is unknown or expired: nothing more to show. */
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed' };

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const requestTimeoutMs = 15_000;
const defaultRateLimitWaitSeconds = 60;
const maxWaitSeconds = 3600;

/** `Retry-After` is either delta-seconds or an HTTP date; clamped to something a person can wait for. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    seconds = Math.ceil((date - now) / 1000);
  }
  return Math.min(Math.max(seconds, 1), maxWaitSeconds);
}

/** "/api" + "/pin/redeem" without doubling or losing the slash. */
export function apiUrl(apiBaseUrl: string, path: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}${path}`;
}

/** Only http(s) links are followed: a response can never turn the download button into a script. */
export function safeUrl(candidate: unknown, base: string): string | undefined {
  if (typeof candidate !== 'string' || candidate === '') return undefined;
  try {
    const url = new URL(candidate, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Anything missing or not a web link makes the result unusable rather than half-shown. */
function completeRedeemResult(fields: Partial<Record<keyof RedeemResult, unknown>>, base: string): RedeemResult | undefined {
  const sessionId = nonEmptyString(fields.sessionId);
  const technicianName = nonEmptyString(fields.technicianName);
  const downloadUrl = safeUrl(fields.downloadUrl, base);
  const fileName = nonEmptyString(fields.fileName);
  const progressUrl = safeUrl(fields.progressUrl, base);
  const progressToken = nonEmptyString(fields.progressToken);
  if (!sessionId || !technicianName || !downloadUrl || !fileName || !progressUrl || !progressToken) return undefined;
  return { sessionId, technicianName, downloadUrl, fileName, downloads: readDownloads(fields.downloads, base), progressUrl, progressToken };
}

function readDownloads(value: unknown, base: string): PageDownload[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown): PageDownload[] => {
    const fields = record(entry);
    const platform = downloadPlatforms.find((candidate) => candidate === fields?.platform);
    const fileName = nonEmptyString(fields?.fileName);
    const downloadUrl = safeUrl(fields?.downloadUrl, base);
    const bytes = fields?.bytes;
    if (!platform || !fileName || !downloadUrl || typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes <= 0) return [];
    return [{ platform, fileName, downloadUrl, bytes }];
  });
}

/** Reads a redeem response defensively. */
export function readRedeemResult(body: unknown, base: string): RedeemResult | undefined {
  const root = record(body);
  const applet = record(root?.applet);
  const progress = record(root?.progress);
  return completeRedeemResult(
    {
      sessionId: root?.sessionId,
      technicianName: record(root?.technician)?.displayName,
      downloadUrl: applet?.downloadUrl,
      fileName: applet?.fileName,
      downloads: applet?.downloads,
      progressUrl: progress?.url,
      progressToken: progress?.token,
    },
    base,
  );
}

/**
 * A redeem result kept in sessionStorage so that reloading the tab returns to
 * the download step instead of asking for a PIN that is already used up.
 */
export function parseStoredRedeemResult(raw: string | null, base: string): RedeemResult | undefined {
  if (!raw) return undefined;
  try {
    const stored = record(JSON.parse(raw));
    return stored ? completeRedeemResult(stored, base) : undefined;
  } catch {
    return undefined;
  }
}

async function fetchWithTimeout(fetchImpl: Fetch, url: string, init: RequestInit): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), requestTimeoutMs);
  try {
    return await fetchImpl(url, { ...init, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
  } finally {
    clearTimeout(timer);
  }
}

async function jsonBody(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

export async function redeemPin(fetchImpl: Fetch, apiBaseUrl: string, pin: string, base: string): Promise<RedeemOutcome> {
  let response: Response;
  try {
    response = await fetchWithTimeout(fetchImpl, apiUrl(apiBaseUrl, '/pin/redeem'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
  } catch {
    return { kind: 'network' };
  }
  if (response.ok) {
    const result = readRedeemResult(await jsonBody(response), base);
    return result ? { kind: 'redeemed', result } : { kind: 'unexpected' };
  }
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  // 400 can only mean a malformed PIN, which for the customer is the same as a wrong one.
  if (response.status === 404 || response.status === 400) return { kind: 'invalid' };
  if (response.status === 429) return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds ?? defaultRateLimitWaitSeconds };
  if (response.status === 503 || response.status === 502 || response.status === 504) {
    return retryAfterSeconds === undefined ? { kind: 'unavailable' } : { kind: 'unavailable', retryAfterSeconds };
  }
  return { kind: 'unexpected' };
}

export async function fetchProgress(fetchImpl: Fetch, progressUrl: string, token: string): Promise<ProgressOutcome> {
  let response: Response;
  try {
    response = await fetchWithTimeout(fetchImpl, progressUrl, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    return { kind: 'failed' };
  }
  if (response.status === 401 || response.status === 404) return { kind: 'gone' };
  if (!response.ok) return { kind: 'failed' };
  const body = record(await jsonBody(response));
  const status = body?.status;
  if (!isCustomerStatus(status)) return { kind: 'failed' };
  const technicianName = nonEmptyString(record(body?.technician)?.displayName);
  return { kind: 'status', status, ...(technicianName ? { technicianName } : {}) };
}

/** Every 2 s while things go well; doubling up to 30 s while the status cannot be read. */
export function nextPollDelayMs(consecutiveFailures: number): number {
  const base = 2000;
  return Math.min(base * 2 ** Math.max(consecutiveFailures, 0), 30_000);
}

export interface PageSiteConfig {
  readonly apiBaseUrl: string;
  /** The WebSocket API; same origin `/ws` when /config.json names none. */
  readonly webSocketUrl: string;
}

export async function loadSiteConfig(fetchImpl: Fetch): Promise<PageSiteConfig> {
  const fallback = { apiBaseUrl: '/api', webSocketUrl: '/ws' };
  try {
    const response = await fetchWithTimeout(fetchImpl, '/config.json', {});
    if (!response.ok) return fallback;
    const body = record(await jsonBody(response));
    return {
      apiBaseUrl: nonEmptyString(body?.apiBaseUrl) ?? fallback.apiBaseUrl,
      webSocketUrl: nonEmptyString(body?.webSocketUrl) ?? fallback.webSocketUrl,
    };
  } catch {
    return fallback;
  }
}

export async function loadApiBaseUrl(fetchImpl: Fetch): Promise<string> {
  return (await loadSiteConfig(fetchImpl)).apiBaseUrl;
}
