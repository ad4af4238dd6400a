import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/core/hash';
import { ArchivedDocumentAltered, DocumentNotArchived, FileDocumentArchive, readArchived } from '../../functions/store/document-archive';
import type { Alert, Announcement, Observation, Snapshot } from '../../functions/core/model';
import type { Store } from '../../functions/store/repository';
import { freshStore } from '../support/dynamodb';

let ctx: Awaited<ReturnType<typeof freshStore>>;
let store: Store;

beforeAll(async () => {
  ctx = await freshStore();
  store = ctx.store;
});
afterAll(async () => ctx.drop());

const obs = (seriesId: string, period: string, value: number, snapshotId = 's@1'): Observation => ({
  seriesId,
  period,
  value,
  unit: 'persons',
  sourceId: 'src',
  snapshotId,
});

const snapshot = (sourceId: string, fetchedAt: string, outcome: Snapshot['outcome'] = 'ok'): Snapshot => ({
  sourceId,
  snapshotId: `${sourceId}@${fetchedAt}`,
  runAt: fetchedAt,
  fetchedAt,
  url: 'https://example.org/data.csv',
  httpStatus: 200,
  contentHash: 'abc',
  size: 10,
  outcome,
});

describe('snapshots', () => {
  it('lists a source’s snapshots newest first, paginated with an opaque cursor', async () => {
    for (const at of ['2022-09-20T06:00:00.000Z', '2022-09-22T06:00:00.000Z', '2022-09-21T06:00:00.000Z']) {
      await store.putSnapshot(snapshot('snap-src', at));
    }
    await store.putSnapshot(snapshot('other-src', '2022-09-23T06:00:00.000Z'));
    const first = await store.listSnapshots('snap-src', { limit: 2 });
    expect(first.items.map((s) => s.fetchedAt)).toEqual(['2022-09-22T06:00:00.000Z', '2022-09-21T06:00:00.000Z']);
    expect(first.cursor).toBeTypeOf('string');
    const second = await store.listSnapshots('snap-src', { limit: 2, cursor: first.cursor });
    expect(second.items.map((s) => s.fetchedAt)).toEqual(['2022-09-20T06:00:00.000Z']);
  });

  it('writes the same snapshot only once', async () => {
    const s = snapshot('idem-src', '2022-09-22T06:00:00.000Z');
    expect(await store.putSnapshot(s)).toBe(true);
    expect(await store.putSnapshot({ ...s, outcome: 'failed' })).toBe(false);
    const { items } = await store.listSnapshots('idem-src');
    expect(items).toHaveLength(1);
    expect(items[0]!.outcome).toBe('ok');
  });

  it('rejects a malformed cursor with a clear error', async () => {
    await expect(store.listSnapshots('snap-src', { cursor: 'not-a-cursor' })).rejects.toThrow(/malformed cursor/);
  });
});

describe('observations', () => {
  it('adds new periods, ignores unchanged ones and keeps every revision in history', async () => {
    const first = await store.writeObservations([obs('fi.se', '2022-09-21', 4443), obs('fi.se', '2022-09-22', 5959)], '2022-09-23T06:00:00.000Z');
    expect(first.added).toHaveLength(2);

    const again = await store.writeObservations([obs('fi.se', '2022-09-21', 4443), obs('fi.se', '2022-09-22', 5959)], '2022-09-23T07:00:00.000Z');
    expect(again).toMatchObject({ added: [], revised: [], unchanged: 2 });

    const revised = await store.writeObservations([obs('fi.se', '2022-09-22', 6001, 's@2')], '2022-09-24T06:00:00.000Z');
    expect(revised.revised).toEqual([expect.objectContaining({ period: '2022-09-22', value: 6001, previousValue: 5959 })]);

    const { items } = await store.queryObservations('fi.se');
    expect(items.map((o) => [o.period, o.value, o.revisions])).toEqual([
      ['2022-09-21', 4443, 0],
      ['2022-09-22', 6001, 1],
    ]);
    expect(items[1]).toMatchObject({ previousValue: 5959, snapshotId: 's@2', firstSeenAt: '2022-09-23T06:00:00.000Z' });
    const history = await store.observationHistory('fi.se', '2022-09-22');
    expect(history.map((h) => [h.value, h.snapshotId])).toEqual([
      [5959, 's@1'],
      [6001, 's@2'],
    ]);
  });

  it('queries one series in a date range, inclusive, without touching other series', async () => {
    const days = Array.from({ length: 30 }, (_, i) => `2022-09-${String(i + 1).padStart(2, '0')}`);
    await store.writeObservations(days.map((d, i) => obs('range.a', d, i)), '2022-10-01T00:00:00.000Z');
    await store.writeObservations(days.map((d) => obs('range.b', d, 1)), '2022-10-01T00:00:00.000Z');
    const { items } = await store.queryObservations('range.a', { from: '2022-09-10', to: '2022-09-12' });
    expect(items.map((o) => o.period)).toEqual(['2022-09-10', '2022-09-11', '2022-09-12']);
    const newest = await store.queryObservations('range.a', { newestFirst: true, limit: 1 });
    expect(newest.items[0]!.period).toBe('2022-09-30');
  });

  it('pages through a long range (more than 25 items are batch written)', async () => {
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10));
    await store.writeObservations(days.map((d, i) => obs('long', d, i)), '2022-10-01T00:00:00.000Z');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.queryObservations('long', { limit: 25, cursor });
      seen.push(...page.items.map((o) => o.period));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(days);
  });

  it('reads a detector window: the newest k observations up to a period, oldest first', async () => {
    const window = await store.observationWindow('range.a', '2022-09-20', 4);
    expect(window.map((o) => o.period)).toEqual(['2022-09-17', '2022-09-18', '2022-09-19', '2022-09-20']);
  });
});

