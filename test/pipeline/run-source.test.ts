import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSource, type PipelineDeps } from '../../functions/pipeline/run-source';
import { runSources } from '../../functions/pipeline/run';
import type { Store } from '../../functions/store/repository';
import { MemoryDocumentArchive } from '../support/archive';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { dailyCsv, fixedClock, source, testFetchOptions, WEEK_BEFORE_SURGE } from '../support/pipeline';
import { RecordingNotifier } from '../support/recording-notifier';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let ctx: Awaited<ReturnType<typeof freshStore>>;
let notifier: RecordingNotifier;
let clock: ReturnType<typeof fixedClock>;
let deps: PipelineDeps;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

beforeEach(async () => {
  ctx = await freshStore();
  notifier = new RecordingNotifier();
  clock = fixedClock('2022-09-23T06:00:00.000Z');
  deps = { store: ctx.store, notifier, clock, fetchOptions: testFetchOptions };
});
afterEach(async () => ctx.drop());

const week = WEEK_BEFORE_SURGE;

describe('one source, end to end', () => {
  it('stores the snapshot with provenance and the observations of a CSV document', async () => {
    const body = dailyCsv(week);
    server.route('/ok.csv', serveText(body, 'text/csv', { etag: '"v1"' }));
    const result = await runSource(source({ url: server.url('/ok.csv') }), '2022-09-23T06:00:00.000Z', deps);

    expect(result).toMatchObject({ outcome: 'ok', added: 5, revised: 0 });
    const { items: snapshots } = await ctx.store.listSnapshots('test-csv');
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({
      outcome: 'ok',
      url: server.url('/ok.csv'),
      httpStatus: 200,
      size: Buffer.byteLength(body),
      etag: '"v1"',
      fetchedAt: '2022-09-23T06:00:00.000Z',
      parseSummary: { rows: 5, observations: 5, announcements: 0, series: ['test.series'] },
    });
    expect(snapshots[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const { items } = await ctx.store.queryObservations('test.series');
    expect(items.map((o) => [o.period, o.value, o.snapshotId])).toEqual(week.map(([d, v]) => [d, v, result.snapshotId]));
  });

  it('archives each changed document once, under its hash, and names it in the snapshot; failures and unchanged documents add nothing', async () => {
    const archive = new MemoryDocumentArchive();
    const withArchive = { ...deps, archive };
    const body = dailyCsv(week);
    server.route('/archived.csv', serveText(body, 'text/csv'));
    const src = source({ url: server.url('/archived.csv') });
    await runSource(src, '2022-09-23T06:00:00.000Z', withArchive);
    clock.set('2022-09-24T06:00:00.000Z');
    expect((await runSource(src, '2022-09-24T06:00:00.000Z', withArchive)).outcome).toBe('unchanged');
    server.route('/archived.csv', serveText('<html>maintenance</html>', 'text/html'));
    clock.set('2022-09-25T06:00:00.000Z');
    expect((await runSource(src, '2022-09-25T06:00:00.000Z', withArchive)).outcome).toBe('failed');

    const { items } = await ctx.store.listSnapshots('test-csv');
    const [failed, unchanged, ok] = items;
    expect(ok!.documentKey).toBe(`documents/test-csv/${ok!.contentHash}`);
    expect(Buffer.from(archive.objects.get(ok!.documentKey!)!.body).toString()).toBe(body);
    expect(unchanged!.documentKey).toBeUndefined();
    // A document that failed to parse is kept too: it is the evidence of what the source served.
    expect(failed!.documentKey).toBe(`documents/test-csv/${failed!.contentHash}`);
    expect(archive.objects.size).toBe(2);
  });

  it('reports an alert it recorded even when another run saved the series state first, then judges again', async () => {
    server.route('/race.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/race.csv') });
    clock.set('2022-09-22T06:00:00.000Z');
    await runSource(s, '2022-09-22T06:00:00.000Z', deps);
    server.route('/race.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    clock.set('2022-09-23T06:00:00.000Z');
    // An overlapping run saves the series' state between this run's read and its write, once.
    const real = ctx.store;
    let raced = 0;
    const racing = Object.create(real, {
      putSeriesState: {
        value: async (...[seriesId, state, version]: Parameters<Store['putSeriesState']>) => {
          if (raced++ === 0) {
            const current = await real.getSeriesState(seriesId);
            await real.putSeriesState(seriesId, current.state, current.version);
          }
          return real.putSeriesState(seriesId, state, version);
        },
      },
    }) as Store;
    const result = await runSource(s, '2022-09-23T06:00:00.000Z', { ...deps, store: racing });
    expect(raced).toBe(2); // the conflicting save, then the retry's
    expect(result.error).toBeUndefined();
    expect(result.alerts.map((a) => [a.kind, a.period])).toEqual([['surge', '2022-09-22']]);
    expect(notifier.published).toHaveLength(1);
    expect((await real.getSeriesState('test.series')).state.lastEvaluatedPeriod).toBe('2022-09-22');
  });

  it('reports metrics for the fetch, the parse and what was stored', async () => {
    const body = dailyCsv(week);
    server.route('/metrics.csv', serveText(body));
    const metrics: Array<[string, number, string]> = [];
    await runSource(source({ url: server.url('/metrics.csv') }), '2022-09-23T06:00:00.000Z', { ...deps, metric: (n, v, u) => metrics.push([n, v, u]) });
    expect(metrics).toEqual(
      expect.arrayContaining([
        ['FetchedBytes', Buffer.byteLength(body), 'Bytes'],
        ['RowsParsed', 5, 'Count'],
        ['ObservationsAdded', 5, 'Count'],
        ['AlertsPublished', 0, 'Count'],
      ]),
    );
    expect(metrics.find(([n]) => n === 'SourceFailures')).toBeUndefined();

    // A failed fetch counts a failure and stores nothing, so it reports no observation metrics.
    metrics.length = 0;
    clock.set('2022-09-24T06:00:00.000Z');
    await runSource(source({ url: server.url('/missing.csv') }), '2022-09-24T06:00:00.000Z', { ...deps, metric: (n, v, u) => metrics.push([n, v, u]) });
    expect(metrics).toContainEqual(['SourceFailures', 1, 'Count']);
    expect(metrics.filter(([n]) => n.startsWith('Observations'))).toEqual([]);
  });

  it('raises one surge alert when a value doubles the median of the previous values, and hands it to the notifier', async () => {
    server.route('/surge.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/surge.csv') });
    clock.set('2022-09-22T06:00:00.000Z');
    await runSource(s, '2022-09-22T06:00:00.000Z', deps);
    expect(notifier.published).toHaveLength(0);

    server.route('/surge.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    clock.set('2022-09-23T06:00:00.000Z');
    const result = await runSource(s, '2022-09-23T06:00:00.000Z', deps);

    expect(result.alerts).toHaveLength(1);
    expect(notifier.published).toHaveLength(1);
    const alert = notifier.published[0]!;
    expect(alert).toMatchObject({ kind: 'surge', subject: { type: 'series', id: 'test.series' }, period: '2022-09-22', country: 'FI', sourceId: 'test-csv' });
    expect(alert.evidence).toMatchObject({ value: 5959, expected: 2874, url: server.url('/surge.csv') });
    expect(alert.message.sms).toContain('5,959');
    const stored = await ctx.store.getAlert(alert.alertId);
    expect(stored).toMatchObject({ state: 'published', messageId: 'msg-1' });
  });

  it('does not alert again while the episode stays open, nor when the same document is fetched again', async () => {
    const s = source({ url: server.url('/episode.csv') });
    server.route('/episode.csv', serveText(dailyCsv(week)));
    clock.set('2022-09-22T06:00:00.000Z');
    await runSource(s, '2022-09-22T06:00:00.000Z', deps);
    const days: Array<[string, number]> = [...week];
    for (const [day, value, runAt] of [
      ['2022-09-22', 5959, '2022-09-23T06:00:00.000Z'],
      ['2022-09-23', 7000, '2022-09-24T06:00:00.000Z'],
      ['2022-09-24', 7700, '2022-09-25T06:00:00.000Z'],
    ] as const) {
      days.push([day, value]);
      server.route('/episode.csv', serveText(dailyCsv(days)));
      clock.set(runAt);
      await runSource(s, runAt, deps);
    }
    clock.set('2022-09-25T07:00:00.000Z');
    const again = await runSource(s, '2022-09-25T07:00:00.000Z', deps);
    expect(again.outcome).toBe('unchanged');
    expect(notifier.published.map((a) => a.period)).toEqual(['2022-09-22']);
  });

  it('a backfill of history on the first fetch stores everything but only judges the newest period', async () => {
    const history: Array<[string, number]> = Array.from({ length: 20 }, (_, i) => [`2022-08-${String(i + 1).padStart(2, '0')}`, i === 10 ? 90_000 : 1000]);
    server.route('/backfill.csv', serveText(dailyCsv(history)));
    const result = await runSource(source({ url: server.url('/backfill.csv') }), '2022-09-01T06:00:00.000Z', deps);
    expect(result.added).toBe(20);
    expect(result.evaluations.map((e) => e.period)).toEqual(['2022-08-20']);
    expect(notifier.published).toHaveLength(0);
  });

  it('re-running the same scheduled run writes nothing new', async () => {
    server.route('/idem.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/idem.csv') });
    await runSource(s, '2022-09-23T06:00:00.000Z', deps);
    clock.advance(60_000);
    const again = await runSource(s, '2022-09-23T06:00:00.000Z', deps);
    expect(again.outcome).toBe('skipped');
    expect(server.hits('/idem.csv')).toBe(1);
    expect((await ctx.store.listSnapshots('test-csv')).items).toHaveLength(1);
  });

  it('records an unchanged document as an unchanged snapshot without parsing or writing observations', async () => {
    server.route('/same.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/same.csv') });
    await runSource(s, '2022-09-23T06:00:00.000Z', deps);
    clock.set('2022-09-23T07:00:00.000Z');
    const second = await runSource(s, '2022-09-23T07:00:00.000Z', deps);
    expect(second).toMatchObject({ outcome: 'unchanged', added: 0, revised: 0 });
    const { items } = await ctx.store.listSnapshots('test-csv');
    expect(items.map((i) => i.outcome)).toEqual(['unchanged', 'ok']);
  });

  it('sends the stored ETag and records a 304 as unchanged', async () => {
    let conditional: string | undefined;
    server.route('/etag.csv', (request, response) => {
      conditional = request.headers['if-none-match'] as string | undefined;
      if (conditional === '"abc"') response.writeHead(304).end();
      else response.writeHead(200, { etag: '"abc"', 'content-type': 'text/csv' }).end(dailyCsv(week));
    });
    const s = source({ url: server.url('/etag.csv') });
    await runSource(s, '2022-09-23T06:00:00.000Z', deps);
    clock.set('2022-09-23T07:00:00.000Z');
    const second = await runSource(s, '2022-09-23T07:00:00.000Z', deps);
    expect(conditional).toBe('"abc"');
    expect(second.outcome).toBe('unchanged');
    expect((await ctx.store.listSnapshots('test-csv')).items[0]).toMatchObject({ outcome: 'unchanged', httpStatus: 304 });
  });

  it('keeps a revised figure’s old value in history and does not alert on the revision', async () => {
    server.route('/rev.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/rev.csv') });
    clock.set('2022-09-22T06:00:00.000Z');
    await runSource(s, '2022-09-22T06:00:00.000Z', deps);
    const revisedWeek = week.map(([d, v]): [string, number] => (d === '2022-09-15' ? [d, 9000] : [d, v]));
    server.route('/rev.csv', serveText(dailyCsv(revisedWeek)));
    clock.set('2022-09-22T07:00:00.000Z');
    const result = await runSource(s, '2022-09-22T07:00:00.000Z', deps);
    expect(result).toMatchObject({ outcome: 'ok', added: 0, revised: 1 });
    expect(notifier.published).toHaveLength(0);
    const history = await ctx.store.observationHistory('test.series', '2022-09-15');
    expect(history.map((h) => h.value)).toEqual([2874, 9000]);
  });
});

