import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from '@jest/globals';
import { explained } from '../support/explained.ts';
import { EVENT_SOURCE, eventCatalogue, eventFromLogItem, eventTypes, type LogItemImage, type SessionSummary } from '#events/catalogue';
import { checkWebhookUrl, isForbiddenAddress } from '#events/endpoint-guard';
import { publishToBus } from '#events/publisher';
import { generateWebhookSecret, signatureHeaders } from '#events/signing';
import { parseRetrySchedule, webhookPayload } from '#events/webhooks';
import { silentLogger } from '../support/domain.ts';

const session: SessionSummary = {
  id: '11111111-2222-4333-8444-555555555555',
  customerName: 'Erika',
  technician: { id: 'sub-alice', username: 'alice', displayName: 'Alice Adler' },
};

function logItem(type: string, details?: Record<string, unknown>, sk = `LOG#2026-12-01T10:00:00.000Z#${type}`): LogItemImage {
  return {
    pk: `SESSION#${session.id}`,
    sk,
    kind: 'log',
    sessionId: session.id,
    at: '2026-12-01T10:00:00.000Z',
    type,
    actor: { kind: 'technician', name: 'Alice Adler' },
    message: 'PIN code created',
    ...(details ? { details } : {}),
  };
}

function streamRecord(image: Record<string, unknown>, sequenceNumber: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT'): DynamoDBRecord {
  return {
    eventName,
    dynamodb: {
      SequenceNumber: sequenceNumber,
      NewImage: marshall(image, { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
    },
  };
}

describe('the event catalogue', () => {
  it('publishes a PIN-generated entry without the sealed PIN, and only the fields its row names', () => {
    const event = eventFromLogItem(
      logItem('pin_generated', { pinSealed: 'sealed-pin-bytes', expiresAt: '2026-12-01T10:10:00.000Z', ip: '10.1.2.3' }),
      session,
    );
    expect(event).toMatchObject({
      schemaVersion: 1,
      type: 'session.pin_generated',
      session,
      data: { expiresAt: '2026-12-01T10:10:00.000Z' },
    });
    expect(Object.keys(event!.data)).toEqual(['expiresAt']);
    expect(JSON.stringify(event)).not.toContain('sealed-pin-bytes');
    expect(JSON.stringify(event)).not.toContain('10.1.2.3');
  });

  it('never publishes chat lines, denied attempts or system info', () => {
    for (const type of ['chat', 'denied', 'system_info']) {
      expect(eventFromLogItem(logItem(type, { text: 'secret chat' }), session)).toBeUndefined();
    }
  });

  it('tells the arrival of the applet (waiting) from a reconnect', () => {
    expect(eventFromLogItem(logItem('applet_connected', { status: 'waiting' }), session)?.type).toBe('session.waiting');
    expect(eventFromLogItem(logItem('applet_connected', { status: 'active' }), session)?.type).toBe('session.applet_reconnected');
  });

  it('gives one log item the same event id every time, and different items different ids', () => {
    const first = eventFromLogItem(logItem('created'), session)!;
    expect(eventFromLogItem(logItem('created'), session)!.eventId).toBe(first.eventId);
    expect(eventFromLogItem(logItem('created', undefined, 'LOG#other'), session)!.eventId).not.toBe(first.eventId);
  });

  it('lists every detail-type once, one row per log entry type', () => {
    expect(eventTypes).toContain('session.created');
    expect(eventTypes).toContain('session.waiting');
    expect(eventTypes).toEqual(
      expect.arrayContaining(['session.screen_requested', 'session.screen_shared', 'session.screen_declined', 'session.screen_stopped']),
    );
    expect(eventCatalogue.browser_joined?.detailTypes).toEqual(['session.waiting']);
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
    expect(Object.keys(eventCatalogue)).toEqual(
      expect.arrayContaining(['created', 'pin_generated', 'pin_redeemed', 'started', 'closed', 'expired', 'timed_out']),
    );
  });
});

describe('the bus publisher', () => {
  const records = [
    streamRecord({ ...logItem('created', undefined, 'LOG#1') }, '100'),
    streamRecord({ pk: `SESSION#${session.id}`, sk: 'SESSION', kind: 'session', status: 'created' }, '101', 'MODIFY'),
    streamRecord({ ...logItem('chat', { text: 'hi' }, 'LOG#2') }, '102'),
    streamRecord({ ...logItem('started', undefined, 'LOG#3') }, '103'),
  ];

  it('puts one entry per session event, in stream order, with source remote-support', async () => {
    const sent: PutEventsRequestEntry[] = [];
    const result = await publishToBus(records, {
      busName: 'bus',
      lookup: async () => session,
      putEvents: async (entries) => (sent.push(...entries), { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: 'x' })) }),
      logger: silentLogger,
    });
    expect(result.batchItemFailures).toEqual([]);
    expect(sent.map((entry) => [entry.Source, entry.DetailType, entry.EventBusName])).toEqual([
      [EVENT_SOURCE, 'session.created', 'bus'],
      [EVENT_SOURCE, 'session.started', 'bus'],
    ]);
  });

  it('reports the record of the first refused entry, so the batch is retried from there', async () => {
    const result = await publishToBus(records, {
      busName: 'bus',
      lookup: async () => session,
      putEvents: async (entries) => ({
        FailedEntryCount: 1,
        Entries: entries.map((_, i) => (i === 1 ? { ErrorCode: 'ThrottlingException' } : { EventId: 'x' })),
      }),
      logger: silentLogger,
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '103' }]);
  });

  it('retries the whole batch when EventBridge cannot be reached', async () => {
    const result = await publishToBus(records, {
      busName: 'bus',
      lookup: async () => session,
      putEvents: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'ECONNREFUSED' });
      },
      logger: silentLogger,
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
  });
});