describe('announcements', () => {
  const ann = (sourceId: string, id: string, publishedAt: string): Announcement => ({
    sourceId,
    announcementId: id,
    title: `Title ${id}`,
    url: `https://example.org/${id}`,
    publishedAt,
    language: 'fi',
    excerpt: 'excerpt',
    snapshotId: `${sourceId}@x`,
  });

  it('stores an announcement once and lists all sources newest first', async () => {
    const fresh = await store.putAnnouncements([ann('raja', 'a1', '2022-09-23T14:00:00.000Z'), ann('vn', 'b1', '2022-09-23T17:00:00.000Z')]);
    expect(fresh).toHaveLength(2);
    const again = await store.putAnnouncements([ann('raja', 'a1', '2022-09-23T14:00:00.000Z'), ann('raja', 'a2', '2022-09-29T10:00:00.000Z')]);
    expect(again.map((a) => a.announcementId)).toEqual(['a2']);
    const all = await store.listAnnouncements();
    expect(all.items.map((a) => a.announcementId)).toEqual(['a2', 'b1', 'a1']);
    const raja = await store.listAnnouncements({ sourceId: 'raja' });
    expect(raja.items.map((a) => a.announcementId)).toEqual(['a2', 'a1']);
  });
});

describe('alerts', () => {
  const alert = (alertId: string, createdAt: string, seriesId = 'fi.se'): Alert => ({
    alertId,
    kind: 'surge',
    subject: { type: 'series', id: seriesId },
    severity: 'warning',
    state: 'pending',
    createdAt,
    period: createdAt.slice(0, 10),
    sourceId: 'src',
    message: { subject: 's', sms: 'sms', email: 'email', json: {} },
    evidence: {},
    attempts: 0,
  });

  it('records an alert once, lists pending ones, and marks it published exactly once', async () => {
    expect(await store.recordAlert(alert('al-1', '2022-09-22T07:00:00.000Z'))).toBe(true);
    expect(await store.recordAlert(alert('al-1', '2022-09-22T08:00:00.000Z'))).toBe(false);
    expect((await store.listPendingAlerts()).map((a) => a.alertId)).toContain('al-1');

    await store.markAlertAttemptFailed('al-1', 'Throttled');
    expect(await store.getAlert('al-1')).toMatchObject({ attempts: 1, lastError: 'Throttled', state: 'pending' });

    expect(await store.markAlertPublished('al-1', 'mid-1', '2022-09-22T07:00:01.000Z')).toBe(true);
    expect(await store.markAlertPublished('al-1', 'mid-2', '2022-09-22T07:00:02.000Z')).toBe(false);
    expect(await store.getAlert('al-1')).toMatchObject({ state: 'published', messageId: 'mid-1' });
    expect((await store.listPendingAlerts()).map((a) => a.alertId)).not.toContain('al-1');
  });

  it('lists alerts newest first, overall and per series', async () => {
    await store.recordAlert(alert('al-2', '2022-09-23T07:00:00.000Z', 'other'));
    await store.recordAlert(alert('al-3', '2022-09-24T07:00:00.000Z'));
    expect((await store.listAlerts()).items.map((a) => a.alertId)).toEqual(['al-3', 'al-2', 'al-1']);
    expect((await store.listAlerts({ subject: { type: 'series', id: 'fi.se' } })).items.map((a) => a.alertId)).toEqual(['al-3', 'al-1']);
  });
});

describe('series detection state', () => {
  it('refuses a stale write (optimistic locking between overlapping runs)', async () => {
    const { version } = await store.getSeriesState('locked');
    await store.putSeriesState('locked', { lastEvaluatedPeriod: '2022-09-21' }, version);
    await expect(store.putSeriesState('locked', { lastEvaluatedPeriod: '2022-09-22' }, version)).rejects.toThrow(/changed by another run/);
    expect((await store.getSeriesState('locked')).state.lastEvaluatedPeriod).toBe('2022-09-21');
  });
});

describe('FileDocumentArchive (local runs)', () => {
  it('gives back exactly the bytes it was given, refuses keys that leave its folder, and says which key is missing', async () => {
    const archive = new FileDocumentArchive(mkdtempSync(join(tmpdir(), 'bw-archive-')));
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x00, 0xff]);
    await archive.put('documents/s/abc', bytes);
    expect(await archive.get('documents/s/abc')).toEqual(bytes);
    expect(await readArchived(archive, 'documents/s/abc', sha256Hex(bytes))).toEqual(bytes);
    await expect(readArchived(archive, 'documents/s/abc', sha256Hex(new Uint8Array([1])))).rejects.toBeInstanceOf(ArchivedDocumentAltered);
    await expect(archive.get('documents/s/nope')).rejects.toThrow(new DocumentNotArchived('documents/s/nope'));
    await expect(archive.put('documents/../../etc/x', bytes)).rejects.toThrow('invalid document key');
  });
});