describe('bad input', () => {
  it('a document that is not the expected shape fails its snapshot with an error naming the source and field, and changes nothing stored', async () => {
    server.route('/good.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/good.csv') });
    clock.set('2022-09-22T06:00:00.000Z');
    await runSource(s, '2022-09-22T06:00:00.000Z', deps);

    server.route('/good.csv', serveText('date;count\n2022-09-22;5959\n'));
    clock.set('2022-09-23T06:00:00.000Z');
    const result = await runSource(s, '2022-09-23T06:00:00.000Z', deps);

    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toMatch(/source "test-csv", field "date": column not found/);
    const [latest] = (await ctx.store.listSnapshots('test-csv')).items;
    expect(latest).toMatchObject({ outcome: 'failed', error: { stage: 'parse', field: 'date' } });
    expect(latest!.sample).toContain('date;count');
    const { items } = await ctx.store.queryObservations('test.series');
    expect(items.map((o) => [o.period, o.value])).toEqual(week);
    expect((await ctx.store.getSourceState('test-csv'))?.consecutiveFailures).toBe(1);
  });

  it('a value that is not a number names the source, field and raw value and stores none of the document', async () => {
    server.route('/nan.csv', serveText(dailyCsv([['2022-09-20', 3099], ['2022-09-21', 'lots']])));
    const result = await runSource(source({ url: server.url('/nan.csv') }), '2022-09-23T06:00:00.000Z', deps);
    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toBe('source "test-csv", field "value", value "lots": not a number (line 3)');
    expect((await ctx.store.queryObservations('test.series')).items).toHaveLength(0);
  });

  it('a document where no record matches the configured series is marked suspect, not ok', async () => {
    server.route('/other.csv', serveText('date,value,series\n2022-09-20,5,other\n'));
    const s = source({ url: server.url('/other.csv'), series: [{ id: 'test.series', unit: 'persons', granularity: 'day', where: { series: 'mine' } }] });
    const result = await runSource(s, '2022-09-23T06:00:00.000Z', deps);
    expect(result.outcome).toBe('suspect');
    expect(result.error?.message).toBe('source "test-csv", field "layout": layout looks changed: 1 rows but no observation or announcement in them');
  });

  it('a sharp fall in row count marks the snapshot suspect, keeps the evidence and writes nothing', async () => {
    const month: Array<[string, number]> = Array.from({ length: 30 }, (_, i) => [`2022-09-${String(i + 1).padStart(2, '0')}`, 1000 + i]);
    server.route('/shrink.csv', serveText(dailyCsv(month)));
    const s = source({ url: server.url('/shrink.csv') });
    clock.set('2022-10-01T06:00:00.000Z');
    await runSource(s, '2022-10-01T06:00:00.000Z', deps);

    server.route('/shrink.csv', serveText(dailyCsv([['2022-10-01', 5]])));
    clock.set('2022-10-02T06:00:00.000Z');
    const result = await runSource(s, '2022-10-02T06:00:00.000Z', deps);

    expect(result.outcome).toBe('suspect');
    expect(result.error?.message).toContain('row count fell from 30 to 1');
    const [latest] = (await ctx.store.listSnapshots('test-csv')).items;
    expect(latest).toMatchObject({ outcome: 'suspect', size: expect.any(Number), contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(latest!.sample).toContain('2022-10-01,5');
    expect((await ctx.store.queryObservations('test.series', { from: '2022-10-01' })).items).toEqual([]);
    expect(await ctx.store.getSourceState('test-csv')).toMatchObject({ consecutiveFailures: 1, lastRowCount: 30 });
  });

  it('an HTTP error fails the snapshot with its status', async () => {
    server.route('/gone.csv', (_q, r) => r.writeHead(410).end('gone'));
    const result = await runSource(source({ url: server.url('/gone.csv') }), '2022-09-23T06:00:00.000Z', deps);
    expect(result).toMatchObject({ outcome: 'failed', error: { stage: 'fetch' } });
    expect((await ctx.store.listSnapshots('test-csv')).items[0]).toMatchObject({ outcome: 'failed', httpStatus: 410 });
  });
});

