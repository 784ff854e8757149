import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger } from './lambda-invoker.ts';

/**
 * The local stand-in for the EventBridge bus: answers the PutEvents call of
 * the AWS SDK (JSON protocol, `X-Amz-Target: AWSEvents.PutEvents`), so the
 * publisher runs unchanged, and keeps the last events it received in the
 * EventBridge event shape (`GET /events` lists them).
 */
export interface PublishedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface LocalEventBus {
  /** http://127.0.0.1:<port>, the EventBridge endpoint the publisher is given. */
  readonly endpoint: string;
  readonly name: string;
  /** Every event received, oldest first (the last 1,000). */
  readonly events: readonly PublishedEvent[];
  close(): Promise<void>;
}

const KEPT_EVENTS = 1000;
const MAX_BODY_BYTES = 1024 * 1024;

interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Time?: number;
  readonly Resources?: string[];
}

export async function startLocalEventBus(options: {
  readonly name: string;
  readonly log: Logger;
  readonly quiet?: boolean;
}): Promise<LocalEventBus> {
  const events: PublishedEvent[] = [];
  const answer = (response: import('node:http').ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/events') return answer(response, 200, { events });
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents' || size > MAX_BODY_BYTES) {
        return answer(response, 400, { __type: 'UnknownOperationException', message: 'the local bus implements PutEvents only' });
      }
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        return answer(response, 400, { __type: 'SerializationException', message: 'not JSON' });
      }
      const results = entries.map((entry) => {
        if (!entry.Source || !entry.DetailType || !entry.Detail || (entry.EventBusName && entry.EventBusName !== options.name)) {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType, Detail and this bus are required' };
        }
        let detail: unknown;
        try {
          detail = JSON.parse(entry.Detail);
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not JSON' };
        }
        const id = randomUUID();
        events.push({
          version: '0',
          id,
          'detail-type': entry.DetailType,
          source: entry.Source,
          account: '000000000000',
          time: new Date(entry.Time ? entry.Time * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: 'us-east-1',
          resources: entry.Resources ?? [],
          detail,
        });
        if (!options.quiet)
          options.log.info(`[event bus] ${entry.DetailType} ${(detail as { session?: { id?: string } }).session?.id ?? ''}`.trimEnd());
        return { EventId: id };
      });
      if (events.length > KEPT_EVENTS) events.splice(0, events.length - KEPT_EVENTS);
      answer(response, 200, { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    name: options.name,
    events,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
