import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { deduplicationId, type FetchJob, type FetchQueue } from './jobs';

const BATCH = 10;

/** The fetch queue on SQS FIFO: message group = host (politeness), deduplication = source + run. */
export function sqsFetchQueue(client: SQSClient, queueUrl: string): FetchQueue {
  const sendBatch = async (jobs: Array<FetchJob & { host: string }>) => {
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: jobs.map((job, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ sourceId: job.sourceId, runAt: job.runAt }),
          MessageGroupId: job.host,
          MessageDeduplicationId: deduplicationId(job),
        })),
      }),
    );
    return (result.Failed ?? []).map((f) => jobs[Number(f.Id)]!);
  };
  return {
    async send(jobs) {
      const refused: FetchJob[] = [];
      for (let i = 0; i < jobs.length; i += BATCH) {
        const chunk = jobs.slice(i, i + BATCH);
        let failed = await sendBatch(chunk);
        // One retry of the entries SQS refused (throttling); what is still refused fails the dispatch.
        if (failed.length > 0) failed = await sendBatch(failed);
        refused.push(...failed.map(({ sourceId, runAt }) => ({ sourceId, runAt })));
      }
      return refused;
    },
  };
}
