import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from './endpoint-guard.ts';

export interface PostOutcome {
  readonly statusCode?: number;
  readonly error?: string;
}

export type WebhookTransport = (url: string, headers: Record<string, string>, body: string) => Promise<PostOutcome>;

/** What an endpoint may take before the attempt counts as failed. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** Enough of an answer to show in the delivery log; the rest is discarded unread. */
const MAX_ERROR_BODY = 200;

/**
 * Posts one signed delivery. No redirects are followed (a redirect could lead
 * to a forbidden address); unless private endpoints are allowed, every
 * connect goes through the address guard.
 */
export function webhookTransport(options: { readonly allowPrivate: boolean; readonly timeoutMs?: number }): WebhookTransport {
  return (url, headers, body) =>
    new Promise((resolve) => {
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(
        target,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'pin-remote-support-webhooks/1',
          },
          timeout: options.timeoutMs ?? ATTEMPT_TIMEOUT_MS,
          ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
        },
        (response) => {
          const statusCode = response.statusCode ?? 0;
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < MAX_ERROR_BODY) text += chunk;
          });
          response.on('end', () => {
            const ok = statusCode >= 200 && statusCode < 300;
            resolve(ok ? { statusCode } : { statusCode, error: `HTTP ${statusCode}${text ? `: ${text.slice(0, MAX_ERROR_BODY)}` : ''}` });
          });
          response.on('error', (error) => resolve({ statusCode, error: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs ?? ATTEMPT_TIMEOUT_MS} ms`)));
      request.on('error', (error) => resolve({ error: error.message }));
      request.end(body);
    });
}
