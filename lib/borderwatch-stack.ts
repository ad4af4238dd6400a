import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SourceConfig } from '../functions/sources/config';
import type { FunctionEntries } from './app';
import { Alerting, type AlertSubscription } from './constructs/alerting';
import { Detection } from './constructs/detection';
import { Monitoring } from './constructs/monitoring';
import { QueryApi } from './constructs/query-api';
import { Scraping } from './constructs/scraping';
import { Store } from './constructs/store';

export interface BorderwatchStackProps extends StackProps {
  readonly sources: readonly SourceConfig[];
  /** The validated sources file; shipped inside the functions so schedules and runs agree. */
  readonly sourcesFile: string;
  /** Absolute paths of the handlers. */
  readonly entries: FunctionEntries;
  /** Fetch workers running at once. @default 10 */
  readonly maxConcurrentFetches?: number;
  readonly alertEmails: readonly string[];
  readonly alertSms: readonly string[];
  /** Alert-topic subscriptions with filter policies (email, SMS, HTTPS). */
  readonly subscriptions?: readonly AlertSubscription[];
  readonly operatorEmails: readonly string[];
  readonly contactUrl: string;
  readonly logRetention: logs.RetentionDays;
  /** The query API without authorization (see docs/querying.md). */
  readonly queryApiPublic?: boolean;
}

/** borderwatch in one stack: one construct per capability, wired together here and nowhere else. */
export class BorderwatchStack extends Stack {
  readonly store: Store;
  readonly alerting: Alerting;
  readonly scraping: Scraping;
  readonly detection: Detection;
  readonly monitoring: Monitoring;
  readonly queryApi: QueryApi;

  constructor(scope: Construct, id: string, props: BorderwatchStackProps) {
    super(scope, id, props);

    this.store = new Store(this, 'Store');
    this.alerting = new Alerting(this, 'Alerting', {
      alertEmails: props.alertEmails,
      alertSms: props.alertSms,
      ...(props.subscriptions ? { subscriptions: props.subscriptions } : {}),
      operatorEmails: props.operatorEmails,
    });
    this.scraping = new Scraping(this, 'Scraping', {
      sources: props.sources,
      sourcesFile: props.sourcesFile,
      dispatchEntry: props.entries.dispatch,
      fetchEntry: props.entries.fetch,
      parseEntry: props.entries.parse,
      table: this.store.table,
      documents: this.store.documents,
      contactUrl: props.contactUrl,
      logRetention: props.logRetention,
      ...(props.maxConcurrentFetches ? { maxConcurrentFetches: props.maxConcurrentFetches } : {}),
    });
    this.detection = new Detection(this, 'Detection', {
      sourcesFile: props.sourcesFile,
      detectEntry: props.entries.detect,
      publishEntry: props.entries.publish,
      table: this.store.table,
      alertTopic: this.alerting.alertTopic,
      operatorTopic: this.alerting.operatorTopic,
      logRetention: props.logRetention,
    });
    this.queryApi = new QueryApi(this, 'QueryApi', { table: this.store.table, logRetention: props.logRetention, public: props.queryApiPublic ?? false });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      operatorTopic: this.alerting.operatorTopic,
      deadLetterQueues: [
        { id: 'SchedulerDeadLetterQueue', queue: this.scraping.schedulerDeadLetterQueue },
        { id: 'FailedRunQueue', queue: this.scraping.failedRunQueue },
        { id: 'FetchDeadLetterQueue', queue: this.scraping.fetchDeadLetterQueue },
        { id: 'ParseDeadLetterQueue', queue: this.scraping.parseDeadLetterQueue },
        { id: 'DetectFailureQueue', queue: this.detection.detectFailureQueue },
        { id: 'PublishFailureQueue', queue: this.detection.publishFailureQueue },
        { id: 'SweeperDeadLetterQueue', queue: this.detection.sweeperDeadLetterQueue },
        ...this.alerting.subscriptionDeadLetterQueues.map((queue) => ({ id: queue.node.id, queue })),
      ],
      functions: [
        { id: 'DispatchFunction', function: this.scraping.dispatchFunction },
        { id: 'FetchFunction', function: this.scraping.fetchFunction },
        { id: 'ParseFunction', function: this.scraping.parseFunction },
        { id: 'DetectFunction', function: this.detection.detectFunction },
        { id: 'PublishFunction', function: this.detection.publishFunction },
        { id: 'QueryFunction', function: this.queryApi.function },
      ],
      topics: [
        { id: 'AlertTopic', topic: this.alerting.alertTopic },
        { id: 'OperatorTopic', topic: this.alerting.operatorTopic },
      ],
    });

    new CfnOutput(this, 'QueryApiUrl', { value: this.queryApi.url });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
    new CfnOutput(this, 'DocumentBucketName', { value: this.store.documents.bucketName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.alertTopic.topicArn });
    new CfnOutput(this, 'OperatorTopicArn', { value: this.alerting.operatorTopic.topicArn });
    new CfnOutput(this, 'FailedRunQueueUrl', { value: this.scraping.failedRunQueue.queueUrl });
    new CfnOutput(this, 'SchedulerDeadLetterQueueUrl', { value: this.scraping.schedulerDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'FetchDeadLetterQueueUrl', { value: this.scraping.fetchDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'ParseDeadLetterQueueUrl', { value: this.scraping.parseDeadLetterQueue.queueUrl });
  }
}
