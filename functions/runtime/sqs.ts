/** The part of an SQS event the queue consumers read. */
export interface SqsEvent {
  Records: Array<{ messageId: string; body: string; attributes?: { MessageGroupId?: string } }>;
}

export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * Runs each message of a FIFO batch in order and reports the failed ones, so SQS retries only those
 * and keeps the rest. A failure also fails the later messages of its message group, which must not
 * overtake it. `run` catches its own errors and says whether the message failed (and should be retried).
 */
export async function eachMessage(event: SqsEvent, run: (record: SqsEvent['Records'][number]) => Promise<boolean>): Promise<SqsBatchResponse> {
  const failures: Array<{ itemIdentifier: string }> = [];
  const blockedGroups = new Set<string>();
  for (const record of event.Records) {
    const group = record.attributes?.MessageGroupId;
    if (group && blockedGroups.has(group)) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    if (await run(record)) {
      failures.push({ itemIdentifier: record.messageId });
      if (group) blockedGroups.add(group);
    }
  }
  return { batchItemFailures: failures };
}
