import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SourceConfig } from '../../functions/sources/config';
import { groupSourcesBySchedule, scheduleConstructId } from '../schedules';
import { BorderwatchFunction } from './borderwatch-function';
import { DeadLetterQueue } from './dead-letter-queue';
import { schedulerRoleFor } from './scheduler-role';

export interface ScrapingProps {
  /** Validated sources; one schedule is created per distinct expression among the enabled ones. */
  readonly sources: readonly SourceConfig[];
  /** The file `sources` was read from: copied next to each handler as sources.json. */
  readonly sourcesFile: string;
  readonly dispatchEntry: string;
  readonly fetchEntry: string;
  readonly parseEntry: string;
  readonly table: ITable;
  /** The document archive: the fetch function writes changed documents, the parse function reads them. */
  readonly documents: IBucket;
  /** Goes into the User-Agent so source owners can reach the operators. */
  readonly contactUrl: string;
  readonly logRetention: logs.RetentionDays;
  /**
   * How many fetch workers may run at once (the SQS event source's maximum concurrency). With one
   * message group per host, this bounds the hosts fetched in parallel. @default 10
   */
  readonly maxConcurrentFetches?: number;
  /** @default 2 minutes: one source, with retries and politeness delays. */
  readonly fetchTimeout?: Duration;
}

/**
 * Scraping at any scale: Scheduler fires the dispatcher, which puts one job per source on an SQS FIFO
 * queue (message group = host); fetch workers take jobs with bounded concurrency, one at a time per
 * host, and report failed jobs so only those are retried. Failure paths, each with its own queue:
 * - Scheduler could not invoke the dispatcher: the schedule retries, then `schedulerDeadLetterQueue`.
 * - The dispatcher failed (e.g. the queue refused jobs): Lambda retries, then `failedRunQueue`.
 * - A fetch job failed three times: SQS moves it to `fetchDeadLetterQueue`.
 * - A hand-over the parse function failed on three times: SQS moves it to `parseDeadLetterQueue`.
 * Fetching and parsing are two functions: the fetch worker archives a changed document and sends its
 * hand-over to the parse queue (SQS FIFO, message group = source, so a source's documents are parsed
 * in fetch order). Each bundle then holds only its half (the HTTP client, or the parsers), and a
 * document can be parsed again from the archive. A queue rather than the table's stream: a DynamoDB
 * stream shard should have at most two readers, and detect and publish are those two.
 */
