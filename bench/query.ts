/**
 * Latency of the series endpoint (GET /series/{id}/observations, JSON) against DynamoDB Local, for
 * ranges of 1, 30 and 365 days of one daily series: the router as the Lambda runs it (a Get of the
 * series, one Query, JSON), many repetitions after a warm-up, reported as percentiles.
 *
 *   npx tsx bench/query.ts [--repetitions 300]
 */
import { performance } from 'node:perf_hooks';
import { systemClock } from '../functions/core/clock';
import { makeRouter } from '../functions/query/router';
import { ensureTable } from '../functions/store/create-table';
import { Store } from '../functions/store/repository';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const SERIES = 'bench.daily';
const LAST_DAY = '2025-12-31';
const repetitionsArg = process.argv.indexOf('--repetitions');
const REPETITIONS = repetitionsArg > 0 ? Number(process.argv[repetitionsArg + 1]) : 300;
const WARMUP = 30;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function dayBefore(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00.000Z`).getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const ddb = await startDynamoDbLocal();
  try {
    await ensureTable(ddb.client, 'bench');
    const store = new Store(ddb.client, { tableName: 'bench' });
    await store.putSeries({ seriesId: SERIES, sourceId: 'bench', unit: 'persons', granularity: 'day' });
    const periods = Array.from({ length: 365 }, (_, i) => dayBefore(LAST_DAY, 364 - i));
    await store.writeObservations(
      periods.map((period, i) => ({ seriesId: SERIES, period, value: 2800 + ((i * 37) % 400), unit: 'persons', sourceId: 'bench', snapshotId: `bench@${LAST_DAY}T06:00:00.000Z` })),
      `${LAST_DAY}T06:00:00.000Z`,
    );
    const route = makeRouter({ store, clock: systemClock });
    console.log(`borderwatch query bench: GET /series/${SERIES}/observations on DynamoDB Local (${ddb.endpoint}), ${REPETITIONS} repetitions after ${WARMUP} warm-up, Node ${process.version}`);
    console.log('  days   items   body KB    p50 ms    p95 ms    p99 ms    max ms');
    for (const days of [1, 30, 365]) {
      const query = { from: dayBefore(LAST_DAY, days - 1), to: LAST_DAY };
      const request = { method: 'GET', path: `/series/${SERIES}/observations`, query, baseUrl: 'http://localhost' };
      let items = 0;
      let bytes = 0;
      for (let i = 0; i < WARMUP; i++) await route(request);
      const times: number[] = [];
      for (let i = 0; i < REPETITIONS; i++) {
        const start = performance.now();
        const response = await route(request);
        times.push(performance.now() - start);
        if (response.status !== 200) throw new Error(`status ${response.status}: ${response.body}`);
        items = (JSON.parse(response.body) as { items: unknown[] }).items.length;
        bytes = Buffer.byteLength(response.body);
      }
      times.sort((a, b) => a - b);
      const cell = (n: number) => n.toFixed(1).padStart(9);
      console.log(`  ${String(days).padStart(4)}   ${String(items).padStart(5)}   ${(bytes / 1024).toFixed(1).padStart(7)}${cell(percentile(times, 50))} ${cell(percentile(times, 95))} ${cell(percentile(times, 99))} ${cell(times.at(-1)!)}`);
    }
  } finally {
    await ddb.stop();
  }
}

await main();
