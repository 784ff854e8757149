import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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
}

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
