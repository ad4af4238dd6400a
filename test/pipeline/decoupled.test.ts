import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as makeDetect } from '../../functions/detect/handler';
import { makeHandler as makeDispatch } from '../../functions/dispatch/handler';
import type { FetchJob, FetchQueue } from '../../functions/dispatch/jobs';
import { makeHandler as makeFetchWorker, type FetchWorkerDeps } from '../../functions/fetch/handler';
import { makeHandler as makeParse } from '../../functions/parse/handler';
import type { FetchHandover } from '../../functions/pipeline/fetch-stage';
import { makeHandler as makePublish } from '../../functions/publish/handler';
import type { SqsEvent } from '../../functions/runtime/sqs';
import type { StreamRecord } from '../../functions/runtime/streams';
import { MemoryDocumentArchive } from '../support/archive';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { dailyCsv, fixedClock, source, testFetchOptions, WEEK_BEFORE_SURGE } from '../support/pipeline';
import { RecordingNotifier } from '../support/recording-notifier';
import { streamReader } from '../support/streams';

/** An in-memory stand-in for the SQS FIFO fetch queue: what was sent, by group. */
class CapturingQueue implements FetchQueue {
  sent: Array<FetchJob & { host: string }> = [];
  refuse = new Set<string>();
  async send(jobs: Array<FetchJob & { host: string }>): Promise<FetchJob[]> {
    this.sent.push(...jobs.filter((j) => !this.refuse.has(j.sourceId)));
    return jobs.filter((j) => this.refuse.has(j.sourceId));
  }
  drain(): SqsEvent {
    const records = this.sent.map((job, i) => ({ messageId: `m${i}-${job.sourceId}`, body: JSON.stringify({ sourceId: job.sourceId, runAt: job.runAt }), attributes: { MessageGroupId: job.host } }));
    this.sent = [];
    return { Records: records };
  }
}

// What the stack's event filters let through to each function.
const isSnapshot = (r: StreamRecord) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.SK?.S?.startsWith('SNAP#') === true && r.dynamodb?.NewImage?.outcome?.S === 'ok';
const isAlert = (r: StreamRecord) => r.dynamodb?.Keys?.SK?.S === 'ALERT';

let server: Awaited<ReturnType<typeof startTestServer>>;
let ctx: Awaited<ReturnType<typeof freshStore>>;
let stream: ReturnType<typeof streamReader>;
let clock: ReturnType<typeof fixedClock>;
let notifier: RecordingNotifier;
let queue: CapturingQueue;
let archive: MemoryDocumentArchive;
let parseQueue: CapturingParseQueue;

