import { describe, expect, it } from '@jest/globals';
import { ApiClient, ApiError } from '../../web/console/src/api.ts';

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('console API client', () => {
  it('sends the Bearer token and JSON body to the configured base', async () => {
    const { calls, fetchFn } = fakeFetch(201, JSON.stringify({ session: { id: 's1' } }));
    const api = new ApiClient('/api/', async () => 'jwt', fetchFn);
    expect((await api.createSession('Anna Schmidt')).id).toBe('s1');
    expect(calls[0]?.url).toBe('/api/sessions');
    expect(calls[0]?.init?.method).toBe('POST');
    const headers = new Headers(calls[0]?.init?.headers);
    expect(headers.get('authorization')).toBe('Bearer jwt');
    expect(headers.get('content-type')).toBe('application/json');
    expect(calls[0]?.init?.body).toBe('{"customerName":"Anna Schmidt"}');
  });

  it('escapes ids in paths', async () => {
    const { calls, fetchFn } = fakeFetch(200, JSON.stringify({ entries: [], hasMore: false }));
    await new ApiClient('/api', async () => 'jwt', fetchFn).getLog('../x y');
    expect(calls[0]?.url).toBe('/api/sessions/..%2Fx%20y/log?limit=200');
  });

  it('reads the log page by page with the cursor, and next time only what came after it', async () => {
    const entry = (message: string, details?: Record<string, unknown>) => ({
      at: '2026-01-01T00:00:00.000Z',
      type: 'chat',
      actor: { kind: 'customer' },
      message,
      ...(details ? { details } : {}),
    });
    const pages: Record<string, unknown> = {
      '/api/sessions/s1/log?limit=200': { entries: [entry('one'), entry('two')], cursor: 'c2', hasMore: true },
      '/api/sessions/s1/log?limit=200&cursor=c2': {
        entries: [entry('three'), entry('timed out', { provisional: true })],
        cursor: 'c3',
        hasMore: false,
      },
      '/api/sessions/s1/log?limit=200&cursor=c3': { entries: [entry('four')], cursor: 'c4', hasMore: false },
    };
    const calls: string[] = [];
    const fetchFn = (async (url: string | URL | Request) => {
      calls.push(String(url));
      return new Response(JSON.stringify(pages[String(url)] ?? { error: { code: 'validation_failed', message: 'bad cursor' } }), {
        status: String(url) in pages ? 200 : 400,
      });
    }) as typeof fetch;
    const api = new ApiClient('/api', async () => 'jwt', fetchFn);
    const first = await api.getLogSince('s1', undefined);
    expect(first.stored.map((e) => e.message)).toEqual(['one', 'two', 'three']);
    expect(first.provisional.map((e) => e.message)).toEqual(['timed out']);
    expect(first.cursor).toBe('c3');
    const next = await api.getLogSince('s1', first.cursor);
    expect(next.stored.map((e) => e.message)).toEqual(['four']);
    expect(calls).toEqual(Object.keys(pages));
  });

  it('turns the error shape into an ApiError with code, message and Retry-After', async () => {
    const { fetchFn } = fakeFetch(503, JSON.stringify({ error: { code: 'pin_space_exhausted', message: 'no free PIN' } }), {
      'retry-after': '30',
    });
    const failure = await new ApiClient('/api', async () => 'jwt', fetchFn).createPin('s1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 503, code: 'pin_space_exhausted', message: 'no free PIN', retryAfterSeconds: 30 });
  });

  it('treats a bare 401 (API Gateway\u2019s own answer) as unauthorized', async () => {
    const { fetchFn } = fakeFetch(401, '{"message":"Unauthorized"}');
    await expect(new ApiClient('/api', async () => 'jwt', fetchFn).me()).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('does not call the API at all without a token, and reports network failures as such', async () => {
    const { calls, fetchFn } = fakeFetch(200, '{}');
    await expect(new ApiClient('/api', async () => undefined, fetchFn).listSessions()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(calls).toHaveLength(0);
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(new ApiClient('/api', async () => 'jwt', offline).listSessions()).rejects.toMatchObject({ code: 'network' });
  });
});
