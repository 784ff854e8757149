import { describe, expect, it } from '@jest/globals';
import {
  apiUrl,
  fetchProgress,
  loadApiBaseUrl,
  nextPollDelayMs,
  parseRetryAfter,
  parseStoredRedeemResult,
  redeemPin,
  type Fetch,
} from '../../web/pin/api.ts';

const base = 'https://support.example.com/';

const redeemed = {
  sessionId: 'sess-1',
  technician: { displayName: 'Alice Example' },
  applet: { downloadUrl: '/applet/RemoteSupport_T.cjs', fileName: 'RemoteSupport_T.cjs' },
  progress: { url: '/api/pin/progress', token: 'opaque' },
};

function respond(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): { fetch: Fetch; calls: { url: string; init?: RequestInit }[] } {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
  };
  return { fetch, calls };
}

const failing: Fetch = async () => {
  throw new TypeError('Failed to fetch');
};

describe('redeeming a PIN', () => {
  it('posts the PIN to <apiBaseUrl>/pin/redeem and resolves the links against the page', async () => {
    const { fetch, calls } = respond(200, redeemed);
    const outcome = await redeemPin(fetch, '/api/', '012345', base);
    expect(calls[0]?.url).toBe('/api/pin/redeem');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({ pin: '012345' });
    expect(outcome).toEqual({
      kind: 'redeemed',
      result: {
        sessionId: 'sess-1',
        technicianName: 'Alice Example',
        downloadUrl: 'https://support.example.com/applet/RemoteSupport_T.cjs',
        fileName: 'RemoteSupport_T.cjs',
        downloads: [],
        progressUrl: 'https://support.example.com/api/pin/progress',
        progressToken: 'opaque',
      },
    });
  });

  it('keeps each usable download and drops the ones it cannot offer safely', async () => {
    const downloads = [
      {
        platform: 'windows-x64',
        fileName: 'RemoteSupport_T.exe',
        downloadUrl: '/applet/windows-x64/RemoteSupport_T.exe',
        bytes: 87_000_000,
      },
      { platform: 'linux-x64', fileName: 'RemoteSupport_T', downloadUrl: 'javascript:alert(1)', bytes: 1 },
      { platform: 'amiga-68k', fileName: 'RemoteSupport_T', downloadUrl: '/applet/amiga/RemoteSupport_T', bytes: 1 },
      { platform: 'macos-arm64', fileName: 'RemoteSupport_T', downloadUrl: '/applet/macos-arm64/RemoteSupport_T', bytes: -5 },
      'junk',
    ];
    const outcome = await redeemPin(respond(200, { ...redeemed, applet: { ...redeemed.applet, downloads } }).fetch, '/api', '012345', base);
    expect(outcome.kind === 'redeemed' && outcome.result.downloads).toEqual([
      {
        platform: 'windows-x64',
        fileName: 'RemoteSupport_T.exe',
        downloadUrl: 'https://support.example.com/applet/windows-x64/RemoteSupport_T.exe',
        bytes: 87_000_000,
      },
    ]);
  });

  it('maps unknown, expired and malformed PINs to one outcome', async () => {
    expect(await redeemPin(respond(404, { error: { code: 'pin_invalid', message: 'x' } }).fetch, '/api', '111111', base)).toEqual({
      kind: 'invalid',
    });
    expect(await redeemPin(respond(400, { error: { code: 'validation_failed', message: 'x' } }).fetch, '/api', '11111', base)).toEqual({
      kind: 'invalid',
    });
  });

  it('carries the Retry-After wait of a 429, with a default when the header is missing', async () => {
    expect(await redeemPin(respond(429, {}, { 'retry-after': '42' }).fetch, '/api', '111111', base)).toEqual({
      kind: 'rate_limited',
      retryAfterSeconds: 42,
    });
    expect(await redeemPin(respond(429, {}).fetch, '/api', '111111', base)).toEqual({ kind: 'rate_limited', retryAfterSeconds: 60 });
  });

  it('tells unavailability, network failure and surprises apart', async () => {
    expect(await redeemPin(respond(503, {}, { 'retry-after': '5' }).fetch, '/api', '111111', base)).toEqual({
      kind: 'unavailable',
      retryAfterSeconds: 5,
    });
    expect(await redeemPin(respond(503, {}).fetch, '/api', '111111', base)).toEqual({ kind: 'unavailable' });
    expect(await redeemPin(failing, '/api', '111111', base)).toEqual({ kind: 'network' });
    expect(await redeemPin(respond(500, { error: { code: 'internal', message: 'x' } }).fetch, '/api', '111111', base)).toEqual({
      kind: 'unexpected',
    });
  });

  it('refuses a success that lacks what the download step needs, or links to a script', async () => {
    expect(await redeemPin(respond(200, { ...redeemed, progress: undefined }).fetch, '/api', '111111', base)).toEqual({
      kind: 'unexpected',
    });
    const scripted = { ...redeemed, applet: { ...redeemed.applet, downloadUrl: 'javascript:alert(1)' } };
    expect(await redeemPin(respond(200, scripted).fetch, '/api', '111111', base)).toEqual({ kind: 'unexpected' });
  });
});