describe('webhook signatures', () => {
  it('verify with the standardwebhooks package, with either secret during a rotation', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const body = webhookPayload(eventFromLogItem(logItem('created'), session)!);
    const headers = signatureHeaders([current, previous], 'evt_1', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(current).verify(body, headers)).toMatchObject({ type: 'session.created' });
    expect(new Webhook(previous).verify(body, headers)).toMatchObject({ type: 'session.created' });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('Erika', 'Mallory'), headers)).toThrow();
  });
});

describe('webhook endpoints (SSRF)', () => {
  it('refuses private, loopback, link-local and mapped addresses, allows public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      explained(address, () => expect(isForbiddenAddress(address)).toBe(true));
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '8.8.8.8'])
      explained(address, () => expect(isForbiddenAddress(address)).toBe(false));
  });

  it('needs https in AWS, and refuses literal private addresses and URLs with credentials', () => {
    expect(() => checkWebhookUrl('http://example.com/hook', false)).toThrow(/https/);
    expect(() => checkWebhookUrl('https://169.254.169.254/latest/meta-data', false)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://[::1]/hook', false)).toThrow(/private, loopback or link-local/);
    expect(() => checkWebhookUrl('https://user:pw@example.com/hook', false)).toThrow(/credentials/);
    expect(checkWebhookUrl('https://example.com/hook', false).href).toBe('https://example.com/hook');
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', true).href).toBe('http://127.0.0.1:9000/hook');
  });
});

describe('the retry schedule', () => {
  it('defaults to the Standard Webhooks schedule, about a day in all', () => {
    const total = parseRetrySchedule(undefined).reduce((sum, seconds) => sum + seconds, 0);
    expect(total).toBeGreaterThan(24 * 3600);
    expect(total).toBeLessThan(30 * 3600);
  });

  it('refuses a schedule that is not comma-separated seconds', () => {
    expect(parseRetrySchedule('1, 2,3')).toEqual([1, 2, 3]);
    expect(() => parseRetrySchedule('1,soon')).toThrow(/comma-separated seconds/);
  });
});

describe('the OpenAPI document', () => {
  it('describes client-credentials access on exactly the routes integration clients may use', async () => {
    const { openApiDocument } = await import('#http/openapi-document');
    const document = openApiDocument() as unknown as { paths: Record<string, Record<string, { security: Record<string, string[]>[] }>> };
    const clientScopes = (path: string, method: string) =>
      document.paths[path]![method]!.security.flatMap((entry) => entry.integrationClient ?? []);
    expect(clientScopes('/api/sessions', 'post')).toEqual(['remote-support/sessions.write']);
    expect(clientScopes('/api/sessions/{id}/pin', 'post')).toEqual(['remote-support/sessions.write']);
    expect(clientScopes('/api/sessions/{id}/log', 'get')).toEqual(['remote-support/sessions.read']);
    expect(clientScopes('/api/sessions', 'get')).toEqual([]);
    expect(clientScopes('/api/sessions/{id}/start', 'post')).toEqual([]);
  });
});
