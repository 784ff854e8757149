import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IHttpApi, IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.ts';

export const metricNamespace = 'RemoteSupport';
/** The structured log line the redeem handler writes per failed attempt: {"event":"pin_redeem_failed", ...}. */
export const failedRedeemLogEvent = 'pin_redeem_failed';

export interface MonitoringProps {
  readonly functions: readonly ServiceFunction[];
  /** The function whose logs carry failed PIN redemptions. */
  readonly redeemFunction: ServiceFunction;
  readonly failedRedeemThreshold: number;
  readonly alarmEmail?: string;
  readonly httpApi: IHttpApi;
  readonly webSocketApi: IWebSocketApi;
  readonly webSocketStageName: string;
  readonly table: ITableV2;
  readonly distribution: IDistribution;
  /** The scheduled job that ends timed-out sessions, and how often it runs. */
  readonly sweeper: { readonly function: ServiceFunction; readonly everyMinutes: number };
}

/** p99 latency of the HTTP API above which on-call is told, in milliseconds. */
export const httpApiLatencyAlarmMs = 3000;

/**
 * Alarms an operator acts on: any function erroring or being throttled, and a
 * spike of failed PIN redemptions (someone guessing PINs). All notify one SNS
 * topic, optionally subscribed by e-mail.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'Remote support alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key costs $1/month for messages that carry only alarm names and states, no customer data.',
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    for (const fn of props.functions) {
      const name = fn.declaration.name;
      const errors = new Alarm(this, `${name}-errors`, {
        alarmDescription: `${name} failed (uncaught error or timeout)`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const throttles = new Alarm(this, `${name}-throttles`, {
        alarmDescription: `${name} was throttled (account concurrency exhausted)`,
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(errors, throttles);
    }

    const alarm = (
      alarmId: string,
      description: string,
      metric: IMetric,
      threshold: number,
      missing = TreatMissingData.NOT_BREACHING,
      comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) =>
      this.alarms.push(
        new Alarm(this, alarmId, {
          alarmDescription: description,
          metric,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: comparison,
          treatMissingData: missing,
        }),
      );
    const fiveMinutes = { period: Duration.minutes(5) };
    const httpApiMetric = (metricName: string, statistic: string) =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.httpApi.apiId }, statistic, ...fiveMinutes });
    alarm('HttpApi5xx', 'The HTTP API answered 5xx (a handler failed or API Gateway could not reach it)', httpApiMetric('5xx', 'Sum'), 5);
    alarm(
      'HttpApiLatency',
      `The HTTP API's p99 latency exceeded ${httpApiLatencyAlarmMs} ms`,
      httpApiMetric('Latency', 'p99'),
      httpApiLatencyAlarmMs,
      TreatMissingData.NOT_BREACHING,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );
    const webSocketMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocketApi.apiId, Stage: props.webSocketStageName },
        statistic: 'Sum',
        ...fiveMinutes,
      });
    alarm(
      'WebSocketIntegrationErrors',
      'WebSocket route integrations failed (API Gateway could not run a handler)',
      webSocketMetric('IntegrationError'),
      5,
    );
    alarm('WebSocketExecutionErrors', 'WebSocket API execution errors', webSocketMetric('ExecutionError'), 5);
    const tableMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: 'Sum',
        ...fiveMinutes,
      });
    alarm('TableReadThrottles', 'DynamoDB throttled reads on the table or an index', tableMetric('ReadThrottleEvents'), 1);
    alarm('TableWriteThrottles', 'DynamoDB throttled writes on the table or an index', tableMetric('WriteThrottleEvents'), 1);
    alarm('TableSystemErrors', 'DynamoDB answered with internal errors (5xx)', tableMetric('SystemErrors'), 1);
    // CloudFront publishes its metrics in us-east-1 only, and an alarm reads metrics of its own region.
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region === 'us-east-1') {
      const cloudFront5xx = new Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: props.distribution.distributionId, Region: 'Global' },
        statistic: 'Average',
        ...fiveMinutes,
      });
      alarm(
        'CloudFront5xx',
        'More than 5 % of the site’s responses were 5xx',
        cloudFront5xx,
        5,
        TreatMissingData.NOT_BREACHING,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      );
    }
    // Missing data is a stopped sweeper: sessions would never time out.
    const sweepWindow = Duration.minutes(Math.max(5, props.sweeper.everyMinutes * 3));
    alarm(
      'SweeperStopped',
      `${props.sweeper.function.declaration.name} did not run for ${sweepWindow.toMinutes()} minutes: timed-out sessions are not being ended`,
      props.sweeper.function.function.metricInvocations({ period: sweepWindow, statistic: 'Sum' }),
      1,
      TreatMissingData.BREACHING,
      ComparisonOperator.LESS_THAN_THRESHOLD,
    );

    const failedRedeems = new MetricFilter(this, 'FailedRedeems', {
      logGroup: props.redeemFunction.logGroup,
      filterPattern: FilterPattern.stringValue('$.event', '=', failedRedeemLogEvent),
      metricNamespace,
      metricName: 'PinRedeemFailures',
      metricValue: '1',
      defaultValue: 0,
    });
    this.alarms.push(
      new Alarm(this, 'FailedRedeemSpike', {
        alarmDescription: `More than ${props.failedRedeemThreshold} failed PIN redemptions in 5 minutes: PINs are probably being guessed`,
        metric: failedRedeems.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: props.failedRedeemThreshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of this.alarms) alarm.addAlarmAction(action);
  }
}
