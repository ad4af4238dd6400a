import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_MS, deliver, deliverPending, sweepOrder } from '../../functions/alerting/deliver';
import { SnsNotifier, type Notifier } from '../../functions/alerting/notifier';
import { seriesAlert } from '../../functions/alerting/series-alert';
import type { Alert } from '../../functions/core/model';
import { runSources } from '../../functions/pipeline/run';
import type { PipelineDeps } from '../../functions/pipeline/run-source';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { dailyCsv, fixedClock, source, testFetchOptions, WEEK_BEFORE_SURGE } from '../support/pipeline';
import { septemberSurge } from './sept-2022';

const TOPIC = 'arn:aws:sns:eu-north-1:123456789012:alerts';
const sns = mockClient(SNSClient);
let ctx: Awaited<ReturnType<typeof freshStore>>;
let clock: ReturnType<typeof fixedClock>;

/** An SNS notifier on the mocked client that never really waits between retries. */
const snsNotifier = () => new SnsNotifier(new SNSClient({ region: 'eu-north-1' }), TOPIC, { sleep: async () => undefined, random: () => 0 });
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException', $metadata: { httpStatusCode: 429 } });

beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'mid-1' });
  ctx = await freshStore();
  clock = fixedClock('2022-09-23T06:15:02.000Z');
});
afterEach(async () => ctx.drop());

const recorded = async (): Promise<Alert> => {
  const alert = seriesAlert(septemberSurge);
  expect(await ctx.store.recordAlert(alert)).toBe(true);
  return alert;
};

