import { fixedClock } from '../../functions/core/clock';
import { DEFAULT_FETCH_OPTIONS, type FetchOptions } from '../../functions/sources/fetcher';
import { HostLimiter } from '../../functions/sources/politeness';
import { parseSourcesDocument, type SourceConfig, type SourceConfigInput } from '../../functions/sources/config';

/** Fast, loopback-allowed fetch options for tests: no real waiting between retries. */
export const testFetchOptions: FetchOptions = {
  ...DEFAULT_FETCH_OPTIONS,
  maxAttempts: 2,
  backoffBaseMs: 1,
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
  sleep: async () => undefined,
  // Tests talk to their own loopback server: allowed explicitly, no robots.txt, no politeness spacing.
  allowPrivateNetwork: true,
  respectRobots: false,
  hostLimiter: new HostLimiter({ maxPerHost: 8, minSpacingMs: 0 }),
};

export function source(overrides: Partial<SourceConfigInput> & { url: string }): SourceConfig {
  return parseSourcesDocument({
    sources: [
      {
        id: 'test-csv',
        title: 'Test CSV source',
        country: 'FI',
        kind: 'statistics',
        schedule: 'rate(1 hour)',
        parser: { type: 'csv', date: 'date', value: 'value' },
        series: [{ id: 'test.series', unit: 'persons', granularity: 'day' }],
        ...overrides,
      },
    ],
  })[0]!;
}

export function dailyCsv(values: Array<[string, number | string]>): string {
  return ['date,value', ...values.map(([d, v]) => `${d},${v}`)].join('\n') + '\n';
}

export { fixedClock };

/** Southeast Finland, Russians entering, the reported days before the surge (press figures, demo/fi-border-2022). */
export const WEEK_BEFORE_SURGE: Array<[string, number]> = [
  ['2022-09-14', 2794],
  ['2022-09-15', 2874],
  ['2022-09-19', 2804],
  ['2022-09-20', 3099],
  ['2022-09-21', 4443],
];
