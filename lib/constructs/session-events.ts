import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamConsumer } from '#routes';
import type { Handlers } from './handlers.ts';
import { metricNamespace } from './monitoring.ts';

/** The structured log line written when an endpoint is disabled after persistent failure. */
export const webhookDisabledLogEvent = 'webhook_disabled';

export interface SessionEventBusProps {
  /** @default <stack name>-session-events */
  readonly busName?: string;
}

/** The bus customers route session events from (source `remote-support`) with their own rules. */
export class SessionEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: SessionEventBusProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: props.busName ?? `${Stack.of(this).stackName}-session-events`,
      description: 'Session events of PIN remote support (source remote-support), published from the table stream',
    });
  }
}

export interface StreamConsumersProps {
  readonly consumers: readonly StreamConsumer[];
  readonly handlers: Handlers;
  readonly table: ITableV2;
  /** The delivery functions whose logs say when a webhook is disabled. */
  readonly webhookFunctions: readonly string[];
}

/**
 * The stream's two readers, as event source mappings: only inserted log items
 * reach the functions (a filter, so other writes cost no invocation); a batch
 * that keeps failing is split to find the bad record, then its position goes
 * to a dead-letter queue after 24 hours of retries. Alarms: anything in the
 * dead-letter queue, and a webhook disabled after persistent failure.
 */
export class StreamConsumers extends Construct {
  readonly deadLetterQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the stream consumers; it holds stream positions to replay, and an alarm fires on its first message.',
    });
    if (!props.table.tableStreamArn) throw new Error('the table has no stream; session events are derived from it');
    for (const consumer of props.consumers) {
      const fn = props.handlers.get(consumer.name).function;
      fn.addEventSource(
        new DynamoEventSource(props.table, {
          startingPosition: StartingPosition.LATEST,
          batchSize: consumer.batchSize,
          maxBatchingWindow: Duration.seconds(0),
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: 1000,
          maxRecordAge: Duration.hours(24),
          // Per-key order holds with parallel batches: records of one session stay on one shard, in order.
          parallelizationFactor: 4,
          onFailure: new SqsDlq(this.deadLetterQueue),
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual('INSERT') as unknown,
              dynamodb: { NewImage: { kind: { S: FilterRule.isEqual('log') as unknown } } },
            }),
          ],
        }),
      );
    }
    this.alarms.push(
      new Alarm(this, 'StreamFailuresAlarm', {
        alarmDescription:
          'Session events could not be published or handed to webhooks for 24 hours: replay the positions in the dead-letter queue',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    props.webhookFunctions.forEach((name, index) => {
      const disabled = new MetricFilter(this, `WebhookDisabled${index}`, {
        logGroup: props.handlers.get(name).logGroup,
        filterPattern: FilterPattern.stringValue('$.event', '=', webhookDisabledLogEvent),
        metricNamespace,
        metricName: 'WebhooksDisabled',
        metricValue: '1',
        defaultValue: 0,
      });
      this.alarms.push(
        new Alarm(this, `WebhookDisabledAlarm${index}`, {
          alarmDescription: `A webhook endpoint was disabled after its deliveries failed for about a day (${name}); see npm run admin -- webhooks list`,
          metric: disabled.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    });
  }
}
