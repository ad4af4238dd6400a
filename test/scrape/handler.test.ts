import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler, RunFailedError, type ScrapeDeps } from '../../functions/scrape/handler';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { dailyCsv, fixedClock, source, testFetchOptions } from '../support/pipeline';
import { RecordingNotifier } from '../support/recording-notifier';

let server: Awaited<ReturnType<typeof startTestServer>>;
let ctx: Awaited<ReturnType<typeof freshStore>>;
let deps: ScrapeDeps;

beforeAll(async () => {
  server = await startTestServer({ '/a.csv': serveText(dailyCsv([['2022-09-20', 10]])) });
});
afterAll(async () => server.close());
beforeEach(async () => {
  ctx = await freshStore();
  deps = {
    store: ctx.store,
    notifier: new RecordingNotifier(),
    clock: fixedClock('2022-09-23T06:00:05.000Z'),
    fetchOptions: testFetchOptions,
    concurrency: 4,
    sources: [
      source({ id: 'good', url: server.url('/a.csv'), series: [{ id: 'good.s', unit: 'persons', granularity: 'day' }] }),
      source({ id: 'broken', url: server.url('/missing.csv'), series: [{ id: 'broken.s', unit: 'persons', granularity: 'day' }] }),
    ],
  };
});
afterEach(async () => ctx.drop());

describe('scrape handler', () => {
  it('runs only the sources named in the scheduled event, identified by the scheduled time', async () => {
    const summary = await makeHandler(deps)({ runAt: '2022-09-23T06:00:00Z', sourceIds: ['good'] });
    expect(summary.runAt).toBe('2022-09-23T06:00:00.000Z');
    expect(summary.results.map((r) => [r.sourceId, r.outcome])).toEqual([['good', 'ok']]);
  });

  it('fails the invocation when a source failed, after storing what succeeded; a retry skips the sources already done', async () => {
    const handler = makeHandler(deps);
    const error = await handler({ runAt: '2022-09-23T06:00:00Z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as RunFailedError).message).toBe('1 of 2 sources failed: broken');
    expect((await ctx.store.queryObservations('good.s')).items).toHaveLength(1);

    const retry = await handler({ runAt: '2022-09-23T06:00:00Z' }).catch((e: RunFailedError) => e.summary);
    expect(retry.results.map((r) => [r.sourceId, r.outcome])).toEqual([
      ['good', 'skipped'],
      ['broken', 'failed'],
    ]);
  });

  it('rejects an event that names a source it does not know', async () => {
    await expect(makeHandler(deps)({ sourceIds: ['nope'] })).rejects.toThrow('unknown source ids in the event: nope');
  });
});
