import type { SourceConfig } from '../sources/config';
import { stableId } from '../core/hash';
import type { SourceState } from '../store/repository';

/** One source to fetch for one scheduled run: the message between the dispatcher and the fetch workers. */
export interface FetchJob {
  sourceId: string;
  runAt: string;
}

export interface FetchQueue {
  /** Enqueues jobs; returns those the queue refused (after its own retry). */
  send(jobs: Array<FetchJob & { host: string }>): Promise<FetchJob[]>;
}

export function parseFetchJob(body: string): FetchJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`fetch job is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  const job = value as Partial<FetchJob>;
  if (!job || typeof job.sourceId !== 'string' || typeof job.runAt !== 'string' || Number.isNaN(Date.parse(job.runAt))) {
    throw new Error(`fetch job needs a sourceId and an ISO runAt: ${JSON.stringify(body.slice(0, 120))}`);
  }
  return { sourceId: job.sourceId, runAt: job.runAt };
}

/**
 * The queue's deduplication id: the same source and scheduled run are enqueued once, however often
 * Scheduler or Lambda retry the dispatch (SQS FIFO deduplicates within five minutes; the fetch
 * stage's run marker covers the rest).
 */
export function deduplicationId(job: FetchJob): string {
  return stableId('fetch', job.sourceId, job.runAt);
}

/** The message group: one host. FIFO delivers one group's messages one at a time, so no host sees two fetches at once. */
export function hostOf(source: SourceConfig): string {
  return new URL(source.url).host.toLowerCase();
}

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/** The interval of a schedule: exact for rate(...), one day for cron(...) (the common daily case; documented). */
export function scheduleIntervalMs(schedule: string): number {
  const rate = schedule.match(/^rate\((\d+) (\w+)\)$/);
  if (rate) return Number(rate[1]) * (UNITS[rate[2]!] ?? 86_400_000);
  return 86_400_000;
}

/**
 * Sources with no successful fetch for `intervals` of their own schedule (a source that never had
 * one counts once it has failed that many times): the operators' "this source has gone quiet" signal.
 */
export function staleSources(
  sources: readonly SourceConfig[],
  states: ReadonlyMap<string, Pick<SourceState, 'lastOkAt' | 'consecutiveFailures'> | undefined>,
  now: Date,
  intervals = 3,
): string[] {
  return sources
    .filter((source) => {
      const state = states.get(source.id);
      if (!state) return false;
      if (state.lastOkAt) return now.getTime() - Date.parse(state.lastOkAt) > intervals * scheduleIntervalMs(source.schedule);
      return state.consecutiveFailures >= intervals;
    })
    .map((source) => source.id);
}
