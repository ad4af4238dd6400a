import { Duration } from 'aws-cdk-lib';

/**
 * How every table-stream consumer retries: a failed record is retried on its own (batches are bisected
 * and the handlers report the failed record), a few times within hours, then handed to the consumer's
 * failure queue, which is alarmed.
 */
export const STREAM_RETRY = { bisectBatchOnError: true, retryAttempts: 5, maxRecordAge: Duration.hours(6), reportBatchItemFailures: true } as const;
