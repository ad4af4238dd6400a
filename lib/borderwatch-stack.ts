import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SourceConfig } from '../functions/sources/config';
import { Alerting, type AlertSubscription } from './constructs/alerting';
import { Monitoring } from './constructs/monitoring';
import { QueryApi } from './constructs/query-api';
import { Scraping } from './constructs/scraping';
import { Store } from './constructs/store';

export interface BorderwatchStackProps extends StackProps {
  readonly sources: readonly SourceConfig[];
  /** The validated sources file; shipped inside the scrape function so schedules and runs agree. */
  readonly sourcesFile: string;
  /** Absolute path of the scrape handler (tests pass a small fixture). */
  readonly scrapeEntry: string;
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
      entry: props.scrapeEntry,
      table: this.store.table,
      alertTopic: this.alerting.alertTopic,
      operatorTopic: this.alerting.operatorTopic,
      contactUrl: props.contactUrl,
      logRetention: props.logRetention,
    });
    this.queryApi = new QueryApi(this, 'QueryApi', { table: this.store.table, logRetention: props.logRetention, public: props.queryApiPublic ?? false });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      operatorTopic: this.alerting.operatorTopic,
      deadLetterQueues: [
        { id: 'SchedulerDeadLetterQueue', queue: this.scraping.schedulerDeadLetterQueue },
        { id: 'FailedRunQueue', queue: this.scraping.failedRunQueue },
        ...this.alerting.subscriptionDeadLetterQueues.map((queue) => ({ id: queue.node.id, queue })),
      ],
      functions: [{ id: 'ScrapeFunction', function: this.scraping.function }],
    });

    new CfnOutput(this, 'QueryApiUrl', { value: this.queryApi.url });
    new CfnOutput(this, 'TableName', { value: this.store.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.alertTopic.topicArn });
    new CfnOutput(this, 'OperatorTopicArn', { value: this.alerting.operatorTopic.topicArn });
    new CfnOutput(this, 'FailedRunQueueUrl', { value: this.scraping.failedRunQueue.queueUrl });
    new CfnOutput(this, 'SchedulerDeadLetterQueueUrl', { value: this.scraping.schedulerDeadLetterQueue.queueUrl });
  }
}
