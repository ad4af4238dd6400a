/**
 * Benchmark of the sources module (not a test): `npx tsx bench/sources.ts`
 *
 * 1. Parse time per document and throughput per parser, median of repeated runs, on the real
 *    documents in ../shared/data (read in place; BORDERWATCH_DATA overrides) and on the hand-made
 *    fixtures, plus generated larger documents of the same shapes.
 * 2. Fetch + parse of 500 sources from a local server that adds 100 ms to every answer, under a
 *    bound on concurrency: wall time and peak memory. Each source has its own host name (resolved to
 *    127.0.0.1 by an injected resolver), so robots.txt is fetched per host as in production.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSourcesFileDocument, sourceSchema, type SourceConfig } from '../functions/sources/config';
import type { FetchedDocument } from '../functions/sources/document';
import { closeFetcher, fetchAll, fetchOptionsFor } from '../functions/sources/fetcher';
import { parserFor } from '../functions/sources/parsers';
import { HostLimiter, runBounded } from '../functions/sources/politeness';
import { fixedClock } from '../functions/core/clock';
import { median } from '../functions/detection/stats';
import { fetchAndStore } from '../functions/pipeline/run-source';
import { ensureTable } from '../functions/store/create-table';
import { Store } from '../functions/store/repository';
import { startDynamoDbLocal } from '../local/dynamodb-local';

const root = fileURLToPath(new URL('../', import.meta.url));
const dataRoot = process.env.BORDERWATCH_DATA ?? resolve(root, '../shared/data');
const defaults = parseSourcesFileDocument(JSON.parse(readFileSync(resolve(root, 'config/sources.json'), 'utf8'))).sources;
const byId = (id: string) => defaults.find((s) => s.id === id)!;

const documentOf = (body: Uint8Array, contentType: string, url = 'https://example.org/doc'): FetchedDocument => ({
  url,
  finalUrl: url,
  status: 200,
  headers: { 'content-type': contentType },
  body,
  fetchedAt: '2022-09-25T07:00:00.000Z',
});

const source = (input: Record<string, unknown>): SourceConfig =>
  sourceSchema.parse({ id: 'bench', title: 'bench', country: 'US', kind: 'statistics', url: 'https://example.org/', schedule: 'rate(1 hour)', ...input });

const blaineCsv = (extra: Record<string, unknown>) =>
  source({
    parser: { type: 'csv', date: 'Date', value: 'Value', ...extra },
    series: [{ id: 'blaine', unit: 'persons', granularity: 'month', where: { 'Port Code': '3004', Measure: 'Personal Vehicle Passengers' } }],
  });

const fixture = (path: string) => new Uint8Array(readFileSync(resolve(root, 'test/fixtures', path)));
const shared = (path: string) => (existsSync(resolve(dataRoot, path)) ? new Uint8Array(readFileSync(resolve(dataRoot, path))) : undefined);

/** A feed of `n` items in the raja.fi shape, each with a figure sentence. */
function generatedFeed(n: number): Uint8Array {
  const items = Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2022, 0, 1) + i * 86_400_000);
    return `<item><title>Tilanne ${day.toISOString().slice(0, 10)}</title><link>https://raja.fi/-/tilanne-${i}</link><description>&lt;p&gt;Eilen saapuneita oli ${1000 + i}&amp;nbsp;${String(i % 1000).padStart(3, '0')} Venäjän kansalaista. Rajavartiolaitos tiedottaa liikenteestä.&lt;/p&gt;</description><pubDate>${day.toUTCString()}</pubDate><guid>g-${i}</guid></item>`;
  });
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><language>fi</language>${items.join('\n')}</channel></rss>`);
}

/** A statistics table of `n` rows in the fixture's shape. */
function generatedTable(n: number): Uint8Array {
  const rows = Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(i / 2) * 86_400_000);
    const date = `${day.getUTCDate()}.${day.getUTCMonth() + 1}.${day.getUTCFullYear()}`;
    return `<tr><td>${date}</td><td>${i % 2 ? 'Dorohusk' : 'Medyka'}</td><td>${(i * 37) % 9000} ${String(i % 1000).padStart(3, '0')}</td><td>${i}</td></tr>`;
  });
  return new TextEncoder().encode(`<html><body><table class="statystyki"><tr><th>Data</th><th>Przejście graniczne</th><th>Wjazd do Polski</th><th>Wyjazd z Polski</th></tr>${rows.join('')}</table></body></html>`);
}

interface Case {
  name: string;
  parser: string;
  source: SourceConfig;
  body: Uint8Array | undefined;
  contentType: string;
}

const cases: Case[] = [
  { name: 'BTS US-Canada 2019-2023 (real CSV)', parser: 'csv', source: blaineCsv({ dateFormat: 'Mon YYYY' }), body: shared('bts-border-crossing-entry-data/2019-2023/Border_Crossing_Entry_Data_US-Canada_2019-2023.csv'), contentType: 'text/csv' },
  { name: 'BTS US-Mexico 2019-2023 people (real CSV)', parser: 'csv', source: blaineCsv({ dateFormat: 'Mon YYYY' }), body: shared('bts-border-crossing-entry-data/2019-2023/Border_Crossing_Entry_Data_US-Mexico_2019-2023_people.csv'), contentType: 'text/csv' },
  { name: 'UNHCR time series 2022-04-25 (real JSON)', parser: 'json', source: byId('unhcr-ukraine-border-crossings'), body: shared('unhcr_ukraine/api-responses/unhcr_api_timeseries_sv54_pg5457_day_asof_2022-04-25.json'), contentType: 'application/json' },
  { name: 'strazgraniczna.pl homepage (real HTML)', parser: 'html-list', source: byId('pl-border-guard-news'), body: shared('poland_border_guard/site/strazgraniczna_pl_homepage_2018-03-17_news_sections.html'), contentType: 'text/html' },
  { name: 'BTS Socrata JSON (fixture)', parser: 'json', source: byId('us-bts-border-crossings'), body: fixture('bts/socrata-keg4-3bc2.json'), contentType: 'application/json' },
  { name: 'raja.fi RSS, en (fixture)', parser: 'feed', source: byId('fi-border-guard-en'), body: fixture('raja-fi/rss-en.xml'), contentType: 'application/rss+xml' },
  { name: 'strazgraniczna listing (fixture)', parser: 'html-list', source: byId('pl-border-guard-news'), body: fixture('strazgraniczna/aktualnosci.html'), contentType: 'text/html' },
  { name: 'traffic table (fixture)', parser: 'html-table', source: byId('pl-border-guard-traffic-table'), body: fixture('strazgraniczna/ruch-graniczny.html'), contentType: 'text/html' },
  { name: 'RSS, 1,000 items with figures (generated)', parser: 'feed', source: byId('fi-border-guard-fi'), body: generatedFeed(1000), contentType: 'application/rss+xml' },
  { name: 'HTML table, 10,000 rows (generated)', parser: 'html-table', source: byId('pl-border-guard-traffic-table'), body: generatedTable(10_000), contentType: 'text/html' },
];

function benchParse(): void {
  console.log('\n## Parse time per document (median of runs)\n');
  console.log('| document | parser | size | rows | observations | announcements | median ms | MB/s | runs |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    if (!c.body) {
      console.log(`| ${c.name} | ${c.parser} | skipped: not in ${dataRoot} | | | | | | |`);
      continue;
    }
    const document = documentOf(c.body, c.contentType, c.source.url);
    const parse = parserFor(c.source);
    const context = { source: c.source, snapshotId: 'bench' };
    let result = parse(document, context);
    for (let i = 0; i < 3; i++) result = parse(document, context); // warm-up
    const times: number[] = [];
    const deadline = performance.now() + 3000;
    while (times.length < 7 || (times.length < 200 && performance.now() < deadline)) {
      const start = performance.now();
      parse(document, context);
      times.push(performance.now() - start);
    }
    const ms = median(times);
    const mb = c.body.byteLength / 1024 / 1024;
    console.log(
      `| ${c.name} | ${c.parser} | ${(c.body.byteLength / 1024).toFixed(1)} KiB | ${result.rows} | ${result.observations.length} | ${result.announcements.length} | ${ms.toFixed(2)} | ${(mb / (ms / 1000)).toFixed(1)} | ${times.length} |`,
    );
  }
}

/**
 * A local site that answers every request after `latencyMs` with the raja.fi feed fixture, and
 * `count` sources on it, each under its own host name (resolved to 127.0.0.1 by the injected resolver).
 */
async function benchSite(count: number, latencyMs: number) {
  const feed = fixture('raja-fi/rss-en.xml');
  const server = createServer((req, res) => {
    setTimeout(() => {
      if (req.url === '/robots.txt') res.end('User-agent: *\nDisallow: /private\n');
      else res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed);
    }, latencyMs);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const sources = Array.from({ length: count }, (_, i) => {
    const base = byId('fi-border-guard-en');
    const parser = base.parser.type === 'feed' ? { ...base.parser, figures: base.parser.figures.map((f) => ({ ...f, series: `${f.series}-${i}` })) } : base.parser;
    return { ...base, id: `bench-${i}`, url: `http://source-${i}.bench.test:${port}/feed.xml`, parser, series: base.series.map((s) => ({ ...s, id: `${s.id}-${i}` })) };
  });
  return { server, sources };
}

