import { toErrorDetail } from '../core/errors';
import { deliverPending, type DeliveryResult } from '../alerting/deliver';
import type { SourceConfig } from '../sources/config';
import { runBounded } from '../sources/politeness';
import { runSource, type PipelineDeps, type SourceRunResult } from './run-source';

export interface RunSummary {
  runAt: string;
  results: SourceRunResult[];
  /** Alerts from earlier runs that were still pending and were retried now. */
  retried: DeliveryResult[];
  failed: string[];
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
  const settled = await runBounded(enabled, options.concurrency ?? 8, (source) => runSource(source, runAt, deps));
  const results = settled.map((outcome, i): SourceRunResult => {
    if (outcome.ok) return outcome.value;
    // Store trouble (throttling, conflicts): the source failed this run and will be retried.
    const detail = toErrorDetail(outcome.error, 'store');
    const sourceId = enabled[i]!.id;
    deps.log?.({ event: 'source-run', sourceId, outcome: 'failed', error: detail.message });
    return { sourceId, outcome: 'failed', added: 0, revised: 0, announcements: 0, evaluations: [], alerts: [], deliveries: [], error: detail };
  });
  const retried = await deliverPending(deps);
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'suspect' || r.error).map((r) => r.sourceId);
  return { runAt, results, retried, failed };
}
