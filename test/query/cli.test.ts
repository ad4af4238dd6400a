import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock';
import { runCli, type CliIo } from '../../functions/query/cli/program';
import { progressLine, renderTable } from '../../functions/query/cli/output';
import { freshStore } from '../support/dynamodb';
import { FINLAND_FIGURES, FINLAND_SERIES, seedFinland } from './fixtures';

let ctx: Awaited<ReturnType<typeof freshStore>>;
let dir: string;

beforeAll(async () => {
  ctx = await freshStore();
  await seedFinland(ctx.store);
  dir = await mkdtemp(join(tmpdir(), 'bw-cli-'));
});
afterAll(async () => {
  await ctx.drop();
  await rm(dir, { recursive: true, force: true });
});

function cli(options: { tty?: boolean; untilStopped?: () => Promise<void> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const legacy: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: { isTTY: options.tty ?? false, write: (t) => err.push(t) },
    clock: fixedClock('2022-09-30T12:00:00.000Z'),
    openStore: async () => ({ store: ctx.store, where: 'test table', close: async () => undefined }),
    ...(options.untilStopped ? { untilStopped: options.untilStopped } : {}),
    legacy: {
      run: async (f) => (legacy.push(`run ${f}`), 2),
      demo: async (d) => (legacy.push(`demo ${d}`), 0),
      validate: async (f) => (legacy.push(`validate ${f}`), 0),
    },
  };
  return { run: (...argv: string[]) => runCli(argv, io), out: () => out.join(''), err: () => err.join(''), legacy };
}