async function benchFetch(count: number, concurrency: number, latencyMs: number, spacingMs: number): Promise<void> {
  const { server, sources } = await benchSite(count, latencyMs);
  const options = fetchOptionsFor(
    { contact: 'https://example.org/bench' },
    {
      allowedAddresses: ['127.0.0.1'],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      hostLimiter: new HostLimiter({ maxPerHost: 2, minSpacingMs: spacingMs }),
    },
  );
  if (global.gc) global.gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 5);
  const start = performance.now();
  let observations = 0;
  let announcements = 0;
  const results = await fetchAll(sources, options, { concurrency });
  for (const [i, result] of results.entries()) {
    if (!result.ok || result.value.notModified) continue;
    const parsed = parserFor(sources[i]!)(result.value, { source: sources[i]!, snapshotId: 'bench' });
    observations += parsed.observations.length;
    announcements += parsed.announcements.length;
  }
  const wall = performance.now() - start;
  clearInterval(sampler);
  await closeFetcher(options);
  await new Promise((ok) => server.close(ok));
  const failed = results.filter((r) => !r.ok).length;
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `| ${count} | ${concurrency} | ${latencyMs} ms | ${spacingMs} ms | ${(wall / 1000).toFixed(2)} s | ${((count * 2 * latencyMs) / concurrency / 1000).toFixed(2)} s | ${failed} | ${observations} | ${announcements} | ${mib(peakRss)} MiB (+${mib(peakRss - baseline.rss)}) | ${mib(peakHeap)} MiB |`,
  );
}

