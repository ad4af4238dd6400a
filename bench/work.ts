/**
 * What one source costs in a warm Lambda: fetch + parse + store (+ detection) of a typical document,
 * against DynamoDB Local and a local HTTP server. Wall time per source (median) and the DynamoDB
 * requests and items written and read per source, for docs/performance.md's cost estimate.
 *
 * Three cases per document: `first` (a fresh table: every observation is new), `changed` (the
 * document changed but its figures did not: the usual "page was re-rendered" case) and `unchanged`
 * (same bytes: the most common run). A local server answers in well under a millisecond; a real
 * site adds its own latency, which Lambda bills too (see the doc).
 *
 * Run: npx tsx bench/work.ts [--runs 20]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Notifier } from '../functions/alerting/notifier';
import type { Alert } from '../functions/core/model';
import { runSource, type PipelineDeps } from '../functions/pipeline/run-source';
import { readCompiledSources } from '../functions/sources/compiled';
import { compileSourcesFile } from '../functions/sources/compile';
import type { SourceConfig } from '../functions/sources/config';
import { DEFAULT_FETCH_OPTIONS, closeFetcher, type FetchOptions } from '../functions/sources/fetcher';
import { HostLimiter } from '../functions/sources/politeness';
import { ensureTable } from '../functions/store/create-table';
import { Store } from '../functions/store/repository';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startTestServer } from '../test/support/http-server';
import { median } from '../functions/detection/stats';

const root = fileURLToPath(new URL('../', import.meta.url));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;

class NullNotifier implements Notifier {
  async publish(_alert: Alert): Promise<{ messageId: string }> {
    return { messageId: 'bench' };
  }
}

/** Counts DynamoDB requests and the items they wrote or read, by command. */
function countRequests(client: { middlewareStack: { add: (m: unknown, o: unknown) => void } }) {
  const counts = { requests: 0, written: 0, read: 0, byCommand: {} as Record<string, number> };
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ output: Record<string, unknown> }>, context: { commandName: string }) => async (args: { input: Record<string, unknown> }) => {
      const result = await next(args);
      counts.requests++;
      counts.byCommand[context.commandName] = (counts.byCommand[context.commandName] ?? 0) + 1;
      const input = args.input;
      if (context.commandName === 'BatchWriteItemCommand') {
        counts.written += Object.values(input.RequestItems as Record<string, unknown[]>).reduce((n, items) => n + items.length, 0);
      } else if (context.commandName === 'TransactWriteItemsCommand') {
        counts.written += (input.TransactItems as unknown[]).length;
      } else if (/^(Put|Update|Delete)ItemCommand$/.test(context.commandName)) {
        counts.written++;
      } else if (context.commandName === 'QueryCommand') {
        counts.read += Number(result.output.Count ?? 0);
      } else if (context.commandName === 'GetItemCommand') {
        counts.read += result.output.Item ? 1 : 0;
      } else if (context.commandName === 'BatchGetItemCommand') {
        counts.read += Object.values((result.output.Responses ?? {}) as Record<string, unknown[]>).reduce((n, items) => n + items.length, 0);
      }
      return result;
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  return counts;
}

const documents: Array<{ id: string; path: string; file: string; contentType: string }> = [
  { id: 'fi-border-guard-fi', path: '/feed.xml', file: 'test/fixtures/raja-fi/rss-fi.xml', contentType: 'application/rss+xml; charset=utf-8' },
  { id: 'pl-border-guard-traffic-table', path: '/table.html', file: 'test/fixtures/strazgraniczna/ruch-graniczny.html', contentType: 'text/html; charset=utf-8' },
  { id: 'unhcr-ukraine-border-crossings', path: '/timeseries.json', file: 'test/fixtures/unhcr/timeseries.json', contentType: 'application/json' },
];

const ddb = await startDynamoDbLocal();
const server = await startTestServer();
try {
  const compiled = readCompiledSources(await writeCompiled());
  const counts = countRequests(ddb.client as never);
  console.log(`| document | bytes | case | ms per source (median of ${runs}) | DynamoDB requests | items written | items read |`);
  console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const doc of documents) {
    const body = readFileSync(resolve(root, doc.file));
    let current: Buffer = body;
    server.route(doc.path, (_request, response) => response.writeHead(200, { 'content-type': doc.contentType }).end(current));
    const source: SourceConfig = { ...compiled.sources.find((s) => s.id === doc.id)!, url: server.url(doc.path) };
    const tableName = `bench-${doc.id}`;
    await ensureTable(ddb.client, tableName);
    const store = new Store(ddb.client, { tableName });
    const fetchOptions: FetchOptions = {
      ...DEFAULT_FETCH_OPTIONS,
      allowPrivateNetwork: true,
      respectRobots: false,
      hostLimiter: new HostLimiter({ maxPerHost: 8, minSpacingMs: 0 }),
    };
    const deps: PipelineDeps = { store, notifier: new NullNotifier(), clock: () => new Date(), fetchOptions };
    let hour = 0;
    const runAt = () => new Date(Date.UTC(2026, 10, 1) + hour++ * 3_600_000).toISOString();
    const measure = async (label: string, times: number, change: (i: number) => Buffer) => {
      const durations: number[] = [];
      const before = { ...counts, byCommand: { ...counts.byCommand } };
      for (let i = 0; i < times; i++) {
        current = change(i);
        const started = performance.now();
        const result = await runSource(source, runAt(), deps);
        durations.push(performance.now() - started);
        if (result.outcome === 'failed') throw new Error(`${doc.id}: ${result.error?.message}`);
      }
      const per = (n: number) => ((n / times) | 0).toString();
      console.log(
        `| ${doc.id} | ${body.length} | ${label} | ${median(durations).toFixed(1)} | ${per(counts.requests - before.requests)} | ${per(counts.written - before.written)} | ${per(counts.read - before.read)} |`,
      );
    };
    await measure('first', 1, () => body);
    // A trailing comment (or space for JSON) changes the bytes and the content hash, not the figures.
    const marker = (i: number) => Buffer.concat([body, Buffer.from(doc.contentType.includes('json') ? ' '.repeat(i + 1) : `<!-- ${i} -->`)]);
    await measure('changed', runs, marker);
    await measure('unchanged', runs, () => current);
    await closeFetcher(fetchOptions);
  }
} finally {
  await server.close();
  await ddb.stop();
}

async function writeCompiled(): Promise<string> {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(resolve(root, 'bench/.out'), { recursive: true });
  const path = resolve(root, 'bench/.out/work-sources.json');
  writeFileSync(path, compileSourcesFile(resolve(root, 'config/sources.json')));
  return path;
}
