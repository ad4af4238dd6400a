import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Clock } from '../../core/clock';
import type { StoredObservation } from '../../core/model';
import { renderAtomFeed } from '../atom';
import { renderChart } from '../chart';
import { alertColumns, announcementColumns, observationColumns, seriesColumns, snapshotColumns, type Column } from '../columns';
import { toCsv } from '../csv';
import { asQueryError } from '../errors';
import { MAX_LIST_LIMIT, MAX_OBSERVATION_LIMIT, parseParams } from '../params';
import { periodStart } from '../periods';
import { chartData, listAlerts, listAnnouncements, listSeries, seriesObservations, sourceSnapshots, type Listing, type QueryContext } from '../queries';
import { Progress, renderTable, type ProgressSink } from './output';
import type { StoreChoice, StoreHandle } from './store';

/** What the commands touch outside themselves; the binary passes the real ones, tests their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: ProgressSink;
  clock: Clock;
  openStore: (choice: StoreChoice) => Promise<StoreHandle>;
  /** Long-running commands (serve) wait on this; tests resolve it. */
  untilStopped?: () => Promise<void>;
  /** Commands that exist before this module (run, demo, sources validate). */
  legacy: {
    run: (sourcesFile: string) => Promise<number>;
    demo: (dataDir?: string) => Promise<number>;
    validate: (file: string) => Promise<number>;
  };
}

type OutputFormat = 'table' | 'csv' | 'json';

interface CommonOptions extends StoreChoice {
  format: OutputFormat;
  all?: boolean;
  limit?: string;
  cursor?: string;
}

const formatOption = () => new Option('-f, --format <format>', 'output format').choices(['table', 'csv', 'json']).default('table');
const pagingOptions = (cmd: Command, max: number) =>
  cmd
    .option('-n, --limit <n>', `items per page (at most ${max})`)
    .option('--cursor <cursor>', 'continue from the cursor a previous page printed')
    .option('-a, --all', 'follow every page (a progress bar shows on a terminal)');

function storeOptions(cmd: Command): Command {
  return cmd
    .option('--table <name>', 'the deployed table (stack output TableName), read with your AWS credentials; default: the local DynamoDB in .borderwatch/')
    .option('--region <region>', 'AWS region of --table')
    .option('--endpoint <url>', 'DynamoDB endpoint of --table (e.g. a DynamoDB Local)');
}

