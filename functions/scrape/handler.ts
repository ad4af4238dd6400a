import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RoutingNotifier, SnsNotifier } from '../alerting/notifier';
import { systemClock } from '../core/clock';
import { runSources, type RunSummary } from '../pipeline/run';
import type { PipelineDeps } from '../pipeline/run-source';
import { loadSourcesFileWithSettings, type SourceConfig } from '../sources/config';
import { fetchOptionsFor } from '../sources/fetcher';
import { Store } from '../store/repository';

/** What EventBridge Scheduler sends: the scheduled time (identifies the run) and the sources it covers. */
export interface ScrapeEvent {
  runAt?: string;
  sourceIds?: string[];
}

export interface ScrapeDeps extends PipelineDeps {
  sources: SourceConfig[];
  concurrency: number;
}

export class RunFailedError extends Error {
  constructor(readonly summary: RunSummary) {
    super(`${summary.failed.length} of ${summary.results.length} sources failed: ${summary.failed.join(', ')}`);
    this.name = 'RunFailedError';
  }
}

/**
 * The scrape Lambda: wiring only. A run with failed sources throws after everything else is done
 * and stored, so Lambda's retries and the failure destination see it; a retry of the same scheduled
 * run skips the sources that already succeeded.
 */
export function makeHandler(deps: ScrapeDeps) {
  return async (event: ScrapeEvent = {}): Promise<RunSummary> => {
    const runAt = event.runAt && !Number.isNaN(Date.parse(event.runAt)) ? new Date(event.runAt).toISOString() : deps.clock().toISOString();
    const wanted = event.sourceIds ? new Set(event.sourceIds) : undefined;
    const unknown = event.sourceIds?.filter((id) => !deps.sources.some((s) => s.id === id)) ?? [];
    if (unknown.length > 0) throw new Error(`unknown source ids in the event: ${unknown.join(', ')}`);
    const sources = wanted ? deps.sources.filter((s) => wanted.has(s.id)) : deps.sources;
    const summary = await runSources(sources, runAt, deps, { concurrency: deps.concurrency });
    deps.log?.({ event: 'run-finished', runAt, sources: summary.results.length, failed: summary.failed, retried: summary.retried.length });
    if (summary.failed.length > 0) throw new RunFailedError(summary);
    return summary;
  };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function defaultDeps(logger: Logger, metrics: Metrics): ScrapeDeps {
  const tableName = requiredEnv('TABLE_NAME');
  const topicArn = requiredEnv('ALERT_TOPIC_ARN');
  const operatorTopicArn = requiredEnv('OPERATOR_TOPIC_ARN');
  // The notifier retries publishes itself (only retryable errors); SDK retries would multiply them.
  const sns = new SNSClient({ maxAttempts: 1 });
  // The CDK construct ships the validated sources file next to the bundle.
  const { settings, sources } = loadSourcesFileWithSettings(fileURLToPath(new URL('./sources.json', import.meta.url)));
  return {
    sources,
    store: new Store(new DynamoDBClient({}), { tableName }),
    // Source-health alerts go to the operators' topic, everything else to the subscribers'.
    notifier: new RoutingNotifier(new SnsNotifier(sns, topicArn), new SnsNotifier(sns, operatorTopicArn)),
    clock: systemClock,
    // One options object per container: its agent, per-host limiter and robots cache are shared by all fetches.
    fetchOptions: fetchOptionsFor({ ...settings, contact: process.env.USER_AGENT_CONTACT ?? settings.contact }),
    concurrency: Number(process.env.CONCURRENCY ?? 8),
    log: ({ event, ...rest }) => logger.info(String(event), rest),
    metric: (name, value, unit) => metrics.addMetric(name, MetricUnit[unit], value),
  };
}

// Created once per container; environment read once and failing fast when missing.
const logger = new Logger({ serviceName: 'borderwatch' });
const metrics = new Metrics({ namespace: 'borderwatch', serviceName: 'scrape' });
let handlerInstance: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: ScrapeEvent): Promise<RunSummary> => {
  handlerInstance ??= makeHandler(defaultDeps(logger, metrics));
  try {
    return await handlerInstance(event);
  } finally {
    // Metrics go out as CloudWatch embedded metric format in the log, also for failed runs.
    metrics.publishStoredMetrics();
  }
};
