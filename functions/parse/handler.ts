import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { systemClock } from '../core/clock';
import { parseFetched, type ParseFetchedDeps } from '../pipeline/parse-stage';
import type { FetchStageResult } from '../pipeline/run-record';
import { bundledSources, lambdaHandler, requiredEnv } from '../runtime/lambda';
import { eachMessage, type SqsBatchResponse, type SqsEvent } from '../runtime/sqs';
import type { SourceConfig } from '../sources/config';
import { S3DocumentArchive } from '../store/document-archive';
import { Store } from '../store/repository';
import { parseHandover } from './jobs';

export interface ParseDeps extends ParseFetchedDeps {
  sources: SourceConfig[];
}

/**
 * The parse function: the parse queue delivers each hand-over of a changed document from the fetch
 * workers, one source's in the order they were fetched; the document is read back from the archive,
 * parsed and stored, and its snapshot written, which starts the detect function through the table's
 * stream. A message that fails (throttling, S3 unavailable) is retried by SQS, then dead-lettered; a
 * bad document is not a failure but a failed snapshot.
 */
export function makeHandler(deps: ParseDeps) {
  const sources = new Map(deps.sources.map((source) => [source.id, source]));
  return async (event: SqsEvent): Promise<SqsBatchResponse & { results: FetchStageResult[] }> => {
    const results: FetchStageResult[] = [];
    const response = await eachMessage(event, async (record) => {
      let handover;
      try {
        handover = parseHandover(record.body);
      } catch (error) {
        deps.log?.({ event: 'parse-job-dropped', messageId: record.messageId, reason: (error as Error).message });
        return false;
      }
      const source = sources.get(handover.sourceId);
      if (!source) {
        deps.log?.({ event: 'parse-job-dropped', messageId: record.messageId, sourceId: handover.sourceId, reason: 'source not in the sources file' });
        return false;
      }
      try {
        results.push(await parseFetched(source, handover, deps));
        return false;
      } catch (error) {
        deps.log?.({ event: 'parse-job-failed', messageId: record.messageId, sourceId: source.id, snapshotId: handover.snapshotId, error: (error as Error).message });
        return true;
      }
    });
    return { ...response, results };
  };
}

export const handler = lambdaHandler<SqsEvent, SqsBatchResponse>('parse', (telemetry) => {
  const run = makeHandler({
    sources: bundledSources().sources,
    store: new Store(new DynamoDBClient({}), { tableName: requiredEnv('TABLE_NAME') }),
    archive: new S3DocumentArchive(new S3Client({}), requiredEnv('DOCUMENT_BUCKET')),
    clock: systemClock,
    log: telemetry.log,
    metric: telemetry.metric,
  });
  return async (event) => ({ batchItemFailures: (await run(event)).batchItemFailures });
});
