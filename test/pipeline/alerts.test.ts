import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RoutingNotifier } from '../../functions/alerting/notifier';
import { runSource, type PipelineDeps } from '../../functions/pipeline/run-source';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { fixedClock, source, testFetchOptions } from '../support/pipeline';
import { RecordingNotifier } from '../support/recording-notifier';

const feed = readFileSync(new URL('../fixtures/raja-fi/rss-en.xml', import.meta.url), 'utf8');

let server: Awaited<ReturnType<typeof startTestServer>>;
let ctx: Awaited<ReturnType<typeof freshStore>>;
let subscribers: RecordingNotifier;
let operators: RecordingNotifier;
let clock: ReturnType<typeof fixedClock>;
let deps: PipelineDeps;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());
beforeEach(async () => {
  ctx = await freshStore();
  subscribers = new RecordingNotifier();
  operators = new RecordingNotifier();
  clock = fixedClock('2022-09-29T14:00:00.000Z');
  deps = { store: ctx.store, notifier: new RoutingNotifier(subscribers, operators), clock, fetchOptions: testFetchOptions };
});
afterEach(async () => ctx.drop());

const feedSource = (path: string) =>
  source({ id: 'raja-en', kind: 'announcements', url: server.url(path), languages: ['en'], timeZone: 'Europe/Helsinki', parser: { type: 'feed' }, series: [] });

describe('announcement alerts in the pipeline', () => {
  it('alerts a fresh announcement about a closure once, to the subscribers, and not the days-old items', async () => {
    server.route('/rss.xml', serveText(feed, 'application/rss+xml; charset=utf-8'));
    const result = await runSource(feedSource('/rss.xml'), '2022-09-29T14:00:00.000Z', deps);

    expect(result).toMatchObject({ outcome: 'ok', announcements: 3 });
    expect(subscribers.published).toHaveLength(1);
    const [alert] = subscribers.published;
    expect(alert).toMatchObject({ kind: 'announcement', severity: 'critical', subject: { type: 'announcement' }, sourceId: 'raja-en' });
    expect(alert!.topics).toEqual(expect.arrayContaining(['closure', 'visa']));
    expect(alert!.message.email).toContain('Finland closes the border to Russian tourist-visa holders from midnight');
    expect(operators.published).toHaveLength(0);
    expect((await ctx.store.listAnnouncements()).items).toHaveLength(3);
  });

  it('does not alert the same announcement again when the feed changes around it', async () => {
    server.route('/rss2.xml', serveText(feed, 'application/rss+xml'));
    const s = feedSource('/rss2.xml');
    await runSource(s, '2022-09-29T14:00:00.000Z', deps);
    const withAnother = feed.replace(
      '<item>',
      '<item><title>Border guard exercise in Lapland</title><link>https://raja.fi/en/-/exercise</link><description>Routine.</description><pubDate>Thu, 29 Sep 2022 17:00:00 +0300</pubDate><guid>raja-en-exercise</guid></item>\n    <item>',
    );
    server.route('/rss2.xml', serveText(withAnother, 'application/rss+xml'));
    clock.set('2022-09-29T15:00:00.000Z');
    const second = await runSource(s, '2022-09-29T15:00:00.000Z', deps);
    expect(second).toMatchObject({ outcome: 'ok', announcements: 1, alerts: [] });
    expect(subscribers.published).toHaveLength(1);
  });
});

describe('source-health alerts in the pipeline', () => {
  it('tells the operators once per failure streak, after three failed fetches in a row', async () => {
    let failing = true;
    server.route('/flaky.csv', (_q, r) => (failing ? r.writeHead(500).end('down') : r.writeHead(200, { 'content-type': 'text/csv' }).end('date,value\n2022-09-20,10\n')));
    const s = source({ id: 'flaky', url: server.url('/flaky.csv') });
    const run = async (at: string) => {
      clock.set(at);
      return runSource(s, at, deps);
    };
    await run('2022-09-29T10:00:00.000Z');
    await run('2022-09-29T11:00:00.000Z');
    expect(operators.published).toHaveLength(0);
    await run('2022-09-29T12:00:00.000Z');
    await run('2022-09-29T13:00:00.000Z');
    expect(operators.published).toHaveLength(1);
    expect(operators.published[0]).toMatchObject({ kind: 'source-health', subject: { type: 'source', id: 'flaky' } });

    failing = false;
    await run('2022-09-29T14:00:00.000Z');
    failing = true;
    for (const hour of ['15', '16', '17']) await run(`2022-09-29T${hour}:00:00.000Z`);
    expect(operators.published).toHaveLength(2);
    expect(subscribers.published).toHaveLength(0);
  });

  it('counts retries of one scheduled run as one failure, so a single bad run alerts nobody', async () => {
    server.route('/down.csv', (_q, r) => r.writeHead(503).end('down'));
    const s = source({ id: 'retried', url: server.url('/down.csv') });
    for (const minute of ['00', '05', '10']) {
      clock.set(`2022-09-29T10:${minute}:00.000Z`);
      await runSource(s, '2022-09-29T10:00:00.000Z', deps); // the same run, retried by SQS
    }
    expect(await ctx.store.getSourceState('retried')).toMatchObject({ consecutiveFailures: 1, lastFailedRunAt: '2022-09-29T10:00:00.000Z' });
    expect(operators.published).toHaveLength(0);
  });
});
