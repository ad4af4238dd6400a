import { systemClock } from '../functions/core/clock';
import { runSources, type RunSummary } from '../functions/pipeline/run';
import { loadSourcesFileWithSettings } from '../functions/sources/config';
import { closeFetcher, fetchOptionsFor } from '../functions/sources/fetcher';
import { openLocalEnvironment } from './environment';

/** `npm start`: one run of the pipeline over the configured sources, on the embedded DynamoDB Local. */
export async function runOnce(options: { sourcesFile: string; print?: (text: string) => void }): Promise<RunSummary> {
  const print = options.print ?? ((text: string) => console.log(text));
  const { settings, sources } = loadSourcesFileWithSettings(options.sourcesFile);
  const fetchOptions = fetchOptionsFor(settings, { maxAttempts: 2, backoffBaseMs: 200 });
  const env = await openLocalEnvironment({ print });
  try {
    const runAt = systemClock().toISOString();
    print(`borderwatch: running ${sources.filter((s) => s.enabled).length} sources from ${options.sourcesFile} (DynamoDB Local at ${env.ddb.endpoint})`);
    const summary = await runSources(sources, runAt, {
      store: env.store,
      notifier: env.notifier,
      clock: systemClock,
      fetchOptions,
      ...(env.archive ? { archive: env.archive } : {}),
    });
    print(formatSummary(summary, env.outboxPath));
    return summary;
  } finally {
    await closeFetcher(fetchOptions);
    await env.close();
  }
}

export function formatSummary(summary: RunSummary, outboxPath: string): string {
  const lines = summary.results.map((r) => {
    const what =
      r.outcome === 'ok'
        ? `${r.added} new, ${r.revised} revised observations, ${r.alerts.length} alerts`
        : r.outcome === 'failed' || r.outcome === 'suspect'
          ? `${r.error?.message ?? 'failed'}`
          : r.outcome;
    return `  ${r.outcome === 'failed' || r.outcome === 'suspect' ? '✗' : '✓'} ${r.sourceId.padEnd(36)} ${r.outcome.padEnd(9)} ${what}`;
  });
  const alerts = summary.results.reduce((n, r) => n + r.alerts.length, 0);
  return [
    ...lines,
    `${summary.results.length - summary.failed.length} of ${summary.results.length} sources ok; ${alerts} new alerts${alerts ? ` (outbox: ${outboxPath})` : ''}${summary.retried.length ? `; ${summary.retried.length} pending alerts retried` : ''}.`,
  ].join('\n');
}
