import { type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SourceConfig } from '../../functions/sources/config';
import { acknowledgeArnWildcard } from '../nag';
import { groupSourcesBySchedule, scheduleConstructId } from '../schedules';
import { BorderwatchFunction } from './borderwatch-function';
import { DeadLetterQueue } from './dead-letter-queue';

export interface ScrapingProps {
  /** Validated sources; one schedule is created per distinct expression among the enabled ones. */
  readonly sources: readonly SourceConfig[];
  /** The file `sources` was read from: copied next to the handler as sources.json. */
  readonly sourcesFile: string;
  /** Absolute path of the scrape handler. */
  readonly entry: string;
  readonly table: ITable;
  readonly alertTopic: ITopic;
  /** Source-health alerts (a failing source, a changed layout) go here. */
  readonly operatorTopic: ITopic;
  /** Goes into the User-Agent so source owners can reach the operators. */
  readonly contactUrl: string;
  readonly logRetention: logs.RetentionDays;
  /** @default 5 minutes: a run fetches several sources one after another, politely. */
  readonly timeout?: Duration;
  /** @default 512 MB: parsing CSV/HTML in memory; more memory also buys CPU on Lambda. */
  readonly memorySize?: number;
}

/**
 * The scrape function and what runs it. Two failure paths, kept apart:
 * - Scheduler could not invoke the function (throttled, deleted, no permission): the schedule
 *   retries, then sends the invocation to `schedulerDeadLetterQueue`.
 * - The function ran and failed: Lambda retries the asynchronous event, then sends it with the
 *   error to `failedRunQueue` (the onFailure destination).
 */
export class Scraping extends Construct {
  readonly function: BorderwatchFunction;
  readonly schedules: scheduler.Schedule[] = [];
  readonly schedulerDeadLetterQueue: DeadLetterQueue;
  readonly failedRunQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ScrapingProps) {
    super(scope, id);

    this.failedRunQueue = new DeadLetterQueue(this, 'FailedRunQueue', {
      holds: 'scrape runs that failed after Lambda retried them',
    });
    this.schedulerDeadLetterQueue = new DeadLetterQueue(this, 'SchedulerDeadLetterQueue', {
      holds: 'scrape invocations EventBridge Scheduler could not make',
    });

    this.function = new BorderwatchFunction(this, 'ScrapeFunction', {
      entry: props.entry,
      // The very file cdk synth validated and built the schedules from, so the two cannot drift.
      bundledFiles: { 'sources.json': props.sourcesFile },
      description: 'Fetches sources, stores snapshots, detects anomalies and publishes alerts',
      timeout: props.timeout ?? Duration.minutes(5),
      memorySize: props.memorySize ?? 512,
      logRetention: props.logRetention,
      environment: { USER_AGENT_CONTACT: props.contactUrl },
      // Scheduler invokes asynchronously: a run that throws is retried twice, then kept with its error.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failedRunQueue),
    });
    this.function.bindTable(props.table);
    this.function.bindTopic(props.alertTopic, 'ALERT_TOPIC_ARN');
    this.function.bindTopic(props.operatorTopic, 'OPERATOR_TOPIC_ARN');

    // One role for all schedules, owned here so its grants and their acknowledgement sit together.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the scrape function and dead-letter what it cannot',
    });
    acknowledgeArnWildcard(
      schedulerRole,
      this.function.node.defaultChild as CfnResource,
      ':*',
      'LambdaInvoke grants lambda:InvokeFunction on the scrape function and its versions/aliases ("<arn>:*"); it names this one function, not others.',
    );

    for (const { expression, sourceIds } of groupSourcesBySchedule(props.sources)) {
      this.schedules.push(
        new scheduler.Schedule(this, scheduleConstructId(expression), {
          schedule: scheduler.ScheduleExpression.expression(expression),
          description: truncate(`Scrapes ${sourceIds.join(', ')}`, 512),
          // Spreads runs of many schedules a little; runAt stays the nominal time.
          timeWindow: scheduler.TimeWindow.flexible(Duration.minutes(5)),
          target: new LambdaInvoke(this.function, {
            input: scheduler.ScheduleTargetInput.fromObject({
              // The scheduled (not the actual) time: identical on every retry, so runs are idempotent.
              runAt: scheduler.ContextAttribute.scheduledTime,
              sourceIds,
            }),
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
            deadLetterQueue: this.schedulerDeadLetterQueue,
            role: schedulerRole,
          }),
        }),
      );
    }
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
