import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LogFn, MetricFn } from '../core/telemetry';
import type { SourcesFile } from '../sources/config';
import { readCompiledSources } from '../sources/compiled';

/** What every borderwatch Lambda shares: environment checks, the bundled sources file, logs and metrics. */

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/**
 * The sources file as `cdk synth` validated and compiled it (defaults applied), shipped next to the
 * bundle: read with a structural check only, so the schema library stays out of the bundles.
 */
export function bundledSources(): SourcesFile {
  return readCompiledSources(fileURLToPath(new URL('./sources.json', import.meta.url)));
}

export interface Telemetry {
  log: LogFn;
  metric: MetricFn;
  /** Flushes metrics as CloudWatch embedded metric format; call at the end of every invocation. */
  flush(): void;
}

/**
 * A Lambda entry point: the handler is built once per container, on the first invocation (so the
 * module can be imported without its environment, and a missing variable fails that invocation
 * loudly), and metrics are flushed after every invocation, also a failed one.
 */
export function lambdaHandler<E, R>(service: string, build: (telemetry: Telemetry) => (event: E) => Promise<R>): (event: E) => Promise<R> {
  const telemetry = powertools(service);
  let instance: ((event: E) => Promise<R>) | undefined;
  return async (event: E) => {
    instance ??= build(telemetry);
    try {
      return await instance(event);
    } finally {
      telemetry.flush();
    }
  };
}

/** Powertools Logger (JSON) and Metrics (EMF) behind the pipeline's plain log and metric functions. */
export function powertools(serviceName: string): Telemetry {
  const logger = new Logger({ serviceName: 'borderwatch' });
  const metrics = new Metrics({ namespace: 'borderwatch', serviceName });
  return {
    log: ({ event, ...rest }) => logger.info(String(event), rest),
    metric: (name, value, unit) => metrics.addMetric(name, MetricUnit[unit], value),
    flush: () => metrics.publishStoredMetrics(),
  };
}
