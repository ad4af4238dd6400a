import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { systemClock } from '../core/clock';
import type { FetchHandover } from '../pipeline/fetch-stage';
import { parseFetched, type ParseFetchedDeps } from '../pipeline/parse-stage';
import type { FetchStageResult } from '../pipeline/run-record';
import { bundledSources, lambdaHandler, requiredEnv } from '../runtime/lambda';
import { failFrom, newImage, type StreamBatchResponse, type StreamEvent } from '../runtime/streams';
import type { SourceConfig } from '../sources/config';
import { S3DocumentArchive } from '../store/document-archive';
import { key } from '../store/keys';
import { Store } from '../store/repository';

export interface ParseDeps extends ParseFetchedDeps {
  sources: SourceConfig[];
}

/**
 * The parse function: DynamoDB Streams deliver each hand-over (`FETCHED#…`) the fetch workers wrote;
 * the document is read back from the archive, parsed and stored, and its snapshot written, which in
 * turn starts the detect function. A record that fails (throttling, S3 unavailable) is retried from
 * there on; a bad document is not a failure but a failed snapshot.
 */
export function makeHandler(deps: ParseDeps) {
  const sources = new Map(deps.sources.map((source) => [source.id, source]));
  return async (event: StreamEvent): Promise<StreamBatchResponse & { results: FetchStageResult[] }> => {
    const failed: Array<string | undefined> = [];
    const results: FetchStageResult[] = [];
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT') continue;
      const item = newImage<FetchHandover>(record);
      if (!item || !item.SK.startsWith(key.fetchedPrefix)) continue;
      const source = sources.get(item.sourceId);
      if (!source) {
        deps.log?.({ event: 'parse-skipped', sourceId: item.sourceId, reason: 'source not in the sources file' });
        continue;
      }
      try {
        results.push(await parseFetched(source, item, deps));
      } catch (error) {
        deps.log?.({ event: 'parse-failed', sourceId: source.id, snapshotId: item.snapshotId, error: (error as Error).message });
        failed.push(record.dynamodb?.SequenceNumber);
        // Later hand-overs of the batch come again after this one: nothing overtakes it.
        break;
      }
    }
    return { ...failFrom(failed), results };
  };
}

export const handler = lambdaHandler<StreamEvent, StreamBatchResponse>('parse', (telemetry) => {
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