describe('delivery through SNS, recorded in DynamoDB', () => {
  it('publishes a recorded alert and marks it published with the SNS MessageId', async () => {
    const alert = await recorded();
    const result = await deliver(alert, { store: ctx.store, notifier: snsNotifier(), clock });
    expect(result).toEqual({ alertId: alert.alertId, published: true, messageId: 'mid-1' });
    expect(await ctx.store.getAlert(alert.alertId)).toMatchObject({ state: 'published', messageId: 'mid-1', publishedAt: '2022-09-23T06:15:02.000Z' });
    expect(await ctx.store.listPendingAlerts()).toEqual([]);
  });

  it('records the same alert only once, however often the same anomaly is seen', async () => {
    await recorded();
    expect(await ctx.store.recordAlert(seriesAlert({ ...septemberSurge, createdAt: '2022-09-23T07:15:00.000Z' }))).toBe(false);
  });

  it('publishes an alert left pending by a crash between record and publish in the next run, once', async () => {
    const alert = await recorded();
    // The run that recorded it died here. The next run:
    clock.set('2022-09-23T07:15:00.000Z');
    const retried = await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock });
    expect(retried).toEqual([{ alertId: alert.alertId, published: true, messageId: 'mid-1' }]);
    expect(await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock })).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('publishes an alert whose run crashed after claiming it once the lease has expired', async () => {
    const alert = await recorded();
    expect(await ctx.store.claimAlert(alert.alertId, clock().toISOString(), new Date(clock().getTime() + LEASE_MS).toISOString())).toBe(true);
    // The claimant died before publishing. While its lease holds nobody publishes; after, the next run does.
    expect(await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock })).toEqual([expect.objectContaining({ published: false })]);
    clock.advance(LEASE_MS + 1);
    expect(await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock })).toEqual([expect.objectContaining({ published: true })]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('publishes the recorded flood-control decision as the channels attribute when a later run retries it', async () => {
    await ctx.store.recordAlert({ ...seriesAlert(septemberSurge), channels: ['email'] });
    await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ channels: { DataType: 'String.Array', StringValue: '["email"]' } }),
    });
  });

  it('rides out throttling within one delivery', async () => {
    sns.reset();
    sns.on(PublishCommand).rejectsOnce(throttled()).resolves({ MessageId: 'mid-2' });
    const alert = await recorded();
    expect(await deliver(alert, { store: ctx.store, notifier: snsNotifier(), clock })).toMatchObject({ published: true, messageId: 'mid-2' });
  });

  it('leaves an alert pending, with the attempt and the error counted, when SNS keeps failing', async () => {
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } }));
    const alert = await recorded();
    expect(await deliver(alert, { store: ctx.store, notifier: snsNotifier(), clock })).toMatchObject({ published: false });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 4);
    expect(await ctx.store.listPendingAlerts()).toEqual([expect.objectContaining({ alertId: alert.alertId, attempts: 1, lastError: 'InternalErrorException: We encountered an internal error' })]);
  });

  it('publishes an alert that failed earlier in the next run', async () => {
    sns.reset();
    sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('bad'), { name: 'InvalidParameterException' })).resolves({ MessageId: 'mid-later' });
    const alert = await recorded();
    expect(await deliver(alert, { store: ctx.store, notifier: snsNotifier(), clock })).toMatchObject({ published: false });
    expect(await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock })).toEqual([expect.objectContaining({ published: true, messageId: 'mid-later' })]);
  });

  it('publishes once when two runs deliver the same alert at the same time', async () => {
    const alert = await recorded();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const published: string[] = [];
    const slow: Notifier = {
      publish: async (a) => {
        published.push(a.alertId);
        await gate;
        return { messageId: 'mid-slow' };
      },
    };
    const first = deliver(alert, { store: ctx.store, notifier: slow, clock });
    const second = deliverPending({ store: ctx.store, notifier: slow, clock });
    const secondResult = await second;
    release();
    expect(await first).toMatchObject({ published: true });
    expect(secondResult).toEqual([expect.objectContaining({ published: false })]);
    expect(published).toEqual([alert.alertId]);
  });

  it('keeps the lease when SNS accepted the message but marking it published failed, so no run republishes it meanwhile', async () => {
    const alert = await recorded();
    const failingMark = Object.assign(Object.create(ctx.store) as typeof ctx.store, {
      markAlertPublished: async () => {
        throw Object.assign(new Error('connection reset'), { name: 'NetworkingError' });
      },
    });
    expect(await deliver(alert, { store: failingMark, notifier: snsNotifier(), clock })).toMatchObject({ published: true, messageId: 'mid-1', error: expect.stringContaining('not marked published') });
    expect(await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock })).toEqual([expect.objectContaining({ published: false })]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

describe('the sweep over many pending alerts', () => {
  const pendingAlert = (i: number, attempts = 0): Alert => {
    const alert = seriesAlert({ ...septemberSurge, createdAt: new Date(Date.UTC(2022, 8, 23, 6, 0, i)).toISOString() });
    return { ...alert, alertId: `${alert.alertId}-${String(i).padStart(3, '0')}`, attempts };
  };

  it('reads pending alerts past the first page, oldest first', async () => {
    const alerts = Array.from({ length: 150 }, (_, i) => pendingAlert(i));
    for (const alert of alerts) expect(await ctx.store.recordAlert(alert)).toBe(true);
    const listed = await ctx.store.listPendingAlerts(1000);
    expect(listed.map((a) => a.alertId)).toEqual(alerts.map((a) => a.alertId));
    expect(await ctx.store.listPendingAlerts(120)).toHaveLength(120);
    const swept = await deliverPending({ store: ctx.store, notifier: snsNotifier(), clock });
    expect(swept.filter((d) => d.published)).toHaveLength(150);
    expect(await ctx.store.listPendingAlerts()).toEqual([]);
  });

  it('tries alerts that never failed before those SNS keeps refusing, so stuck ones cannot starve new ones', () => {
    const stuck = [pendingAlert(0, 40), pendingAlert(1, 12)];
    const fresh = [pendingAlert(5), pendingAlert(3), pendingAlert(4, 1)];
    expect(sweepOrder([...stuck, ...fresh]).map((a) => a.alertId.slice(-3))).toEqual(['003', '005', '004', '001', '000']);
  });
});

describe('two overlapping runs of the pipeline', () => {
  type Server = Awaited<ReturnType<typeof startTestServer>>;
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  const week = WEEK_BEFORE_SURGE;

  it('publish the surge alert exactly once', async () => {
    const s = source({ url: server.url('/overlap.csv') });
    const deps: PipelineDeps = { store: ctx.store, notifier: snsNotifier(), clock, fetchOptions: testFetchOptions };
    server.route('/overlap.csv', serveText(dailyCsv(week)));
    clock.set('2022-09-22T06:00:00.000Z');
    await runSources([s], '2022-09-22T06:00:00.000Z', deps);

    server.route('/overlap.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    clock.set('2022-09-23T06:00:00.000Z');
    const runs = await Promise.all([runSources([s], '2022-09-23T06:00:00.000Z', deps), runSources([s], '2022-09-23T06:05:00.000Z', deps)]);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const recordedByRuns = runs.flatMap((run) => run.results.flatMap((r) => r.alerts));
    expect(recordedByRuns).toHaveLength(1);
    const { items } = await ctx.store.listAlerts();
    expect(items).toEqual([expect.objectContaining({ state: 'published', messageId: 'mid-1', period: '2022-09-22' })]);
  });
});
