import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../core/clock';
import type { Snapshot } from '../core/model';
import type { LogFn, MetricFn } from '../core/telemetry';
import { DetectionConflict, detectSeries } from '../pipeline/detect-stage';
import { bundledSources, lambdaHandler, requiredEnv } from '../runtime/lambda';
import { failFrom, newImage, type StreamBatchResponse, type StreamEvent } from '../runtime/streams';
import type { SourceConfig } from '../sources/config';
import { Store } from '../store/repository';

export interface DetectDeps {
  sources: SourceConfig[];
  store: Store;
  clock: Clock;
  log?: LogFn;
  metric?: MetricFn;
}

/**
 * The detect function: DynamoDB Streams deliver every ok snapshot the fetch workers wrote (items
 * `SNAP#…`, written after the observations they point to); for each series the snapshot changed, the
 * detect stage judges the changed periods, knowing the whole fetch at once (so a first fetch stays a
 * backfill that only judges its newest period, however the stream batches it), and records the alerts
 * of episodes that opened. Publishing is the next function's job, so a slow SNS never holds it up.
 */
export function makeHandler(deps: DetectDeps) {
  const sources = new Map(deps.sources.map((source) => [source.id, source]));
  return async (event: StreamEvent): Promise<StreamBatchResponse> => {
    const failed: Array<string | undefined> = [];
    let anomalies = 0;
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT') continue;
      const item = newImage<Snapshot>(record);
      if (!item || !item.SK.startsWith('SNAP#') || item.outcome !== 'ok' || !item.changes) continue;
      const source = sources.get(item.sourceId);
      if (!source) {
        // A source removed from the sources file: its data stays, nobody is watching it any more.
        deps.log?.({ event: 'detect-skipped', sourceId: item.sourceId, reason: 'source not in the sources file' });
        continue;
      }
      for (const [seriesId, periods] of Object.entries(item.changes)) {
        if (!source.series.some((s) => s.id === seriesId)) continue;
        try {
          anomalies += (await detectSeries(source, seriesId, periods, item, deps)).recorded.length;
        } catch (error) {
          // A conflict's recorded alerts stay recorded (the publish function sees them); the retried record judges what is left.
          if (error instanceof DetectionConflict) anomalies += error.recorded.length;
          deps.log?.({ event: 'detect-failed', sourceId: source.id, seriesId, snapshotId: item.snapshotId, error: (error as Error).message });
          failed.push(record.dynamodb?.SequenceNumber);
        }
      }
    }
    deps.metric?.('AnomaliesOpened', anomalies, 'Count');
    return failFrom(failed);
  };
}

export const handler = lambdaHandler<StreamEvent, StreamBatchResponse>('detect', (telemetry) =>
  makeHandler({
    sources: bundledSources().sources,
    store: new Store(new DynamoDBClient({}), { tableName: requiredEnv('TABLE_NAME') }),
    clock: systemClock,
    log: telemetry.log,
    metric: telemetry.metric,
  }),
);
