import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSession, closeSession, generatePin } from '#domain/sessions';
import { ValidationFailed } from '#domain/errors';
import type { SessionEventDetail } from '#events/catalogue';
import { eventsFromStream, sessionLookup } from '#events/stream-events';
import { dynamoDbLocalClientConfig } from '../../local/dynamodb-local.ts';
import { silentLogger as silentRuntimeLogger } from '../../local/lambda-invoker.ts';
import { startStreamReader, type StreamReader } from '../../local/stream-reader.ts';
import { createTestTable, type TestTable } from '../support/dynamodb.ts';
import { seededTechnician, testDependencies, type TestDependencies } from '../support/domain.ts';
import { eventually } from '../support/eventually.ts';

/**
 * Session events come from DynamoDB Local's change stream, read the way
 * Lambda's event source mapping reads it: only writes that committed appear.
 */
let table: TestTable;
let deps: TestDependencies;
let reader: StreamReader;
let rawClient: DynamoDBClient;
let streams: DynamoDBStreamsClient;
const published: SessionEventDetail[] = [];
let failuresToInject = 0;
let consumerCalls = 0;

beforeAll(async () => {
  table = await createTestTable({ seed: true });
  deps = testDependencies(table);
  rawClient = new DynamoDBClient({ ...dynamoDbLocalClientConfig, endpoint: table.endpoint });
  streams = new DynamoDBStreamsClient({ ...dynamoDbLocalClientConfig, endpoint: table.endpoint });
  const lookup = sessionLookup(deps.store);
  reader = await startStreamReader({
    dynamoDb: rawClient,
    streams,
    tableName: table.name,
    log: silentRuntimeLogger,
    idlePollMs: 50,
    consumers: [
      {
        name: 'recording-consumer',
        batchSize: 100,
        handler: async (event: { Records: Parameters<typeof eventsFromStream>[0] }) => {
          consumerCalls += 1;
          if (failuresToInject > 0) {
            failuresToInject -= 1;
            throw new Error('consumer failing on purpose');
          }
          published.push(...(await eventsFromStream(event.Records, lookup)).map((streamed) => streamed.detail));
        },
      },
    ],
  });
});

afterAll(async () => {
  await reader?.stop();
  streams?.destroy();
  rawClient?.destroy();
  await table?.drop();
});

describe('session events from the change stream', () => {
  it('publishes what committed, in order, once each, and nothing for a write that failed', async () => {
    const alice = seededTechnician('alice');
    const session = await createSession(deps, alice, 'Erika', 'idempotency-1');
    // The same Idempotency-Key for another customer: the conditional put fails and the transaction writes nothing.
    await expect(createSession(deps, alice, 'Mallory', 'idempotency-1')).rejects.toBeInstanceOf(ValidationFailed);
    const { pin } = await generatePin(deps, alice, session.id);
    await closeSession(deps, alice, session.id);

    await eventually(() => expect(published.map((event) => event.type)).toContain('session.closed'), { timeoutMs: 15_000 });
    const ofSession = published.filter((event) => event.session.id === session.id);
    expect(ofSession.map((event) => event.type)).toEqual(['session.created', 'session.pin_generated', 'session.closed']);
    expect(new Set(ofSession.map((event) => event.eventId)).size).toBe(3);
    expect(ofSession[0]).toMatchObject({
      session: { customerName: 'Erika', technician: { username: 'alice' } },
      actor: { kind: 'technician', name: 'Alice Adler' },
    });
    const everything = JSON.stringify(published);
    expect(everything).not.toContain('Mallory');
    expect(everything).not.toContain(pin);
    expect(everything).not.toContain('pinSealed');
  });

  it('retries a batch the consumer failed, like the event source mapping', async () => {
    const alice = seededTechnician('alice');
    failuresToInject = 1;
    const callsBefore = consumerCalls;
    const session = await createSession(deps, alice, 'Retry Customer');
    await eventually(() => expect(published.map((event) => event.session.id)).toContain(session.id), { timeoutMs: 15_000 });
    expect(consumerCalls - callsBefore).toBeGreaterThanOrEqual(2);
    expect(published.filter((event) => event.session.id === session.id)).toHaveLength(1);
  });
});
