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
}

/** Basic alarms for now: something in a dead-letter queue, and a function that errored. */
export class Monitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

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
    }
  }

  private add(alarm: cloudwatch.Alarm, action: SnsAction): void {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
