import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { ScheduledJob } from '#routes';
import type { Handlers } from './handlers.ts';

/** An EventBridge schedule per scheduled job of the route table (the time-out sweeper). */
export class ScheduledJobs extends Construct {
  readonly rules: ReadonlyMap<string, Rule>;

  constructor(scope: Construct, id: string, jobs: readonly ScheduledJob[], handlers: Handlers) {
    super(scope, id);
    const rules = new Map<string, Rule>();
    for (const job of jobs) {
      const rule = new Rule(this, job.name, {
        description: `Runs ${job.name} every ${job.everyMinutes} minute(s)`,
        schedule: Schedule.rate(Duration.minutes(job.everyMinutes)),
      });
      // A missed run is caught up by the next one; retrying an old sweep only adds load.
      rule.addTarget(
        new LambdaFunction(handlers.get(job.name).function, { retryAttempts: 0, maxEventAge: Duration.minutes(job.everyMinutes) }),
      );
      rules.set(job.name, rule);
    }
    this.rules = rules;
  }
}