export class Scraping extends Construct {
  readonly dispatchFunction: BorderwatchFunction;
  readonly fetchFunction: BorderwatchFunction;
  readonly parseFunction: BorderwatchFunction;
  readonly parseQueue: sqs.Queue;
  readonly parseDeadLetterQueue: DeadLetterQueue;
  readonly fetchQueue: sqs.Queue;
  readonly schedules: scheduler.Schedule[] = [];
  readonly schedulerDeadLetterQueue: DeadLetterQueue;
  readonly failedRunQueue: DeadLetterQueue;
  readonly fetchDeadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ScrapingProps) {
    super(scope, id);
    const fetchTimeout = props.fetchTimeout ?? Duration.minutes(2);

    this.failedRunQueue = new DeadLetterQueue(this, 'FailedRunQueue', { holds: 'dispatches that failed after Lambda retried them' });
    this.schedulerDeadLetterQueue = new DeadLetterQueue(this, 'SchedulerDeadLetterQueue', { holds: 'dispatcher invocations EventBridge Scheduler could not make' });
    this.fetchDeadLetterQueue = new DeadLetterQueue(this, 'FetchDeadLetterQueue', { holds: 'fetch jobs that failed three times', fifo: true });

    this.fetchQueue = workQueue(this, 'FetchQueue', fetchTimeout, Duration.days(1), this.fetchDeadLetterQueue);

    const sourcesFile = { 'sources.json': props.sourcesFile };
    this.dispatchFunction = new BorderwatchFunction(this, 'DispatchFunction', {
      entry: props.dispatchEntry,
      description: 'Turns a schedule firing into one fetch job per source; reports stale sources',
      timeout: Duration.minutes(1),
      memorySize: 256,
      logRetention: props.logRetention,
      bundledFiles: sourcesFile,
      environment: { FETCH_QUEUE_URL: this.fetchQueue.queueUrl },
      // Scheduler invokes asynchronously: a dispatch that throws is retried twice, then kept with its error.
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.failedRunQueue),
    });
    this.dispatchFunction.bindTableReadOnly(props.table);
    this.fetchQueue.grantSendMessages(this.dispatchFunction);

    this.fetchFunction = new BorderwatchFunction(this, 'FetchFunction', {
      entry: props.fetchEntry,
      description: 'Fetches one source per job; archives a changed document and hands it to the parse function',
      timeout: fetchTimeout,
      memorySize: 512,
      logRetention: props.logRetention,
      bundledFiles: sourcesFile,
      environment: { USER_AGENT_CONTACT: props.contactUrl },
    });
    this.fetchFunction.bindTable(props.table);
    this.fetchFunction.bindDocumentArchive(props.documents, 'write');
    this.fetchFunction.addEventSource(
      new SqsEventSource(this.fetchQueue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxConcurrency: Math.max(2, props.maxConcurrentFetches ?? 10),
      }),
    );

    const parseTimeout = Duration.minutes(1);
    this.parseDeadLetterQueue = new DeadLetterQueue(this, 'ParseDeadLetterQueue', { holds: 'hand-overs the parse function failed on three times', fifo: true });
    // The document waits in the archive: a hand-over delayed by days is still worth parsing.
    this.parseQueue = workQueue(this, 'ParseQueue', parseTimeout, Duration.days(4), this.parseDeadLetterQueue);
    this.fetchFunction.addEnvironment('PARSE_QUEUE_URL', this.parseQueue.queueUrl);
    this.parseQueue.grantSendMessages(this.fetchFunction);

    this.parseFunction = new BorderwatchFunction(this, 'ParseFunction', {
      entry: props.parseEntry,
      description: 'Parses an archived document, stores its observations and announcements, writes its snapshot',
      timeout: parseTimeout,
      memorySize: 512,
      logRetention: props.logRetention,
      bundledFiles: sourcesFile,
    });
    this.parseFunction.bindTable(props.table);
    this.parseFunction.bindDocumentArchive(props.documents, 'read');
    this.parseFunction.addEventSource(new SqsEventSource(this.parseQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }));

    // One role for all source schedules.
    const schedulerRole = schedulerRoleFor(this, 'SchedulerRole', this.dispatchFunction, 'Lets EventBridge Scheduler invoke the dispatcher and dead-letter what it cannot');

    for (const { expression, sourceIds } of groupSourcesBySchedule(props.sources)) {
      this.schedules.push(
        new scheduler.Schedule(this, scheduleConstructId(expression), {
          schedule: scheduler.ScheduleExpression.expression(expression),
          description: truncate(`Dispatches ${sourceIds.join(', ')}`, 512),
          // Spreads runs of many schedules a little; runAt stays the nominal time.
          timeWindow: scheduler.TimeWindow.flexible(Duration.minutes(5)),
          target: new LambdaInvoke(this.dispatchFunction, {
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

/**
 * A FIFO queue a function works from: encrypted, SSL-only, a message retried three times before its
 * dead-letter queue, and (AWS's guidance for Lambda consumers) a visibility timeout of six times the
 * function's timeout.
 */
function workQueue(scope: Construct, id: string, consumerTimeout: Duration, retention: Duration, deadLetterQueue: DeadLetterQueue): sqs.Queue {
  return new sqs.Queue(scope, id, {
    fifo: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
    retentionPeriod: retention,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 3 },
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