/** Query parameters from CLI options: the same names and validation as the HTTP API. */
function query(options: Record<string, unknown>, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, options[n] === undefined ? undefined : String(options[n])]));
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('borderwatch')
    .description('Watches official border statistics and announcements; queries what was collected.')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  async function withStore<T>(choice: StoreChoice, body: (ctx: QueryContext) => Promise<T>): Promise<T> {
    const handle = await io.openStore(choice);
    try {
      return await body({ store: handle.store, clock: io.clock });
    } finally {
      await handle.close();
    }
  }

  /** Prints one page, or every page when --all, in the chosen format. */
  async function print<T>(
    options: CommonOptions,
    columns: readonly Column<T>[],
    label: string,
    read: (cursor: string | undefined) => Promise<Listing<T>>,
    fractionOf?: (last: T | undefined) => number | undefined,
  ): Promise<void> {
    if (!options.all) {
      const page = await read(options.cursor);
      if (options.format === 'json') io.stdout(`${JSON.stringify({ items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) }, null, 2)}\n`);
      else io.stdout(options.format === 'csv' ? toCsv(columns, page.items) : renderTable(columns, page.items));
      if (page.cursor) io.stderr.write(`more: --cursor ${page.cursor}\n`);
      return;
    }
    const progress = new Progress(io.stderr, label);
    const all: T[] = [];
    let cursor = options.cursor;
    let first = true;
    let done = 0;
    try {
      do {
        const page = await read(cursor);
        if (options.format === 'csv') io.stdout(toCsv(columns, page.items, { header: first }));
        else all.push(...page.items);
        first = false;
        cursor = page.cursor;
        done += page.items.length;
        progress.update(done, fractionOf?.(page.items.at(-1)));
      } while (cursor);
    } finally {
      progress.finish();
    }
    if (options.format === 'json') io.stdout(`${JSON.stringify({ items: all }, null, 2)}\n`);
    if (options.format === 'table') io.stdout(renderTable(columns, all));
  }

  storeOptions(pagingOptions(program.command('series').description('list the series'), MAX_LIST_LIMIT).addOption(formatOption())).action(async (o: CommonOptions) => {
    await withStore(o, (ctx) => print(o, seriesColumns, 'series', (cursor) => listSeries(ctx, parseParams('seriesList', { ...query(o as never, ['limit']), cursor, format: 'json' }))));
  });

  storeOptions(
    pagingOptions(
      program
        .command('observations')
        .description("a series' observations in a period range")
        .argument('<series>', 'series id')
        .option('--from <period>', 'first period: 2022-09-01, 2022-W35, 2022-09 or 2022')
        .option('--to <period>', 'last period (inclusive)')
        .option('--since <when>', 'a duration back from now (36h, 7d, 2w) or a date; instead of --from')
        .addOption(new Option('--order <order>', 'oldest or newest first').choices(['asc', 'desc'])),
      MAX_OBSERVATION_LIMIT,
    ).addOption(formatOption()),
  ).action(async (seriesId: string, o: CommonOptions & { from?: string; to?: string; since?: string; order?: string }) => {
    await withStore(o, async (ctx) => {
      let span: { start: number; end: number } | undefined;
      await print(
        o,
        observationColumns,
        'observations',
        async (cursor) => {
          const result = await seriesObservations(ctx, seriesId, parseParams('observations', { ...query(o as never, ['from', 'to', 'since', 'order', 'limit']), cursor, format: 'json' }));
          const start = result.range.from ? periodStart(result.range.from)?.getTime() : periodStart(result.items[0]?.period ?? '')?.getTime();
          const end = result.range.to ? periodStart(result.range.to)?.getTime() : io.clock().getTime();
          if (!span && start !== undefined && end !== undefined && end > start) span = { start, end };
          return result;
        },
        (last: StoredObservation | undefined) => {
          const t = last ? periodStart(last.period)?.getTime() : undefined;
          if (!span || t === undefined) return undefined;
          return o.order === 'desc' ? (span.end - t) / (span.end - span.start) : (t - span.start) / (span.end - span.start);
        },
      );
    });
  });

  storeOptions(
    pagingOptions(
      program
        .command('snapshots')
        .description("a source's snapshots, newest first, with provenance (URL, fetch time, hash, status)")
        .argument('<source>', 'source id')
        .addOption(new Option('--outcome <outcome>', 'only snapshots with this outcome').choices(['ok', 'unchanged', 'failed', 'suspect'])),
      MAX_LIST_LIMIT,
    ).addOption(formatOption()),
  ).action(async (sourceId: string, o: CommonOptions & { outcome?: string }) => {
    await withStore(o, (ctx) => print(o, snapshotColumns, 'snapshots', (cursor) => sourceSnapshots(ctx, sourceId, parseParams('snapshots', { ...query(o as never, ['outcome', 'limit']), cursor, format: 'json' }))));
  });

  storeOptions(
    pagingOptions(
      program
        .command('announcements')
        .description('announcements, newest first')
        .option('--source <source>', 'of one source')
        .option('--topic <topic>', 'with this topic')
        .option('--since <when>', 'published since: a duration (7d) or a date'),
      MAX_LIST_LIMIT,
    ).addOption(formatOption()),
  ).action(async (o: CommonOptions & { source?: string; topic?: string; since?: string }) => {
    await withStore(o, (ctx) =>
      print(o, announcementColumns, 'announcements', (cursor) => listAnnouncements(ctx, parseParams('announcements', { ...query(o as never, ['source', 'topic', 'since', 'limit']), cursor, format: 'json' }))),
    );
  });

  storeOptions(
    pagingOptions(
      program
        .command('alerts')
        .description('alerts, newest first')
        .addOption(new Option('--kind <kind>', 'of this kind').choices(['surge', 'drop', 'shift', 'announcement', 'source-health']))
        .addOption(new Option('--severity <severity>', 'of this severity').choices(['info', 'warning', 'critical']))
        .option('--series <series>', 'about one series')
        .option('--source <source>', 'from one source')
        .option('--since <when>', 'created since: a duration (7d) or a date')
        .option('--atom', 'print one page as an Atom feed instead'),
      MAX_LIST_LIMIT,
    ).addOption(formatOption()),
  ).action(async (o: CommonOptions & { atom?: boolean; kind?: string; severity?: string; series?: string; source?: string; since?: string }) => {
    const names = ['kind', 'severity', 'series', 'source', 'since', 'limit'];
    await withStore(o, async (ctx) => {
      if (o.atom) {
        const p = parseParams('alerts', { ...query(o as never, names), cursor: o.cursor });
        const page = await listAlerts(ctx, p);
        io.stdout(renderAtomFeed({ alerts: page.items, selfUrl: 'urn:borderwatch:cli', alternateUrl: 'https://github.com/borderwatch/borderwatch', filter: { kind: p.kind, severity: p.severity, series: p.series, source: p.source, since: p.since }, now: io.clock() }));
        return;
      }
      await print(o, alertColumns, 'alerts', (cursor) => listAlerts(ctx, parseParams('alerts', { ...query(o as never, names), cursor })));
    });
  });

  storeOptions(
    program
      .command('chart')
      .description('export a series chart (baseline band, alert markers) as SVG, or PNG through headless Chromium')
      .argument('<series>', 'series id')
      .requiredOption('-o, --out <file>', 'file to write: .svg or .png')
      .option('--from <period>', 'first period')
      .option('--to <period>', 'last period')
      .option('--since <when>', 'a duration back from now or a date')
      .option('--points <n>', 'at most this many newest observations (default 366)'),
  ).action(async (seriesId: string, o: StoreChoice & { out: string; from?: string; to?: string; since?: string; points?: string }) => {
    const out = resolve(o.out);
    if (!/\.(svg|png)$/i.test(out)) throw new UsageError(`--out must end in .svg or .png (got ${o.out})`);
    const svg = await withStore(o, async (ctx) => renderChart(await chartData(ctx, seriesId, parseParams('chart', query(o as never, ['from', 'to', 'since', 'points'])))));
    if (/\.svg$/i.test(out)) await writeFile(out, svg);
    else {
      const { svgToPng } = await import('./chromium');
      await writeFile(out, await svgToPng(svg));
    }
    io.stderr.write(`wrote ${out}\n`);
  });

  storeOptions(program.command('serve').description('serve the query API and dashboard on localhost').option('-p, --port <port>', 'port', '8787')).action(async (o: StoreChoice & { port: string }) => {
    const port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got ${o.port})`);
    const handle = await io.openStore(o);
    const { startQueryServer } = await import('../local-server');
    const server = await startQueryServer({ store: handle.store, clock: io.clock, log: (e) => io.stderr.write(`${JSON.stringify(e)}\n`) }, { port });
    io.stdout(`borderwatch: serving ${handle.where} at ${server.url}/ (dashboard), ${server.url}/alerts.atom (feed); Ctrl-C stops\n`);
    try {
      await (io.untilStopped ?? waitForSignal)();
    } finally {
      await server.close();
      await handle.close();
    }
  });

  program
    .command('run')
    .description('run the pipeline once over the configured sources, on the local DynamoDB (.borderwatch/); alerts go to the outbox, or to ALERT_TOPIC_ARN when set')
    .option('--sources <file>', 'sources file', 'config/sources.json')
    .action(async (o: { sources: string }) => {
      program.setOptionValue('exitCode', await io.legacy.run(resolve(o.sources)));
    });
  program
    .command('demo')
    .description('replay recorded real figures through a local HTTP server and print the alerts')
    .option('--data <dir>', 'the shared data folder for the San Ysidro replay (default ../shared/data)')
    .action(async (o: { data?: string }) => {
      program.setOptionValue('exitCode', await io.legacy.demo(o.data));
    });
  program
    .command('sources')
    .description('work with the sources file')
    .command('validate')
    .description('check a sources file and name every bad source and field')
    .argument('[file]', 'sources file', 'config/sources.json')
    .action(async (file: string) => {
      program.setOptionValue('exitCode', await io.legacy.validate(resolve(file)));
    });
  return program;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * Runs the command line and returns the exit code: 0 ok, 1 failure, 2 bad usage or bad input (the
 * message names the parameter, as the API's 400s do), 3 an unknown series or source (the API's 404).
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    const code = program.getOptionValue('exitCode') as number | undefined;
    return code ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const known = asQueryError(error);
    if (known) {
      io.stderr.write(`borderwatch: ${known.message}\n`);
      return known.status === 404 ? 3 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`borderwatch: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
