import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** The part of a DynamoDB Streams event the stream consumers read. */
export interface StreamEvent {
  Records: StreamRecord[];
}

export interface StreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  dynamodb?: {
    SequenceNumber?: string;
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
  };
}

export interface StreamBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** The item a record carries (its new image), as plain values. */
export function newImage<T>(record: StreamRecord): (T & { PK: string; SK: string }) | undefined {
  const image = record.dynamodb?.NewImage;
  return image ? (unmarshall(image) as T & { PK: string; SK: string }) : undefined;
}

/**
 * Lambda restarts a stream batch from the failed record with the lowest sequence number: everything
 * after it is delivered again (the consumers are idempotent), nothing before it is.
 */
export function failFrom(sequenceNumbers: Array<string | undefined>): StreamBatchResponse {
  const known = sequenceNumbers.filter((s): s is string => s !== undefined);
  if (known.length === 0) return { batchItemFailures: [] };
  const lowest = known.reduce((a, b) => (BigInt(a) <= BigInt(b) ? a : b));
  return { batchItemFailures: [{ itemIdentifier: lowest }] };
}