describe('borderwatch CLI', () => {
  it('lists series as a table', async () => {
    const c = cli();
    expect(await c.run('series')).toBe(0);
    expect(c.out().split('\n')[0]).toMatch(/^series_id\s+source_id\s+granularity/);
    expect(c.out()).toContain(FINLAND_SERIES);
  });

  it('prints observations since a duration as JSON', async () => {
    const c = cli();
    expect(await c.run('observations', FINLAND_SERIES, '--since', '7d', '--format', 'json')).toBe(0);
    expect(JSON.parse(c.out()).items.map((o: { period: string }) => o.period)).toEqual(['2022-09-23', '2022-09-24', '2022-09-26']);
  });

  it('prints the cursor of the next page on stderr', async () => {
    const c = cli();
    await c.run('observations', FINLAND_SERIES, '--limit', '2', '--format', 'csv');
    expect(c.err()).toMatch(/^more: --cursor \S+\n$/);
  });

  it('exports every page as one CSV with a single header row', async () => {
    const c = cli();
    expect(await c.run('observations', FINLAND_SERIES, '--all', '--limit', '2', '--format', 'csv')).toBe(0);
    const lines = c.out().trimEnd().split('\r\n');
    expect(lines.filter((l) => l.startsWith('series_id,'))).toHaveLength(1);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(FINLAND_FIGURES.map(([d]) => d));
  });

  it('draws a progress bar on stderr when it is a terminal, and clears it at the end', async () => {
    const c = cli({ tty: true });
    await c.run('observations', FINLAND_SERIES, '--all', '--limit', '4', '--format', 'csv', '--from', '2022-09-14', '--to', '2022-09-26');
    expect(c.err()).toContain('] 100%  9 observations');
    expect(c.err().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    const c = cli({ tty: false });
    await c.run('observations', FINLAND_SERIES, '--all', '--limit', '4', '--format', 'csv');
    expect(c.err()).toBe('');
  });

  it('filters alerts by kind', async () => {
    const c = cli();
    await c.run('alerts', '--kind', 'drop', '--format', 'json');
    expect(JSON.parse(c.out()).items.map((a: { alertId: string }) => a.alertId)).toEqual(['sy-drop-2020-04']);
  });

  it('prints alerts as an Atom feed', async () => {
    const c = cli();
    await c.run('alerts', '--atom', '--severity', 'warning');
    const $ = load(c.out(), { xml: true });
    expect($('feed > entry > title').text()).toContain('Surge: Russians entering Finland');
  });

  it('lists a source’s snapshots with their hashes', async () => {
    const c = cli();
    await c.run('snapshots', 'demo-fi-southeast', '--outcome', 'failed', '--format', 'csv');
    expect(c.out()).toContain('2022-09-25T07:00:00.000Z,failed,503,sha256-2022-09-25T07:00:00.000Z');
  });

  it('names where each changed document is archived', async () => {
    const c = cli();
    await c.run('snapshots', 'demo-fi-southeast', '--outcome', 'ok', '--limit', '1', '--format', 'csv');
    const [header, row] = c.out().trim().split('\r\n'); // RFC 4180 line ends
    expect(header!.split(',').at(-1)).toBe('document_key');
    expect(row!.split(',').at(-1)).toBe('documents/demo-fi-southeast/sha256-2022-09-27T06:00:00.000Z');
  });

  it('exits 2 with the parameter named for bad input', async () => {
    const c = cli();
    expect(await c.run('observations', FINLAND_SERIES, '--from', '2022-09-25', '--to', '2022-09-20')).toBe(2);
    expect(c.err()).toBe('borderwatch: parameters "from" and "to" are reversed: from 2022-09-25 is after to 2022-09-20\n');
  });

  it('exits 3 for an unknown series', async () => {
    const c = cli();
    expect(await c.run('observations', 'no.such.series')).toBe(3);
    expect(c.err()).toContain('unknown series "no.such.series"');
  });

  it('exits 2 for an unknown option', async () => {
    expect(await cli().run('alerts', '--kinds', 'surge')).toBe(2);
  });

  it('exports a series chart as SVG with its alert marker', async () => {
    const c = cli();
    const file = join(dir, 'finland.svg');
    expect(await c.run('chart', FINLAND_SERIES, '--out', file)).toBe(0);
    const $ = load(await readFile(file, 'utf8'), { xml: true });
    expect($('g.alert-marker').attr('data-period')).toBe('2022-09-22');
  });

  it('refuses a chart file that is neither .svg nor .png', async () => {
    const c = cli();
    expect(await c.run('chart', FINLAND_SERIES, '--out', join(dir, 'chart.gif'))).toBe(2);
  });

  it('serves the API on localhost until stopped', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const c = cli({ untilStopped: () => stopped });
    const running = c.run('serve', '--port', '0');
    await expect.poll(() => c.out(), { timeout: 5_000 }).toMatch(/at http:\/\/127\.0\.0\.1:\d+\//);
    const url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(c.out())![1]!;
    const response = await fetch(`${url}/series`);
    expect(response.status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });

  it('keeps run, demo and sources validate, passing their exit codes through', async () => {
    const c = cli();
    expect(await c.run('run', '--sources', 'config/sources.json')).toBe(2);
    expect(await c.run('sources', 'validate', 'config/sources.json')).toBe(0);
    expect(c.legacy).toEqual([`run ${process.cwd()}/config/sources.json`, `validate ${process.cwd()}/config/sources.json`]);
  });
});

describe('CLI output', () => {
  it('aligns table columns and cuts long cells', () => {
    const table = renderTable([{ header: 'id', value: (r: string[]) => r[0] }, { header: 'text', value: (r: string[]) => r[1] }], [['a', 'x'.repeat(80)], ['bbb', 'short']], 10);
    expect(table).toBe(['id   text', '---  ----------', `a    ${'x'.repeat(9)}…`, 'bbb  short', ''].join('\n'));
  });

  it('draws the share done as a bar', () => {
    expect(progressLine('observations', 1234, 0.5, 10)).toBe('[#####.....]  50%  1,234 observations');
  });

  it('shows only a count when the total is unknown', () => {
    expect(progressLine('alerts', 12, undefined)).toBe('12 alerts');
  });
});