describe('reading progress', () => {
  it('sends the progress token as a bearer token and returns the status', async () => {
    const { fetch, calls } = respond(200, { status: 'waiting', technician: { displayName: 'Alice' }, updatedAt: '2026-01-01T00:00:00Z' });
    expect(await fetchProgress(fetch, 'https://x/api/pin/progress', 'tok')).toEqual({
      kind: 'status',
      status: 'waiting',
      technicianName: 'Alice',
    });
    expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer tok');
  });

  it('treats a refused token as gone and anything else odd as a failure to retry', async () => {
    expect(await fetchProgress(respond(401, {}).fetch, 'https://x/p', 'tok')).toEqual({ kind: 'gone' });
    expect(await fetchProgress(respond(200, { status: 'hacked' }).fetch, 'https://x/p', 'tok')).toEqual({ kind: 'failed' });
    expect(await fetchProgress(respond(502, {}).fetch, 'https://x/p', 'tok')).toEqual({ kind: 'failed' });
    expect(await fetchProgress(failing, 'https://x/p', 'tok')).toEqual({ kind: 'failed' });
  });

  it('polls every 2 s and backs off to 30 s while failing', () => {
    expect([0, 1, 2, 3, 4, 10].map(nextPollDelayMs)).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or HTTP date, within 1 s .. 1 h', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter('999999', now)).toBe(3600);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('joins the API base and path with one slash', () => {
    expect(apiUrl('/api', '/pin/redeem')).toBe('/api/pin/redeem');
    expect(apiUrl('https://api.example.com/prod/', '/pin/redeem')).toBe('https://api.example.com/prod/pin/redeem');
  });

  it('reads apiBaseUrl from /config.json and falls back to /api', async () => {
    expect(await loadApiBaseUrl(respond(200, { apiBaseUrl: 'https://api.example.com' }).fetch)).toBe('https://api.example.com');
    expect(await loadApiBaseUrl(respond(404, {}).fetch)).toBe('/api');
    expect(await loadApiBaseUrl(failing)).toBe('/api');
  });
});

describe('the redeem result kept for a reload', () => {
  it('round-trips through JSON and rejects anything tampered or incomplete', async () => {
    const outcome = await redeemPin(respond(200, redeemed).fetch, '/api', '012345', base);
    if (outcome.kind !== 'redeemed') throw new Error('expected a redeemed outcome');
    expect(parseStoredRedeemResult(JSON.stringify(outcome.result), base)).toEqual(outcome.result);
    expect(parseStoredRedeemResult(JSON.stringify({ ...outcome.result, downloadUrl: 'javascript:alert(1)' }), base)).toBeUndefined();
    expect(parseStoredRedeemResult(JSON.stringify({ ...outcome.result, progressToken: '' }), base)).toBeUndefined();
    expect(parseStoredRedeemResult('{not json', base)).toBeUndefined();
    expect(parseStoredRedeemResult(null, base)).toBeUndefined();
  });
});