/** An in-memory stand-in for the SQS FIFO parse queue: the hand-overs sent, delivered as SQS would (group = source). */
class CapturingParseQueue {
  sent: FetchHandover[] = [];
  failNext = 0;
  send = async (handover: FetchHandover): Promise<void> => {
    if (this.failNext > 0) {
      this.failNext--;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.sent.push(handover);
  };
  drain(): SqsEvent {
    const records = this.sent.map((h, i) => ({ messageId: `p${i}-${h.sourceId}`, body: JSON.stringify(h), attributes: { MessageGroupId: h.sourceId } }));
    this.sent = [];
    return { Records: records };
  }
}

/** The fetch worker with the test's archive and parse queue. */
const fetchWorker = (deps: Omit<FetchWorkerDeps, 'archive' | 'handOver'>) => makeFetchWorker({ ...deps, archive, handOver: parseQueue.send });

/**
 * The fetch function followed by the parse function, as the parse queue between them would run it:
 * what the fetch worker handed over (if anything) is parsed before the caller reads the stream.
 */
function makeFetch(deps: Omit<FetchWorkerDeps, 'archive' | 'handOver'>) {
  const fetch = fetchWorker(deps);
  const parse = makeParse({ sources: deps.sources, store: deps.store, clock: deps.clock, archive });
  return async (event: SqsEvent) => {
    const fetched = await fetch(event);
    const parsed = await parse(parseQueue.drain());
    expect(parsed.batchItemFailures).toEqual([]);
    return { ...fetched, parsed: parsed.results };
  };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());
beforeEach(async () => {
  ctx = await freshStore();
  stream = streamReader(ctx.client, ctx.tableName);
  clock = fixedClock('2022-09-22T06:00:00.000Z');
  notifier = new RecordingNotifier();
  queue = new CapturingQueue();
  archive = new MemoryDocumentArchive();
  parseQueue = new CapturingParseQueue();
});
afterEach(async () => {
  stream.close();
  await ctx.drop();
});

const week = WEEK_BEFORE_SURGE;

describe('the stages as separate functions: dispatch → queue → fetch → stream → detect → stream → publish', () => {
  it('carries the September 2022 surge from a scheduled run to exactly one published alert', async () => {
    server.route('/se.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/se.csv') })];
    const dispatch = makeDispatch({ sources, queue, store: ctx.store, clock });
    const fetch = makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions });
    const detect = makeDetect({ sources, store: ctx.store, clock });
    const publish = makePublish({ store: ctx.store, notifier, clock });

    const runDay = async (runAt: string) => {
      clock.set(runAt);
      await dispatch({ runAt, sourceIds: ['test-csv'] });
      const fetched = await fetch(queue.drain());
      expect(fetched.batchItemFailures).toEqual([]);
      expect((await detect(await stream.next(isSnapshot))).batchItemFailures).toEqual([]);
      return publish(await stream.next(isAlert));
    };

    await runDay('2022-09-22T06:00:00.000Z');
    expect(notifier.published).toHaveLength(0);

    server.route('/se.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    const published = await runDay('2022-09-23T06:00:00.000Z');
    expect(published.deliveries).toEqual([expect.objectContaining({ published: true })]);
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]).toMatchObject({ kind: 'surge', period: '2022-09-22', subject: { id: 'test.series' } });
    expect(notifier.published[0]!.evidence).toMatchObject({ url: server.url('/se.csv'), fetchedAt: '2022-09-23T06:00:00.000Z' });
  });

  it('publishes an alert once even when the stream delivers its record twice', async () => {
    server.route('/twice.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/twice.csv') })];
    const fetch = makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions });
    const detect = makeDetect({ sources, store: ctx.store, clock });
    const publish = makePublish({ store: ctx.store, notifier, clock });
    const job = (runAt: string): SqsEvent => ({ Records: [{ messageId: runAt, body: JSON.stringify({ sourceId: 'test-csv', runAt }) }] });

    await fetch(job('2022-09-22T06:00:00.000Z'));
    await detect(await stream.next(isSnapshot));
    server.route('/twice.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    clock.set('2022-09-23T06:00:00.000Z');
    await fetch(job('2022-09-23T06:00:00.000Z'));
    const snapshots = await stream.next(isSnapshot);
    await detect(snapshots);
    await detect(snapshots); // a retried stream batch records nothing new
    const alerts = await stream.next(isAlert);
    expect(alerts.Records).toHaveLength(1);
    await publish(alerts);
    await publish(alerts);
    expect(notifier.published).toHaveLength(1);
  });

  it('keeps a first fetch a backfill however the stream batches its writes: history is stored, not alerted', async () => {
    // 300 days of history with a real-looking collapse in the middle, all in the first document.
    const days: Array<[string, number]> = Array.from({ length: 300 }, (_, i) => {
      const day = new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10);
      return [day, i >= 120 && i < 150 ? 200 : 3000 + (i % 7) * 150];
    });
    server.route('/history.csv', serveText(dailyCsv(days)));
    const sources = [source({ url: server.url('/history.csv') })];
    const fetch = makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions });
    const detect = makeDetect({ sources, store: ctx.store, clock });
    await fetch({ Records: [{ messageId: '1', body: JSON.stringify({ sourceId: 'test-csv', runAt: '2022-09-22T06:00:00.000Z' }) }] });

    // Lambda hands the stream over in batches; deliver it 100 records at a time, as the stack configures.
    const all = await stream.next();
    expect(all.Records.length).toBeGreaterThan(300);
    for (let i = 0; i < all.Records.length; i += 100) {
      await detect({ Records: all.Records.slice(i, i + 100).filter(isSnapshot) });
    }
    expect((await ctx.store.queryObservations('test.series', { limit: 400 })).items).toHaveLength(300);
    expect((await ctx.store.listAlerts()).items).toEqual([]);
    expect((await ctx.store.getSeriesState('test.series')).state.lastEvaluatedPeriod).toBe(days.at(-1)![0]);
  });

  it('reports a failed publish as a failed stream record, and the sweeper publishes it later', async () => {
    server.route('/sweep.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/sweep.csv') })];
    const fetch = makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions });
    const detect = makeDetect({ sources, store: ctx.store, clock });
    const metrics: Array<[string, number]> = [];
    const publish = makePublish({ store: ctx.store, notifier, clock, metric: (n, v) => metrics.push([n, v]) });
    const job = (runAt: string): SqsEvent => ({ Records: [{ messageId: runAt, body: JSON.stringify({ sourceId: 'test-csv', runAt }) }] });
    await fetch(job('2022-09-22T06:00:00.000Z'));
    server.route('/sweep.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    clock.set('2022-09-23T06:00:00.000Z');
    await fetch(job('2022-09-23T06:00:00.000Z'));
    await detect(await stream.next(isSnapshot));

    notifier.failNext = 1;
    const alerts = await stream.next(isAlert);
    const failed = await publish(alerts);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: alerts.Records[0]!.dynamodb!.SequenceNumber }]);
    expect(notifier.published).toHaveLength(0);

    clock.set('2022-09-23T06:15:00.000Z');
    const swept = await publish({ sweep: true });
    expect(swept.deliveries).toEqual([expect.objectContaining({ published: true })]);
    expect(notifier.published).toHaveLength(1);
    expect(metrics).toContainEqual(['PendingAlerts', 1]);
    expect(metrics).toContainEqual(['OldestPendingAlertAgeSeconds', 900]);
  });
});

