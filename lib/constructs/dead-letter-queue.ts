import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What ends up here, e.g. "scrape invocations EventBridge Scheduler could not make". */
  readonly holds: string;
  /** The dead-letter queue of a FIFO queue must be FIFO too. */
  readonly fifo?: boolean;
}

/**
 * An SQS queue that is itself the end of a failure path: encrypted (SQS-managed keys, so the
 * services that send to it need no KMS grants), SSL-only, and keeping messages for the maximum
 * 14 days so an operator has time to look.
 */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(props.fifo ? { fifo: true } : {}),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is a dead-letter queue (it holds ${props.holds}); a dead-letter queue for it would only move the same messages once more. Its depth is alarmed instead.`,
    });
  }
}
