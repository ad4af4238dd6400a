import { toErrorDetail } from '../core/errors';
import { deliverPending, type DeliveryResult } from '../alerting/deliver';
import type { SourceConfig } from '../sources/config';
import { runSource, type PipelineDeps, type SourceRunResult } from './run-source';

export interface RunSummary {
  runAt: string;
  results: SourceRunResult[];
  /** Alerts from earlier runs that were still pending and were retried now. */
  retried: DeliveryResult[];
  failed: string[];
}

/** Runs `tasks` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * One run over many sources. Each source is fetched independently with bounded concurrency; a
 * failing source is recorded and counted and never stops the others. Pending alerts from earlier
 * runs are published at the end.
 */
export async function runSources(
  sources: readonly SourceConfig[],
  runAt: string,
  deps: PipelineDeps,
  options: { concurrency?: number } = {},
): Promise<RunSummary> {
  const enabled = sources.filter((s) => s.enabled);
  const results = await mapBounded(enabled, options.concurrency ?? 8, async (source) => {
    try {
      return await runSource(source, runAt, deps);
    } catch (error) {
      // Store trouble (throttling, conflicts): the source failed this run and will be retried.
      const detail = toErrorDetail(error, 'store');
      deps.log?.({ event: 'source-run', sourceId: source.id, outcome: 'failed', error: detail.message });
      return { sourceId: source.id, outcome: 'failed', added: 0, revised: 0, announcements: 0, evaluations: [], alerts: [], deliveries: [], error: detail } satisfies SourceRunResult;
    }
  });
  const retried = await deliverPending(deps);
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'suspect' || r.error).map((r) => r.sourceId);
  return { runAt, results, retried, failed };
}