describe('dispatch', () => {
  it('enqueues one job per enabled source, grouped by host, for the scheduled time', async () => {
    const sources = [
      source({ id: 'a', url: 'https://raja.fi/a.csv', series: [{ id: 'a.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'b', url: 'https://RAJA.fi/b.csv', series: [{ id: 'b.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'c', url: 'https://data.bts.gov/c.json', series: [{ id: 'c.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'off', url: 'https://x.org/off.csv', enabled: false, series: [{ id: 'off.s', unit: 'persons', granularity: 'day' }] }),
    ];
    const result = await makeDispatch({ sources, queue, store: ctx.store, clock })({ runAt: '2022-09-23T06:00:00Z' });
    expect(result).toMatchObject({ runAt: '2022-09-23T06:00:00.000Z', enqueued: 3 });
    expect(queue.sent.map((j) => [j.sourceId, j.host, j.runAt])).toEqual([
      ['a', 'raja.fi', '2022-09-23T06:00:00.000Z'],
      ['b', 'raja.fi', '2022-09-23T06:00:00.000Z'],
      ['c', 'data.bts.gov', '2022-09-23T06:00:00.000Z'],
    ]);
  });

  it('fails the invocation when the queue refuses jobs, so Scheduler retries it', async () => {
    queue.refuse.add('test-csv');
    const dispatch = makeDispatch({ sources: [source({ url: 'https://example.org/x.csv' })], queue, store: ctx.store, clock });
    await expect(dispatch({})).rejects.toThrow('the fetch queue refused 1 of 1 jobs: test-csv');
  });

  it('reports sources with no successful fetch for three of their intervals as stale', async () => {
    const hourly = source({ id: 'hourly', url: 'https://example.org/h.csv', schedule: 'rate(1 hour)', series: [{ id: 'h.s', unit: 'persons', granularity: 'day' }] });
    const fresh = source({ id: 'fresh', url: 'https://example.org/f.csv', schedule: 'rate(1 hour)', series: [{ id: 'f.s', unit: 'persons', granularity: 'day' }] });
    await ctx.store.putSourceState({ sourceId: 'hourly', lastFetchedAt: '2022-09-22T05:00:00.000Z', lastOutcome: 'failed', lastOkAt: '2022-09-22T02:00:00.000Z', consecutiveFailures: 3 });
    await ctx.store.putSourceState({ sourceId: 'fresh', lastFetchedAt: '2022-09-22T05:00:00.000Z', lastOutcome: 'ok', lastOkAt: '2022-09-22T05:00:00.000Z', consecutiveFailures: 0 });
    const metrics: Array<[string, number]> = [];
    const result = await makeDispatch({ sources: [hourly, fresh], queue, store: ctx.store, clock, metric: (n, v) => metrics.push([n, v]) })({});
    expect(result.stale).toEqual(['hourly']);
    expect(metrics).toContainEqual(['StaleSources', 1]);
  });
});

describe('fetch worker', () => {
  it('reports a failed fetch and the later jobs of the same host as failed batch items, and runs the other hosts', async () => {
    server.route('/ok.csv', serveText(dailyCsv(week)));
    const sources = [
      source({ id: 'down', url: server.url('/down.csv'), series: [{ id: 'down.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'same-host', url: server.url('/ok.csv'), series: [{ id: 'same.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'other-host', url: server.url('/ok.csv').replace('127.0.0.1', 'localhost'), series: [{ id: 'other.s', unit: 'persons', granularity: 'day' }] }),
    ];
    const event: SqsEvent = {
      Records: [
        { messageId: '1', body: JSON.stringify({ sourceId: 'down', runAt: '2022-09-23T06:00:00Z' }), attributes: { MessageGroupId: 'h1' } },
        { messageId: '2', body: JSON.stringify({ sourceId: 'same-host', runAt: '2022-09-23T06:00:00Z' }), attributes: { MessageGroupId: 'h1' } },
        { messageId: '3', body: JSON.stringify({ sourceId: 'other-host', runAt: '2022-09-23T06:00:00Z' }), attributes: { MessageGroupId: 'h2' } },
        { messageId: '4', body: 'not json', attributes: { MessageGroupId: 'h3' } },
      ],
    };
    const result = await makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })(event);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '2' }]);
    expect(result.results.map((r) => [r.sourceId, r.outcome])).toEqual([
      ['down', 'failed'],
      ['other-host', 'fetched'],
    ]);
    expect(result.parsed.map((r) => [r.sourceId, r.outcome])).toEqual([['other-host', 'ok']]);
  });

  it('drops a job it can never run (not JSON, or a source no longer in the file) with a log line naming why, and stores nothing', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const fetch = makeFetch({ sources: [source({ url: server.url('/never.csv') })], store: ctx.store, clock, fetchOptions: testFetchOptions, log: (e) => logged.push(e) });
    const result = await fetch({
      Records: [
        { messageId: 'a', body: '{"sourceId": 42}' },
        { messageId: 'b', body: JSON.stringify({ sourceId: 'removed-source', runAt: '2022-09-23T06:00:00Z' }) },
      ],
    });
    expect(result).toEqual({ batchItemFailures: [], results: [], parsed: [] });
    expect(logged).toEqual([
      { event: 'fetch-job-failed', messageId: 'a', error: 'fetch job needs a sourceId and an ISO runAt: "{\\"sourceId\\": 42}"' },
      { event: 'fetch-job-dropped', messageId: 'b', sourceId: 'removed-source', reason: 'unknown source' },
    ]);
    expect(server.hits('/never.csv')).toBe(0);
    expect((await ctx.store.listSnapshots('removed-source')).items).toEqual([]);
  });

  it('skips a snapshot of a source no longer in the file, recording nothing', async () => {
    server.route('/gone-source.csv', serveText(dailyCsv(week)));
    const old = source({ id: 'old-source', url: server.url('/gone-source.csv'), series: [{ id: 'old.series', unit: 'persons', granularity: 'day' }] });
    await makeFetch({ sources: [old], store: ctx.store, clock, fetchOptions: testFetchOptions })({ Records: [{ messageId: '1', body: JSON.stringify({ sourceId: 'old-source', runAt: '2022-09-22T06:00:00Z' }) }] });
    const logged: Array<Record<string, unknown>> = [];
    const detect = makeDetect({ sources: [], store: ctx.store, clock, log: (e) => logged.push(e) });
    expect(await detect(await stream.next(isSnapshot))).toEqual({ batchItemFailures: [] });
    expect(logged).toContainEqual({ event: 'detect-skipped', sourceId: 'old-source', reason: 'source not in the sources file' });
    expect((await ctx.store.getSeriesState('old.series')).version).toBe(0);
  });
});

