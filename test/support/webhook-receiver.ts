import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook endpoint on loopback for tests: records every request and answers
 * with `respond(request)` (default 204).
 *
 *   const receiver = await startWebhookReceiver();
 *   receiver.respond = () => 500;          // fail until told otherwise
 *   await receiver.waitFor((requests) => requests.length >= 3);
 */
export interface ReceivedWebhook {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly receivedAt: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedWebhook[];
  respond: (request: ReceivedWebhook) => number;
  /** Resolves when `condition(requests)` holds after a request arrives (or already holds). */
  waitFor(condition: (requests: readonly ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let waiters: { condition: (requests: readonly ReceivedWebhook[]) => boolean; resolve: () => void }[] = [];
  const receiver: Partial<WebhookReceiver> & { respond: (request: ReceivedWebhook) => number } = { respond: () => 204 };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      const received = { headers, body, receivedAt: Date.now() };
      requests.push(received);
      response.statusCode = receiver.respond(received);
      response.end(response.statusCode >= 400 ? 'receiver failing on purpose' : '');
      waiters = waiters.filter((waiter) => (waiter.condition(requests) ? (waiter.resolve(), false) : true));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhooks`,
    requests,
    waitFor(condition: (requests: readonly ReceivedWebhook[]) => boolean, timeoutMs = 20_000) {
      if (condition(requests)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`webhook receiver: condition not met within ${timeoutMs} ms (${requests.length} requests)`)),
          timeoutMs,
        );
        waiters.push({ condition, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
