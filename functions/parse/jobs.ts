import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { stableId } from '../core/hash';
import type { FetchHandover } from '../pipeline/fetch-stage';

/** Where the fetch function hands changed documents to the parse function. */
export interface ParseQueue {
  send(handover: FetchHandover): Promise<void>;
}

/**
 * The parse queue on SQS FIFO: message group = source, so a source's documents are parsed in the
 * order they were fetched (an older document never overwrites a newer one's figures); deduplication =
 * the snapshot, so a retried fetch job that hands over the same fetch again is dropped by SQS.
 */
export function sqsParseQueue(client: SQSClient, queueUrl: string): ParseQueue {
  return {
    async send(handover) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(handover),
          MessageGroupId: handover.sourceId,
          MessageDeduplicationId: stableId('parse', handover.snapshotId),
        }),
      );
    },
  };
}

/** A hand-over read back from a message; anything malformed is refused with the reason (it can never be parsed). */
export function parseHandover(body: string): FetchHandover {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`parse job is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (!value || typeof value !== 'object') throw new Error(`parse job is not an object: ${JSON.stringify(body.slice(0, 80))}`);
  const h = value as Partial<FetchHandover>;
  const isDate = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  const checks: Array<[string, boolean]> = [
    ['sourceId', typeof h.sourceId === 'string'],
    ['runAt', isDate(h.runAt)],
    ['snapshotId', typeof h.snapshotId === 'string'],
    ['fetchedAt', isDate(h.fetchedAt)],
    ['startedAt', typeof h.startedAt === 'number'],
    ['status', typeof h.status === 'number'],
    ['finalUrl', typeof h.finalUrl === 'string'],
    ['headers', typeof h.headers === 'object' && h.headers !== null],
    ['provenance', typeof h.provenance?.contentHash === 'string' && typeof h.provenance?.documentKey === 'string'],
  ];
  const problem = checks.find(([, ok]) => !ok)?.[0];
  if (problem) throw new Error(`parse job has no valid ${problem}: ${JSON.stringify(body.slice(0, 120))}`);
  return h as FetchHandover;
}