/**
 * The whole fetch stage of the pipeline (fetch, snapshot, parse, layout check, store observations and
 * announcements, record alerts) for `count` sources on DynamoDB Local, under the same bounded
 * concurrency: what one dispatch of that many sources costs the fetch workers, minus Lambda.
 */
async function benchFetchStore(count: number, concurrency: number, latencyMs: number): Promise<void> {
  const { server, sources } = await benchSite(count, latencyMs);
  const options = fetchOptionsFor(
    { contact: 'https://example.org/bench' },
    { allowedAddresses: ['127.0.0.1'], resolve: async () => [{ address: '127.0.0.1', family: 4 }], hostLimiter: new HostLimiter({ maxPerHost: 2, minSpacingMs: 0 }) },
  );
  const ddb = await startDynamoDbLocal();
  try {
    await ensureTable(ddb.client, 'bench');
    const store = new Store(ddb.client, { tableName: 'bench' });
    // The clock the fetch stage sees: 29.9.2022 17:00 Helsinki, so the feed's items are fresh news.
    const clock = fixedClock('2022-09-29T14:00:00.000Z');
    if (global.gc) global.gc();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    const start = performance.now();
    const settled = await runBounded(sources, concurrency, (source) => fetchAndStore(source, '2022-09-29T14:00:00.000Z', { store, clock, fetchOptions: options }));
    const results = settled.flatMap((r) => (r.ok ? [r.value] : []));
    const wall = performance.now() - start;
    clearInterval(sampler);
    const ok = results.filter((r) => r.outcome === 'ok').length; // a rejected fetch stage counts as not ok
    const added = results.reduce((n, r) => n + r.added, 0);
    const announcements = results.reduce((n, r) => n + r.announcements, 0);
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(`| ${count} | ${concurrency} | ${latencyMs} ms | ${(wall / 1000).toFixed(2)} s | ${ok} | ${added} | ${announcements} | ${mib(peakRss)} MiB (+${mib(peakRss - baseline.rss)}) |`);
  } finally {
    await closeFetcher(options);
    await new Promise((ok) => server.close(ok));
    await ddb.stop();
  }
}

/** `npx tsx bench/sources.ts [parse|fetch|store]`: all by default; each part alone gives steadier numbers. */
async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'all';
  console.log(`node ${process.version}, ${process.arch}; shared data: ${existsSync(dataRoot) ? dataRoot : 'absent'}`);
  if (mode === 'all' || mode === 'fetch') {
    console.log('\n## Fetch + parse of many sources (local server, added latency on every answer incl. robots.txt)\n');
    console.log('| sources | concurrency | latency | per-host spacing | wall time | floor (2 requests × latency × sources / concurrency) | failed | observations | announcements | peak RSS (+ over baseline) | peak heap |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const concurrency of [25, 50, 100]) await benchFetch(500, concurrency, 100, 0);
    await benchFetch(500, 50, 100, 1000);
  }
  if (mode === 'all' || mode === 'store') {
    console.log('\n## Fetch + parse + store of many sources (the fetch stage, DynamoDB Local, 100 ms added latency)\n');
    console.log('| sources | concurrency | latency | wall time | ok | observations stored | announcements stored | peak RSS (+ over baseline) |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const concurrency of [25, 50]) await benchFetchStore(500, concurrency, 100);
  }
  if (mode === 'all' || mode === 'parse') benchParse();
}

await main();