describe('many sources', () => {
  it('a source that cannot be reached is reported and the others still run', async () => {
    server.route('/fine.csv', serveText(dailyCsv(week)));
    const good = source({ id: 'good-source', url: server.url('/fine.csv'), series: [{ id: 'good.series', unit: 'persons', granularity: 'day' }] });
    const unreachable = source({ id: 'unreachable-source', url: 'http://127.0.0.1:9/nothing.csv', series: [{ id: 'bad.series', unit: 'persons', granularity: 'day' }] });
    const summary = await runSources([unreachable, good], '2022-09-23T06:00:00.000Z', deps);
    expect(summary.failed).toEqual(['unreachable-source']);
    expect(summary.results.find((r) => r.sourceId === 'unreachable-source')?.error?.message).toMatch(/source "unreachable-source".*request failed/);
    expect(summary.results.find((r) => r.sourceId === 'good-source')).toMatchObject({ outcome: 'ok', added: 5 });
  });

  it('an alert whose publish failed stays pending and is published by the next run', async () => {
    server.route('/pending.csv', serveText(dailyCsv(week)));
    const s = source({ url: server.url('/pending.csv') });
    clock.set('2022-09-22T06:00:00.000Z');
    await runSources([s], '2022-09-22T06:00:00.000Z', deps);
    server.route('/pending.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    notifier.failNext = 2; // the publish in the run and the retry at its end both fail
    clock.set('2022-09-23T06:00:00.000Z');
    const first = await runSources([s], '2022-09-23T06:00:00.000Z', deps);
    expect(first.results[0]!.deliveries[0]).toMatchObject({ published: false });
    const [pending] = await ctx.store.listPendingAlerts();
    expect(pending).toMatchObject({ state: 'pending', attempts: 2, lastError: expect.stringContaining('Rate exceeded') });

    clock.set('2022-09-23T07:00:00.000Z');
    const second = await runSources([s], '2022-09-23T07:00:00.000Z', deps);
    expect(second.retried).toEqual([expect.objectContaining({ published: true })]);
    expect(notifier.published).toHaveLength(1);
    expect(await ctx.store.listPendingAlerts()).toHaveLength(0);
  });
});
