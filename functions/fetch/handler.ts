import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../core/clock';
import { parseFetchJob } from '../dispatch/jobs';
import { sqsParseQueue } from '../parse/jobs';
import { fetchAndHandOver, type HandOverDeps } from '../pipeline/fetch-stage';
import type { FetchStageResult } from '../pipeline/run-record';
import { bundledSources, lambdaHandler, requiredEnv } from '../runtime/lambda';
import { eachMessage, type SqsBatchResponse, type SqsEvent } from '../runtime/sqs';
import type { SourceConfig } from '../sources/config';
import { fetchOptionsFor } from '../sources/fetcher';
import { S3DocumentArchive } from '../store/document-archive';
import { Store } from '../store/repository';

export interface FetchWorkerDeps extends HandOverDeps {
  sources: SourceConfig[];
}

/**
 * The fetch worker: one message, one source, one fetch stage. A changed document goes to the archive
 * and is handed to the parse function through its queue, so this bundle has no parsers. A failed fetch is reported as a failed
 * batch item, so SQS retries it (and, after the queue's limit, moves it to the dead-letter queue)
 * while the rest of the batch is kept. On a FIFO queue a failure also fails the messages after it in
 * the same group (the same host), which must not overtake it.
 */
export function makeHandler(deps: FetchWorkerDeps) {
  const byId = new Map(deps.sources.map((s) => [s.id, s]));
  return async (event: SqsEvent): Promise<SqsBatchResponse & { results: FetchStageResult[] }> => {
    const results: FetchStageResult[] = [];
    const response = await eachMessage(event, async (record) => {
      try {
        const job = parseFetchJob(record.body);
        const source = byId.get(job.sourceId);
        if (!source) {
          // A job for a source removed from the file since it was queued: nothing to retry.
          deps.log?.({ event: 'fetch-job-dropped', messageId: record.messageId, sourceId: job.sourceId, reason: 'unknown source' });
          return false;
        }
        const result = await fetchAndHandOver(source, job.runAt, deps);
        results.push(result);
        // A suspect layout is not retried: the evidence is stored and the operators are alerted; a retry would see the same page.
        return result.outcome === 'failed';
      } catch (error) {
        deps.log?.({ event: 'fetch-job-failed', messageId: record.messageId, error: (error as Error).message });
        // A malformed job can never run; anything else (the table, the archive, the parse queue) is retried.
        return !(error instanceof Error && error.message.startsWith('fetch job'));
      }
    });
    if (response.batchItemFailures.length > 0) deps.metric?.('FetchJobsFailed', response.batchItemFailures.length, 'Count');
    return { ...response, results };
  };
}

export const handler = lambdaHandler<SqsEvent, SqsBatchResponse>('fetch', (telemetry) => {
  const { settings, sources } = bundledSources();
  const run = makeHandler({
    sources,
    store: new Store(new DynamoDBClient({}), { tableName: requiredEnv('TABLE_NAME') }),
    archive: new S3DocumentArchive(new S3Client({}), requiredEnv('DOCUMENT_BUCKET')),
    handOver: sqsParseQueue(new SQSClient({}), requiredEnv('PARSE_QUEUE_URL')).send,
    clock: systemClock,
    // One options object per container: its agent, per-host limiter and robots cache are shared by all fetches.
    fetchOptions: fetchOptionsFor({ ...settings, contact: process.env.USER_AGENT_CONTACT ?? settings.contact }),
    log: telemetry.log,
    metric: telemetry.metric,
  });
  return async (event) => ({ batchItemFailures: (await run(event)).batchItemFailures });
});