describe('fetch and parse as two functions: the document archive and the parse queue between them', () => {
  const job = (runAt: string, id = runAt): SqsEvent => ({ Records: [{ messageId: id, body: JSON.stringify({ sourceId: 'test-csv', runAt }) }] });

  it('archives a changed document with its hash as key, hands it over, and the parse function stores it with the key as provenance', async () => {
    const csv = dailyCsv(week);
    server.route('/split.csv', serveText(csv, 'text/csv; charset=utf-8'));
    const sources = [source({ url: server.url('/split.csv') })];
    const fetched = await fetchWorker({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })(job('2022-09-22T06:00:00.000Z'));
    expect(fetched.results.map((r) => r.outcome)).toEqual(['fetched']);
    // Nothing parsed or snapshotted yet: that is the parse function's part.
    expect((await ctx.store.listSnapshots('test-csv')).items).toEqual([]);
    const [keyName, stored] = [...archive.objects][0]!;
    expect(keyName).toMatch(/^documents\/test-csv\/[0-9a-f]{64}$/);
    expect(Buffer.from(stored!.body).toString('utf8')).toBe(csv);
    expect(stored!.contentType).toBe('text/csv; charset=utf-8');

    const handovers = parseQueue.drain();
    expect(handovers.Records).toHaveLength(1);
    expect(JSON.parse(handovers.Records[0]!.body)).toMatchObject({ sourceId: 'test-csv', runAt: '2022-09-22T06:00:00.000Z', provenance: { documentKey: keyName } });
    const parsed = await makeParse({ sources, store: ctx.store, clock, archive })(handovers);
    expect(parsed.batchItemFailures).toEqual([]);
    expect(parsed.results.map((r) => [r.outcome, r.added])).toEqual([['ok', week.length]]);
    const [snapshot] = (await ctx.store.listSnapshots('test-csv')).items;
    expect(snapshot).toMatchObject({ outcome: 'ok', documentKey: keyName, contentHash: keyName.split('/')[2], fetchedAt: '2022-09-22T06:00:00.000Z', runAt: '2022-09-22T06:00:00.000Z' });

    // The same hand-over delivered again (SQS is at-least-once) does nothing twice.
    const again = await makeParse({ sources, store: ctx.store, clock, archive })(handovers);
    expect(again.results.map((r) => r.outcome)).toEqual(['skipped']);
    expect((await ctx.store.listSnapshots('test-csv')).items).toHaveLength(1);
  });

  it('records an unchanged document in the fetch function itself: nothing archived, nothing handed over', async () => {
    server.route('/same.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/same.csv') })];
    await makeFetch({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })(job('2022-09-22T06:00:00.000Z'));
    clock.set('2022-09-23T06:00:00.000Z');
    const second = await fetchWorker({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })(job('2022-09-23T06:00:00.000Z'));
    expect(second.results.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(archive.objects.size).toBe(1);
    expect(parseQueue.sent).toEqual([]);
  });

  it('fails the fetch job when the archive or the parse queue refuses, so SQS retries it; the retry hands it over', async () => {
    server.route('/throttled.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/throttled.csv') })];
    const worker = fetchWorker({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions });
    archive.failNext = 1;
    expect((await worker(job('2022-09-22T06:00:00.000Z', 'm1'))).batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    parseQueue.failNext = 1;
    expect((await worker(job('2022-09-22T06:00:00.000Z', 'm1'))).batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(archive.objects.size).toBe(1); // archived before the queue refused: the hand-over never points at nothing
    expect(parseQueue.sent).toEqual([]);
    expect((await worker(job('2022-09-22T06:00:00.000Z', 'm1'))).batchItemFailures).toEqual([]);
    expect(parseQueue.sent).toHaveLength(1);
    expect(archive.objects.size).toBe(1); // the same key, written again
  });

  it('retries only the hand-over whose document the archive could not give back, and the others of its source after it', async () => {
    server.route('/a.csv', serveText(dailyCsv(week)));
    server.route('/b.csv', serveText(dailyCsv(week)));
    const sources = [
      source({ id: 'a', url: server.url('/a.csv'), series: [{ id: 'a.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'b', url: server.url('/b.csv'), series: [{ id: 'b.s', unit: 'persons', granularity: 'day' }] }),
    ];
    await fetchWorker({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })({
      Records: ['a', 'b'].map((id) => ({ messageId: id, body: JSON.stringify({ sourceId: id, runAt: '2022-09-22T06:00:00Z' }) })),
    });
    const handovers = parseQueue.drain();
    // A later hand-over of source a (a second message in a's group) must wait behind the failed one.
    const laterOfA = { ...handovers.Records[0]!, messageId: 'a-later' };
    const batch = { Records: [handovers.Records[0]!, handovers.Records[1]!, laterOfA] };
    const parse = makeParse({ sources, store: ctx.store, clock, archive });
    archive.failNext = 1;
    const first = await parse(batch);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: handovers.Records[0]!.messageId }, { itemIdentifier: 'a-later' }]);
    expect(first.results.map((r) => [r.sourceId, r.outcome])).toEqual([['b', 'ok']]);
    // SQS delivers the failed messages again.
    const second = await parse({ Records: [handovers.Records[0]!, laterOfA] });
    expect(second.batchItemFailures).toEqual([]);
    expect(second.results.map((r) => [r.sourceId, r.outcome])).toEqual([
      ['a', 'ok'],
      ['a', 'skipped'],
    ]);
  });

  it('records a failed snapshot naming the key when the archived document is missing or altered, and stores nothing from it', async () => {
    server.route('/gone.csv', serveText(dailyCsv(week)));
    const sources = [source({ url: server.url('/gone.csv') })];
    await fetchWorker({ sources, store: ctx.store, clock, fetchOptions: testFetchOptions })(job('2022-09-22T06:00:00.000Z'));
    const handovers = parseQueue.drain();
    const [keyName] = [...archive.objects.keys()];
    archive.objects.set(keyName!, { body: new TextEncoder().encode('date,value\n2022-09-15,1\n') });
    const altered = await makeParse({ sources, store: ctx.store, clock, archive })(handovers);
    expect(altered.batchItemFailures).toEqual([]);
    expect(altered.results[0]).toMatchObject({ outcome: 'failed', error: { stage: 'parse', field: 'documentKey', value: keyName } });
    expect(altered.results[0]!.error!.message).toContain('not the one recorded at fetch time');

    archive.objects.clear();
    const missing = await makeParse({ sources, store: ctx.store, clock, archive })(handovers);
    expect(missing.results[0]).toMatchObject({ outcome: 'failed', error: { field: 'documentKey' } });
    expect(missing.results[0]!.error!.message).toContain('is not in the archive');
    expect((await ctx.store.queryObservations('test.series', {})).items).toEqual([]);
  });

  it('drops a hand-over it can never parse (malformed, or of a source no longer in the file) with a log line naming why', async () => {
    server.route('/removed.csv', serveText(dailyCsv(week)));
    const old = source({ id: 'removed', url: server.url('/removed.csv'), series: [{ id: 'removed.s', unit: 'persons', granularity: 'day' }] });
    await fetchWorker({ sources: [old], store: ctx.store, clock, fetchOptions: testFetchOptions })({ Records: [{ messageId: '1', body: JSON.stringify({ sourceId: 'removed', runAt: '2022-09-22T06:00:00Z' }) }] });
    const event = parseQueue.drain();
    event.Records.push({ messageId: 'bad', body: JSON.stringify({ sourceId: 'x', runAt: '2022-09-22T06:00:00Z' }) });
    const logged: Array<Record<string, unknown>> = [];
    const parsed = await makeParse({ sources: [], store: ctx.store, clock, archive, log: (e) => logged.push(e) })(event);
    expect(parsed).toEqual({ batchItemFailures: [], results: [] });
    expect(logged).toEqual([
      { event: 'parse-job-dropped', messageId: event.Records[0]!.messageId, sourceId: 'removed', reason: 'source not in the sources file' },
      { event: 'parse-job-dropped', messageId: 'bad', reason: expect.stringContaining('parse job has no valid snapshotId') },
    ]);
    expect((await ctx.store.listSnapshots('removed')).items).toEqual([]);
  });
});
