import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../core/clock';
import type { Observation } from '../core/model';
import type { LogFn, MetricFn } from '../core/telemetry';
import { detectSeries } from '../pipeline/detect-stage';
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
 * The detect function: DynamoDB Streams deliver every observation the fetch workers added or revised
 * (items `OBS#<period>`); per series, the detect stage judges the new periods and records the alerts of
 * episodes that opened. Publishing is the next function's job, so a slow SNS never holds detection up.
 */
export function makeHandler(deps: DetectDeps) {
  const sourceOfSeries = new Map(deps.sources.flatMap((source) => source.series.map((series) => [series.id, source] as const)));
  return async (event: StreamEvent): Promise<StreamBatchResponse> => {
    const bySeries = new Map<string, { observations: Observation[]; sequenceNumbers: Array<string | undefined> }>();
    for (const record of event.Records) {
      if (record.eventName === 'REMOVE') continue;
      const item = newImage<Observation>(record);
      if (!item || !item.SK.startsWith('OBS#')) continue;
      const entry = bySeries.get(item.seriesId) ?? { observations: [], sequenceNumbers: [] };
      entry.observations.push({
        seriesId: item.seriesId,
        period: item.period,
        value: item.value,
        unit: item.unit,
        sourceId: item.sourceId,
        snapshotId: item.snapshotId,
        ...(item.provisional ? { provisional: true } : {}),
      });
      entry.sequenceNumbers.push(record.dynamodb?.SequenceNumber);
      bySeries.set(item.seriesId, entry);
    }
    const failed: Array<string | undefined> = [];
    let anomalies = 0;
    for (const [seriesId, { observations, sequenceNumbers }] of bySeries) {
      const source = sourceOfSeries.get(seriesId);
      if (!source) {
        // A series removed from the sources file: its data stays, nobody is watching it any more.
        deps.log?.({ event: 'detect-skipped', seriesId, reason: 'series not in the sources file' });
        continue;
      }
      try {
        const newest = observations.reduce((a, b) => (a.snapshotId >= b.snapshotId ? a : b));
        const snapshot = (await deps.store.getSnapshot(newest.snapshotId)) ?? { snapshotId: newest.snapshotId, fetchedAt: newest.snapshotId.split('@')[1] ?? '', url: source.url };
        const result = await detectSeries(source, seriesId, observations, snapshot, deps);
        anomalies += result.recorded.length;
      } catch (error) {
        deps.log?.({ event: 'detect-failed', seriesId, error: (error as Error).message });
        failed.push(...sequenceNumbers);
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
