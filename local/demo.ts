import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../functions/core/clock';
import type { Alert } from '../functions/core/model';
import { runSources } from '../functions/pipeline/run';
import { splitCsv } from '../functions/sources/parsers/csv';
import { parseCalendarDate } from '../functions/sources/normalize';
import { parseSourcesDocument, type SourceConfig } from '../functions/sources/config';
import { closeFetcher, fetchOptionsFor } from '../functions/sources/fetcher';
import { HostLimiter } from '../functions/sources/politeness';
import type { SourceRunResult } from '../functions/pipeline/run-source';
import { openLocalEnvironment, type LocalEnvironment } from './environment';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const FI_DEMO_CSV = join(REPO_ROOT, 'demo/fi-border-2022/russians_entering_finland_daily_sept2022.csv');
export const SAN_YSIDRO_RELATIVE = 'bts-border-crossing-san-ysidro/Border_Crossing_Entry_Data.csv';

/**
 * A local HTTP server that replays a recorded CSV as it stood on a given day: only the rows dated
 * up to the cutoff are served, exactly as a source publishes one more reporting day at a time.
 */
export interface ReplayServer {
  url(path: string): string;
  setCutoff(path: string, cutoff: string): void;
  close(): Promise<void>;
}

export async function startReplayServer(documents: Record<string, { csv: string; dateColumn: string }>): Promise<ReplayServer> {
  const cutoffs = new Map<string, string>();
  const tables = Object.fromEntries(
    Object.entries(documents).map(([path, doc]) => {
      const [header, ...rows] = splitCsv(doc.csv);
      const dateIndex = header!.indexOf(doc.dateColumn);
      if (dateIndex < 0) throw new Error(`replay document ${path}: no column ${doc.dateColumn}`);
      const keyed = rows.map((row) => {
        const date = parseCalendarDate(row[dateIndex] ?? '');
        const key = date ? `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}` : '';
        return { key, line: row.map(quote).join(',') };
      });
      return [path, { header: header!.map(quote).join(','), rows: keyed }];
    }),
  );
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const table = tables[path];
    if (!table) {
      response.writeHead(404).end('not found');
      return;
    }
    const cutoff = cutoffs.get(path) ?? '9999';
    const body = [table.header, ...table.rows.filter((r) => r.key <= cutoff).map((r) => r.line)].join('\n') + '\n';
    response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    setCutoff: (path, cutoff) => cutoffs.set(path, cutoff),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function quote(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function fiDemoSource(url: string): SourceConfig {
  return parseSourcesDocument({
    sources: [
      {
        id: 'demo-fi-southeast',
        title: 'Finnish Border Guard, Southeast Finland district: Russians entering (press-reported, Sept 2022)',
        country: 'FI',
        kind: 'statistics',
        url,
        schedule: 'rate(1 day)',
        languages: ['fi', 'en'],
        parser: { type: 'csv', date: 'date', dateFormat: 'iso', value: 'russian_citizens' },
        series: [
          {
            id: 'fi.southeast.russians-entering',
            title: 'Russians entering Finland via Southeast Finland (Imatra, Nuijamaa, Vaalimaa)',
            unit: 'persons',
            granularity: 'day',
            labels: { crossing_point: 'Imatra+Nuijamaa+Vaalimaa', direction: 'into Finland', nationality: 'RU' },
            where: { series: 'southeast_finland_3_points' },
          },
        ],
      },
    ],
  })[0]!;
}

export function sanYsidroDemoSource(url: string): SourceConfig {
  return parseSourcesDocument({
    sources: [
      {
        id: 'demo-bts-san-ysidro',
        title: 'BTS Border Crossing Entry Data: San Ysidro (read in place from shared data)',
        country: 'US',
        kind: 'statistics',
        url,
        schedule: 'rate(1 day)',
        parser: { type: 'csv', date: 'Date', dateFormat: 'Mon YYYY', value: 'Value' },
        series: [
          { id: 'us.san-ysidro.personal-vehicle-passengers', title: 'San Ysidro personal vehicle passengers', unit: 'persons', granularity: 'month', where: { Measure: 'Personal Vehicle Passengers' } },
          { id: 'us.san-ysidro.pedestrians', title: 'San Ysidro pedestrians', unit: 'persons', granularity: 'month', where: { Measure: 'Pedestrians' } },
        ],
      },
    ],
  })[0]!;
}

export interface DemoDayResult {
  day: string;
  result: SourceRunResult;
}

export interface DemoReport {
  finland: DemoDayResult[];
  sanYsidro?: DemoDayResult[];
  sanYsidroSkipped?: string;
  alerts: Alert[];
}

/** Loopback is the demo's whole network: allowed explicitly here and nowhere by default; no politeness delay to itself. */
const demoFetchOptions = fetchOptionsFor(
  { allowPrivateNetwork: true },
  { maxAttempts: 1, respectRobots: false, hostLimiter: new HostLimiter({ maxPerHost: 4, minSpacingMs: 0 }) },
);

async function replay(
  env: LocalEnvironment,
  source: SourceConfig,
  server: ReplayServer,
  path: string,
  days: string[],
  runTimeOf: (day: string) => string,
  onDay: (day: DemoDayResult) => void,
): Promise<DemoDayResult[]> {
  const clock = fixedClock(runTimeOf(days[0]!));
  const results: DemoDayResult[] = [];
  for (const day of days) {
    server.setCutoff(path, day);
    clock.set(runTimeOf(day));
    const summary = await runSources([source], clock().toISOString(), {
      store: env.store,
      notifier: env.notifier,
      clock,
      fetchOptions: demoFetchOptions,
    });
    const entry = { day, result: summary.results[0]! };
    results.push(entry);
    onDay(entry);
  }
  return results;
}

function describeDay({ day, result }: DemoDayResult, seriesId: string): string {
  const evaluation = result.evaluations.find((e) => e.seriesId === seriesId);
  if (result.outcome !== 'ok') return `  ${day}  ${result.outcome}${result.error ? `: ${result.error.message}` : ''}`;
  if (!evaluation) return `  ${day}  (no new figure)`;
  const value = evaluation.value.toLocaleString('en-US').padStart(9);
  const expected = evaluation.expected !== undefined ? `expected ${Math.round(evaluation.expected).toLocaleString('en-US').padStart(9)}` : 'expected         –';
  const ratio = evaluation.ratio !== undefined ? `x${evaluation.ratio.toFixed(2)}` : '     ';
  const alerted = result.alerts.some((a) => a.subject.id === seriesId);
  const verdict = evaluation.status === 'anomaly' ? `${evaluation.kind!.toUpperCase()}${alerted ? '  → ALERT' : ' (episode continues, no new alert)'}` : evaluation.status;
  return `  ${day}  ${value}   ${expected}   ${ratio}   ${verdict}`;
}

/**
 * `npm run demo`: replays recorded real figures through a local HTTP server, one reporting day at a
 * time, on an in-memory DynamoDB Local, and prints the alerts they raise.
 */
export async function runDemo(options: { dataDir?: string; print?: (text: string) => void } = {}): Promise<DemoReport> {
  const print = options.print ?? ((text: string) => console.log(text));
  const csv = readFileSync(FI_DEMO_CSV, 'utf8');
  const dataDir = resolve(options.dataDir ?? process.env.BORDERWATCH_DATA ?? join(REPO_ROOT, '../shared/data'));
  const sanYsidroPath = join(dataDir, SAN_YSIDRO_RELATIVE);
  const haveSanYsidro = existsSync(sanYsidroPath);
  const documents: Record<string, { csv: string; dateColumn: string }> = { '/fi-border-2022.csv': { csv, dateColumn: 'date' } };
  if (haveSanYsidro) documents['/san-ysidro.csv'] = { csv: readFileSync(sanYsidroPath, 'utf8'), dateColumn: 'Date' };

  const env = await openLocalEnvironment({ inMemory: true, outboxName: 'demo-outbox.jsonl', print });
  const server = await startReplayServer(documents);
  const alerts: Alert[] = [];
  try {
    const fiSource = fiDemoSource(server.url('/fi-border-2022.csv'));
    const seriesId = fiSource.series[0]!.id;
    const fiDays = [...new Set(splitCsv(csv).slice(1).filter((r) => r[1] === 'southeast_finland_3_points').map((r) => r[0]!))].sort();
    print('borderwatch demo 1/2: Southeast Finland, September 2022 (press-reported Border Guard figures)');
    print('  Russia announced partial mobilization on the morning of 2022-09-21. Each line is one daily run at 09:00 Finnish time.');
    print('  day              value   expected (baseline)   ratio   verdict');
    // The figure for day D is published the next morning: the run for D happens at D+1 09:00 Helsinki (06:00 UTC).
    const finland = await replay(env, fiSource, server, '/fi-border-2022.csv', fiDays, (day) => nextMorning(day, 6), (d) => print(describeDay(d, seriesId)));
    alerts.push(...finland.flatMap((d) => d.result.alerts));

    let sanYsidro: DemoDayResult[] | undefined;
    let sanYsidroSkipped: string | undefined;
    if (haveSanYsidro) {
      const source = sanYsidroDemoSource(server.url('/san-ysidro.csv'));
      print('\nborderwatch demo 2/2: San Ysidro (US–Mexico), monthly, read in place from ' + sanYsidroPath);
      print('  History up to 2018-12 is loaded at once (a backfill never alerts); then one run per month, 2019-01 … 2021-12.');
      const months = monthsBetween('2018-12', '2021-12').map((m) => `${m}-28`);
      sanYsidro = await replay(env, source, server, '/san-ysidro.csv', months, (day) => nextMorning(day, 12), (d) => {
        for (const alert of d.result.alerts) print(`  ${d.day.slice(0, 7)}  ALERT ${alert.kind} ${alert.subject.id}: ${alert.message.sms}`);
      });
      alerts.push(...sanYsidro.flatMap((d) => d.result.alerts));
    } else {
      sanYsidroSkipped = `skipped the San Ysidro replay: ${sanYsidroPath} not found (set BORDERWATCH_DATA to the shared data folder to include it)`;
      print(`\n${sanYsidroSkipped}`);
    }
    print(`\n${alerts.length} alerts raised; each was printed above and appended to ${env.outboxPath}.`);
    return { finland, alerts, ...(sanYsidro ? { sanYsidro } : {}), ...(sanYsidroSkipped ? { sanYsidroSkipped } : {}) };
  } finally {
    await closeFetcher(demoFetchOptions);
    await server.close();
    await env.close();
  }
}

function nextMorning(day: string, utcHour: number): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  date.setUTCHours(utcHour);
  return date.toISOString();
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    out.push(key);
    if (key >= to) return out;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
}
