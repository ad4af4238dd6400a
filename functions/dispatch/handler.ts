import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock, type Clock } from '../core/clock';
import type { LogFn, MetricFn } from '../core/telemetry';
import { bundledSources, lambdaHandler, requiredEnv } from '../runtime/lambda';
import type { SourceConfig } from '../sources/config';
import { Store } from '../store/repository';
import { hostOf, staleSources, type FetchJob, type FetchQueue } from './jobs';
import { sqsFetchQueue } from './sqs-queue';

/** What EventBridge Scheduler sends: the scheduled time (identifies the run) and the sources it covers. */
export interface DispatchEvent {
  runAt?: string;
  sourceIds?: string[];
}

export interface DispatchDeps {
  sources: SourceConfig[];
  queue: FetchQueue;
  store: Pick<Store, 'getSourceStates'>;
  clock: Clock;
  log?: LogFn;
  metric?: MetricFn;
  /** Intervals without a successful fetch before a source counts as stale. */
  staleAfterIntervals?: number;
}

export interface DispatchResult {
  runAt: string;
  enqueued: number;
  stale: string[];
}

/**
 * The dispatcher: turns one schedule firing into one fetch job per source on the fetch queue, and
 * reports sources that have gone quiet. Cheap and fast, so hundreds of sources fan out at once while
 * the queue and the workers' concurrency keep the fetching polite.
 */
export function makeHandler(deps: DispatchDeps) {
  return async (event: DispatchEvent = {}): Promise<DispatchResult> => {
    const runAt = event.runAt && !Number.isNaN(Date.parse(event.runAt)) ? new Date(event.runAt).toISOString() : deps.clock().toISOString();
    const unknown = event.sourceIds?.filter((id) => !deps.sources.some((s) => s.id === id)) ?? [];
    if (unknown.length > 0) throw new Error(`unknown source ids in the event: ${unknown.join(', ')}`);
    const wanted = event.sourceIds ? new Set(event.sourceIds) : undefined;
    const sources = deps.sources.filter((s) => s.enabled && (!wanted || wanted.has(s.id)));
    const jobs = sources.map((s) => ({ sourceId: s.id, runAt, host: hostOf(s) }));
    const refused: FetchJob[] = await deps.queue.send(jobs);
    if (refused.length > 0) {
      // Throwing makes Scheduler's invocation fail and retry; jobs already enqueued are deduplicated by SQS.
      throw new Error(`the fetch queue refused ${refused.length} of ${jobs.length} jobs: ${refused.map((j) => j.sourceId).join(', ')}`);
    }
    const states = await deps.store.getSourceStates(sources.map((s) => s.id));
    const stale = staleSources(sources, states, deps.clock(), deps.staleAfterIntervals ?? 3);
    deps.metric?.('StaleSources', stale.length, 'Count');
    deps.log?.({ event: 'dispatched', runAt, enqueued: jobs.length, stale });
    return { runAt, enqueued: jobs.length, stale };
  };
}

export const handler = lambdaHandler<DispatchEvent, DispatchResult>('dispatch', (telemetry) =>
  makeHandler({
    sources: bundledSources().sources,
    queue: sqsFetchQueue(new SQSClient({}), requiredEnv('FETCH_QUEUE_URL')),
    store: new Store(new DynamoDBClient({}), { tableName: requiredEnv('TABLE_NAME') }),
    clock: systemClock,
    log: telemetry.log,
    metric: telemetry.metric,
  }),
);
