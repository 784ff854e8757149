import { DescribeTableCommand, UpdateTableCommand, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { tableDefinition } from '#storage/table-definition';
import { invokeHandler, type BoundHandler, type Logger } from './lambda-invoker.ts';

/**
 * Stands in for Lambda's DynamoDB event source mapping: polls DynamoDB Local's
 * stream shard by shard and calls each consumer with batches in stream order,
 * in the event shape Lambda sends. Like the mapping, a batch that throws is
 * retried (then skipped and logged, the local on-failure destination), and a
 * reported batch item failure retries from that record.
 */
export interface StreamConsumerHandler extends BoundHandler {
  readonly batchSize: number;
}

export interface StreamReaderOptions {
  readonly dynamoDb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly consumers: readonly StreamConsumerHandler[];
  readonly log: Logger;
  /** Pause after an empty poll; Lambda polls a shard about four times a second. @default 250 */
  readonly idlePollMs?: number;
  /** Attempts per batch before it is skipped. @default 3 */
  readonly maxAttempts?: number;
}

export interface StreamReader {
  readonly streamArn: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/** Turns on the table's stream if a table kept from an older run has none; returns its ARN. */
export async function ensureStream(client: DynamoDBClient, tableName: string): Promise<string> {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const current = described.Table?.StreamSpecification;
  if (current?.StreamEnabled && described.Table?.LatestStreamArn) return described.Table.LatestStreamArn;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  const after = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!after.Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream after enabling it`);
  return after.Table.LatestStreamArn;
}

function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: data.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      ...(data.NewImage ? { NewImage: data.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
}

function isBatchResponse(value: unknown): value is DynamoDBBatchResponse {
  return typeof value === 'object' && value !== null && Array.isArray((value as DynamoDBBatchResponse).batchItemFailures);
}

export async function startStreamReader(options: StreamReaderOptions): Promise<StreamReader> {
  const streamArn = await ensureStream(options.dynamoDb, options.tableName);
  const idlePollMs = options.idlePollMs ?? 250;
  const maxAttempts = options.maxAttempts ?? 3;
  let stopped = false;
  const sleeps = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleeps.add(wake);
    });

  /** Hands records to one consumer in batches; a failing batch is retried from its first failed record. */
  const feed = async (consumer: StreamConsumerHandler, records: readonly DynamoDBRecord[]) => {
    let position = 0;
    let attempts = 0;
    while (position < records.length && !stopped) {
      const batch = records.slice(position, position + consumer.batchSize);
      attempts += 1;
      let failedFrom = -1;
      try {
        const result = await invokeHandler(consumer, { Records: batch });
        if (isBatchResponse(result) && result.batchItemFailures.length > 0) {
          const first = result.batchItemFailures[0]!.itemIdentifier;
          failedFrom = Math.max(
            0,
            batch.findIndex((record) => record.dynamodb?.SequenceNumber === first),
          );
        }
      } catch (error) {
        options.log.error(`[stream] ${consumer.name} failed on ${batch.length} record(s) (attempt ${attempts}):`, error);
        failedFrom = 0;
      }
      if (failedFrom < 0) {
        position += batch.length;
        attempts = 0;
        continue;
      }
      if (attempts >= maxAttempts) {
        options.log.error(`[stream] ${consumer.name}: ${batch.length - failedFrom} record(s) skipped after ${attempts} attempts`);
        position += batch.length;
        attempts = 0;
        continue;
      }
      position += failedFrom;
      await sleep(200 * 2 ** attempts);
    }
  };

  const readShard = async (shardId: string, firstIterator: string | undefined): Promise<void> => {
    let iterator = firstIterator;
    // A streak of failures (DynamoDB Local restarting) is reported once, not once a second.
    let failing = false;
    while (iterator && !stopped) {
      let page;
      try {
        page = await options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        if (stopped) return;
        if (error instanceof ExpiredIteratorException) throw error;
        if (!failing) options.log.error(`[stream] reading shard ${shardId} failed; retrying every second:`, error);
        failing = true;
        await sleep(1000);
        continue;
      }
      if (failing) options.log.info(`[stream] reading shard ${shardId} again`);
      failing = false;
      const records = (page.Records ?? []).map((record) => lambdaRecord(record, streamArn));
      if (records.length > 0) await Promise.all(options.consumers.map((consumer) => feed(consumer, records)));
      iterator = page.NextShardIterator;
      if (records.length === 0 && iterator) await sleep(idlePollMs);
    }
  };

  const seen = new Set<string>();
  const running = new Set<Promise<void>>();
  /** Starts a reader for every shard not read yet: open shards from now on at start, later (child) shards from their start. */
  const discover = async (initial: boolean): Promise<void> => {
    const description = await options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      if (initial && closed) continue;
      // Taken before returning, so a write made right after the reader started is read.
      const iterator = (
        await options.streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: id, ShardIteratorType: initial ? 'LATEST' : 'TRIM_HORIZON' }),
        )
      ).ShardIterator;
      const reading = readShard(id, iterator)
        .catch((error: unknown) => {
          if (!stopped) options.log.error(`[stream] shard ${id} stopped:`, error);
        })
        .then(async () => {
          running.delete(reading);
          if (!stopped)
            await discover(false).catch((error: unknown) => options.log.error('[stream] looking for new shards failed:', error));
        });
      running.add(reading);
    }
  };
  await discover(true);
  // A stream may gain shards while every current one stays open; look now and then.
  const rediscover = setInterval(() => {
    if (!stopped) void discover(false).catch(() => undefined);
  }, 30_000);
  rediscover.unref();

  return {
    streamArn,
    async stop() {
      stopped = true;
      clearInterval(rediscover);
      for (const wake of [...sleeps]) wake();
      await Promise.all([...running]);
    },
  };
}
