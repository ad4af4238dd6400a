import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BorderwatchFunction } from './borderwatch-function';
import { DeadLetterQueue } from './dead-letter-queue';
import { schedulerRoleFor } from './scheduler-role';

/**
 * How both table-stream consumers retry: a failed record is retried on its own (batches are bisected
 * and the handlers report the failed record), a few times within hours, then handed to the consumer's
 * failure queue, which is alarmed.
 */
const STREAM_RETRY = { bisectBatchOnError: true, retryAttempts: 5, maxRecordAge: Duration.hours(6), reportBatchItemFailures: true } as const;

export interface DetectionProps {
  readonly sourcesFile: string;
  readonly detectEntry: string;
  readonly publishEntry: string;
  /** The table, with its stream (TABLE_SCHEMA.streamViewType). */
  readonly table: ITable;
  readonly alertTopic: ITopic;
  readonly operatorTopic: ITopic;
  readonly logRetention: logs.RetentionDays;
}


/**
 * Detection and alerting, decoupled from fetching by the table's stream:
 * - the detect function sees every ok snapshot (`SNAP#…` items, which list the periods the fetch added
 *   or revised) and records the alerts of episodes that opened;
 * - the publish function sees every newly recorded alert (`ALERT` items) and publishes it to SNS;
 *   a sweeper schedule runs it every 15 minutes for whatever is still pending.
 * A slow or failing SNS therefore never delays a fetch, and a failed alert is retried on its own.
 */
export class Detection extends Construct {
  readonly detectFunction: BorderwatchFunction;
  readonly publishFunction: BorderwatchFunction;
  readonly detectFailureQueue: DeadLetterQueue;
  readonly publishFailureQueue: DeadLetterQueue;
  readonly sweeperDeadLetterQueue: DeadLetterQueue;
  readonly sweeper: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: DetectionProps) {
    super(scope, id);
    this.detectFailureQueue = new DeadLetterQueue(this, 'DetectFailureQueue', { holds: 'stream batches of snapshots the detect function could not judge' });
    this.publishFailureQueue = new DeadLetterQueue(this, 'PublishFailureQueue', { holds: 'stream batches of alerts the publish function could not publish (the sweeper retries them)' });
    this.sweeperDeadLetterQueue = new DeadLetterQueue(this, 'SweeperDeadLetterQueue', { holds: 'sweeper invocations EventBridge Scheduler could not make' });

    this.detectFunction = new BorderwatchFunction(this, 'DetectFunction', {
      entry: props.detectEntry,
      description: 'Judges the periods each snapshot changed and records alerts of episodes that opened',
      timeout: Duration.minutes(1),
      memorySize: 256,
      logRetention: props.logRetention,
      bundledFiles: { 'sources.json': props.sourcesFile },
    });
    this.detectFunction.bindTable(props.table);
    this.detectFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        ...STREAM_RETRY,
        onFailure: new SqsDlq(this.detectFailureQueue),
        filters: [
          // One record per fetch that stored something: the snapshot lists what changed.
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { SK: { S: lambda.FilterRule.beginsWith('SNAP#') } }, NewImage: { outcome: { S: lambda.FilterRule.isEqual('ok') } } },
          }),
        ],
      }),
    );

    this.publishFunction = new BorderwatchFunction(this, 'PublishFunction', {
      entry: props.publishEntry,
      description: 'Publishes recorded alerts to SNS exactly once; sweeps pending ones',
      timeout: Duration.minutes(1),
      memorySize: 256,
      logRetention: props.logRetention,
    });
    this.publishFunction.bindTable(props.table);
    this.publishFunction.bindTopic(props.alertTopic, 'ALERT_TOPIC_ARN');
    this.publishFunction.bindTopic(props.operatorTopic, 'OPERATOR_TOPIC_ARN');
    this.publishFunction.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 10,
        ...STREAM_RETRY,
        onFailure: new SqsDlq(this.publishFailureQueue),
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { SK: { S: lambda.FilterRule.isEqual('ALERT') } } } })],
      }),
    );

    for (const fn of [this.detectFunction, this.publishFunction]) {
      Validations.of(fn.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams, which the stream event source needs, has no resource-level permissions (it can only be granted on "*"); every other stream action is granted on this table\'s stream ARN alone.',
      });
    }

    const sweeperRole = schedulerRoleFor(this, 'SweeperRole', this.publishFunction, 'Lets EventBridge Scheduler run the alert sweeper');
    this.sweeper = new scheduler.Schedule(this, 'Sweeper', {
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      description: 'Publishes alerts still pending after a failed or interrupted publish',
      target: new LambdaInvoke(this.publishFunction, {
        input: scheduler.ScheduleTargetInput.fromObject({ sweep: true }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(15),
        deadLetterQueue: this.sweeperDeadLetterQueue,
        role: sweeperRole,
      }),
    });
  }
}
