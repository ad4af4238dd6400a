import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Receives every alarm (and its return to OK). */
  readonly operatorTopic: ITopic;
  /** Queues at the end of a failure path: any message in them needs a person. */
  readonly deadLetterQueues: ReadonlyArray<{ readonly id: string; readonly queue: sqs.IQueue }>;
  readonly functions: ReadonlyArray<{ readonly id: string; readonly function: lambda.IFunction }>;
  /** Topics whose deliveries to subscribers are watched. */
  readonly topics?: ReadonlyArray<{ readonly id: string; readonly topic: ITopic }>;
}

/** The functions' own metrics (Powertools, embedded metric format): namespace and service dimension. */
const NAMESPACE = 'borderwatch';
const own = (metricName: string, service: string, statistic: string, period = Duration.minutes(15)) =>
  new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service }, statistic, period });

/**
 * Alarms to the operators' topic, and one dashboard:
 * - anything in a dead-letter or failure queue;
 * - a function that errored or was throttled;
 * - a source with no successful fetch for three of its intervals (the dispatcher's StaleSources);
 * - alerts that could not be published, or have waited more than 30 minutes;
 * - SNS failing to deliver to subscribers (an email bounce, an SMS refused or over the spend limit).
 */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const notify = new SnsAction(props.operatorTopic);

    for (const { id: queueId, queue } of props.deadLetterQueues) {
      this.add(
        new cloudwatch.Alarm(this, `${queueId}NotEmpty`, {
          alarmDescription: `Messages are waiting in the ${queueId} dead-letter queue; inspect and redrive or discard them.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          // SQS stops publishing metrics for a queue idle for hours; keep the alarm in ALARM until
          // someone empties the queue instead of drifting back to OK.
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        }),
        notify,
      );
    }

    for (const { id: functionId, function: fn } of props.functions) {
      this.add(
        new cloudwatch.Alarm(this, `${functionId}Errors`, {
          alarmDescription: `${functionId} failed at least once in 5 minutes; see its log group.`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        notify,
      );
      this.add(
        new cloudwatch.Alarm(this, `${functionId}Throttles`, {
          alarmDescription: `${functionId} was throttled (account or reserved concurrency reached); runs are delayed.`,
          metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        notify,
      );
    }

    const ownAlarms: Array<[string, string, cloudwatch.Metric, number]> = [
      ['StaleSources', 'A source has had no successful fetch for three of its intervals; see the dispatcher log for which.', own('StaleSources', 'dispatch', cloudwatch.Stats.MAXIMUM, Duration.hours(1)), 0],
      ['AlertPublishFailures', 'An alert could not be published to SNS; it stays pending and the sweeper retries it.', own('AlertPublishFailures', 'publish', cloudwatch.Stats.SUM), 0],
      ['PendingAlertsOld', 'An alert has waited more than 30 minutes to be published.', own('OldestPendingAlertAgeSeconds', 'publish', cloudwatch.Stats.MAXIMUM), 1800],
    ];
    for (const [name, description, metric, threshold] of ownAlarms) {
      this.add(
        new cloudwatch.Alarm(this, name, {
          alarmDescription: description,
          metric,
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        notify,
      );
    }

    for (const { id: topicId, topic } of props.topics ?? []) {
      this.add(
        new cloudwatch.Alarm(this, `${topicId}DeliveryFailures`, {
          alarmDescription: `SNS failed to deliver ${topicId} messages to subscribers (bounces, refused SMS, SMS spend limit).`,
          metric: topic.metricNumberOfNotificationsFailed({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        notify,
      );
    }

    const hourly = (name: string, service: string) => own(name, service, cloudwatch.Stats.SUM, Duration.hours(1));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          // Failures happen in both halves: a fetch that failed, or a document that did not parse.
          new cloudwatch.GraphWidget({
            title: 'Fetches',
            left: [hourly('ObservationsAdded', 'parse'), hourly('ObservationsRevised', 'parse')],
            right: [hourly('SourceFailures', 'fetch'), hourly('SourceFailures', 'parse'), hourly('SuspectSnapshots', 'parse'), hourly('FetchJobsFailed', 'fetch')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Fetch latency and size', left: [own('FetchLatency', 'fetch', 'p50', Duration.hours(1)), own('FetchLatency', 'fetch', 'p95', Duration.hours(1))], right: [own('FetchedBytes', 'fetch', cloudwatch.Stats.SUM, Duration.hours(1))], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Anomalies and alerts', left: [hourly('AnomaliesOpened', 'detect'), hourly('AlertsPublished', 'publish')], right: [hourly('AlertPublishFailures', 'publish'), own('PendingAlerts', 'publish', cloudwatch.Stats.MAXIMUM, Duration.hours(1))], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Stale sources', left: [own('StaleSources', 'dispatch', cloudwatch.Stats.MAXIMUM, Duration.hours(1))], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: props.functions.map(({ function: fn }) => fn.metricErrors({ period: Duration.hours(1) })),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration (p95)',
            left: props.functions.map(({ function: fn }) => fn.metricDuration({ period: Duration.hours(1), statistic: 'p95' })),
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });
  }

  private add(alarm: cloudwatch.Alarm, action: SnsAction): void {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
