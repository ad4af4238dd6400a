import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock';
import { makeRouter, type QueryResponse } from '../../functions/query/router';
import { freshStore } from '../support/dynamodb';
import { FINLAND_FIGURES, FINLAND_SERIES, FINLAND_SOURCE, MONTHLY_SERIES, seedFinland } from './fixtures';

let ctx: Awaited<ReturnType<typeof freshStore>>;
let route: ReturnType<typeof makeRouter>;
const logged: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ctx = await freshStore();
  await seedFinland(ctx.store);
  route = makeRouter({ store: ctx.store, clock: fixedClock('2022-09-30T12:00:00.000Z'), log: (e) => logged.push(e) });
});
afterAll(async () => ctx.drop());

const get = (path: string, query: Record<string, string> = {}) => route({ method: 'GET', path, query, baseUrl: 'https://api.example.org' });
const json = (response: QueryResponse) => JSON.parse(response.body) as Record<string, any>;
const errorOf = (response: QueryResponse) => ({ status: response.status, message: json(response).error.message as string });

describe('series', () => {
  it('lists the series in the catalogue', async () => {
    const response = await get('/series');
    expect(response.status).toBe(200);
    expect(json(response).items.map((s: { seriesId: string }) => s.seriesId).sort()).toEqual([FINLAND_SERIES, MONTHLY_SERIES]);
  });

  it('returns a series’ observations in a date range, oldest first, with the series it belongs to', async () => {
    const body = json(await get(`/series/${FINLAND_SERIES}/observations`, { from: '2022-09-20', to: '2022-09-22' }));
    expect(body.series.granularity).toBe('day');
    expect(body.items.map((o: { period: string; value: number }) => [o.period, o.value])).toEqual([
      ['2022-09-20', 3099],
      ['2022-09-21', 4443],
      ['2022-09-22', 5959],
    ]);
  });

  it('pages through observations with an opaque cursor and a next link', async () => {
    const first = json(await get(`/series/${FINLAND_SERIES}/observations`, { limit: '4' }));
    expect(first.items).toHaveLength(4);
    expect(first.next).toBe(`https://api.example.org/series/${FINLAND_SERIES}/observations?limit=4&cursor=${first.cursor}`);
    const second = json(await get(`/series/${FINLAND_SERIES}/observations`, { limit: '4', cursor: first.cursor }));
    const third = json(await get(`/series/${FINLAND_SERIES}/observations`, { limit: '4', cursor: second.cursor }));
    const periods = [...first.items, ...second.items, ...third.items].map((o: { period: string }) => o.period);
    expect(periods).toEqual(FINLAND_FIGURES.map(([d]) => d));
  });

  it('lists newest first when asked', async () => {
    const body = json(await get(`/series/${FINLAND_SERIES}/observations`, { order: 'desc', limit: '2' }));
    expect(body.items.map((o: { period: string }) => o.period)).toEqual(['2022-09-26', '2022-09-24']);
  });

  it('reads `since` as a duration back from now in the series’ own periods', async () => {
    // Now is 2022-09-30T12:00Z: 7d back is 2022-09-23.
    const body = json(await get(`/series/${FINLAND_SERIES}/observations`, { since: '7d' }));
    expect(body.range).toEqual({ from: '2022-09-23' });
    expect(body.items.map((o: { period: string }) => o.period)).toEqual(['2022-09-23', '2022-09-24', '2022-09-26']);
  });

  it('reads `since` as a month for a monthly series', async () => {
    const body = json(await get(`/series/${MONTHLY_SERIES}/observations`, { since: '2020-03-15' }));
    expect(body.items.map((o: { period: string }) => o.period)).toEqual(['2020-03', '2020-04']);
  });

  it('returns observations as CSV with a header row', async () => {
    const response = await get(`/series/${FINLAND_SERIES}/observations`, { from: '2022-09-22', to: '2022-09-22', format: 'csv' });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('series_id,period,value,unit,provisional,revisions,previous_value,snapshot_id,first_seen_at,updated_at');
    expect(lines[1]).toMatch(/^fi\.southeast\.russians-entering,2022-09-22,5959,persons,false,0,,/);
    expect(lines).toHaveLength(2);
  });

  it('puts the next cursor of a CSV page in a Link header', async () => {
    const response = await get(`/series/${FINLAND_SERIES}/observations`, { limit: '2', format: 'csv' });
    expect(response.headers['link']).toMatch(/^<https:\/\/api\.example\.org\/series\/.+cursor=.+>; rel="next"$/);
    expect(response.headers['x-next-cursor']).toBeTypeOf('string');
  });
});

describe('snapshots', () => {
  it('lists a source’s snapshots newest first with their provenance', async () => {
    const body = json(await get(`/sources/${FINLAND_SOURCE}/snapshots`, { limit: '2' }));
    expect(body.items[0]).toMatchObject({ fetchedAt: '2022-09-27T06:00:00.000Z', url: 'https://www.raja.fi/demo/fi-border-2022.csv', contentHash: 'sha256-2022-09-27T06:00:00.000Z', httpStatus: 200, outcome: 'ok' });
    expect(body.items[1].fetchedAt).toBe('2022-09-25T07:00:00.000Z');
  });

  it('filters snapshots by outcome', async () => {
    const body = json(await get(`/sources/${FINLAND_SOURCE}/snapshots`, { outcome: 'failed' }));
    expect(body.items.map((s: { outcome: string; httpStatus: number }) => [s.outcome, s.httpStatus])).toEqual([['failed', 503]]);
  });

  it('answers an empty page when a filter matches none of a known source’s snapshots', async () => {
    const response = await get(`/sources/${FINLAND_SOURCE}/snapshots`, { outcome: 'suspect' });
    expect([response.status, json(response).items]).toEqual([200, []]);
  });

  it('answers 404 for a source that was never fetched', async () => {
    expect(errorOf(await get('/sources/no-such-source/snapshots'))).toEqual({ status: 404, message: 'unknown source "no-such-source": it has never been fetched' });
  });
});

describe('announcements', () => {
  it('lists announcements newest first', async () => {
    const body = json(await get('/announcements'));
    expect(body.items.map((a: { announcementId: string }) => a.announcementId)).toEqual(['tiedote-2022-09-30', 'press-556-2022']);
  });

  it('filters announcements by source', async () => {
    const body = json(await get('/announcements', { source: 'valtioneuvosto' }));
    expect(body.items.map((a: { sourceId: string }) => a.sourceId)).toEqual(['valtioneuvosto']);
  });

  it('filters announcements by topic', async () => {
    const body = json(await get('/announcements', { topic: 'border-closure' }));
    expect(body.items.map((a: { announcementId: string }) => a.announcementId)).toEqual(['tiedote-2022-09-30']);
  });

  it('filters announcements published since a date', async () => {
    const body = json(await get('/announcements', { since: '2022-09-25' }));
    expect(body.items.map((a: { announcementId: string }) => a.announcementId)).toEqual(['tiedote-2022-09-30']);
  });
});

describe('alerts', () => {
  it('lists alerts newest first without the publishing machinery', async () => {
    const body = json(await get('/alerts'));
    expect(body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['fi-surge-0922', 'sy-drop-2020-04']);
    expect(body.items[0]).not.toHaveProperty('attempts');
  });

  it('filters alerts by kind', async () => {
    const body = json(await get('/alerts', { kind: 'drop' }));
    expect(body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['sy-drop-2020-04']);
  });

  it('filters alerts by severity', async () => {
    const body = json(await get('/alerts', { severity: 'warning' }));
    expect(body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['fi-surge-0922']);
  });

  it('filters alerts created since a duration ago', async () => {
    const body = json(await get('/alerts', { since: '30d' }));
    expect(body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['fi-surge-0922']);
  });

  it('filters alerts by series', async () => {
    const body = json(await get('/alerts', { series: MONTHLY_SERIES }));
    expect(body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['sy-drop-2020-04']);
  });

  it('fills a filtered page across store pages and continues with a cursor', async () => {
    const first = json(await get('/alerts', { kind: 'surge', limit: '1' }));
    expect(first.items.map((a: { alertId: string }) => a.alertId)).toEqual(['fi-surge-0922']);
    const second = json(await get('/alerts', { kind: 'surge', limit: '1', cursor: first.cursor }));
    expect(second.items).toEqual([]);
  });

  it('serves the alert feed as Atom', async () => {
    const response = await get('/alerts.atom', { kind: 'surge' });
    expect(response.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(response.body).toContain('<link rel="self" type="application/atom+xml" href="https://api.example.org/alerts.atom?kind=surge"/>');
  });
});

describe('charts and dashboard', () => {
  it('serves a series chart as SVG with an alert marker', async () => {
    const response = await get(`/series/${FINLAND_SERIES}/chart.svg`);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.body).toContain('class="alert-marker" data-alert-id="fi-surge-0922" data-period="2022-09-22"');
  });

  it('serves the dashboard with one chart per series and no script', async () => {
    const response = await get('/');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.body.match(/<svg /g)).toHaveLength(2);
    expect(response.body).not.toContain('<script');
  });
});

describe('bad input', () => {
  it.each([
    [{ from: '2022-02-30' }, 'parameter "from": is not a calendar date (got "2022-02-30")'],
    [{ to: 'yesterday' }, 'parameter "to": must be a date (2022-09-22), an ISO week (2022-W38), a month (2022-09) or a year (2022) (got "yesterday")'],
    [{ from: '2022-09-25', to: '2022-09-20' }, 'parameters "from" and "to" are reversed: from 2022-09-25 is after to 2022-09-20'],
    [{ since: '7 days' }, 'parameter "since": must be a duration such as 36h, 7d or 2w, a date (2022-09-20) or a timestamp with a zone (2022-09-20T06:00:00Z) (got "7 days")'],
    [{ since: '7d', from: '2022-09-01' }, 'parameters "since" and "from" both set the start of the range; give one of them'],
    [{ limit: '5000' }, 'parameter "limit": must be at most 1000 (got "5000")'],
    [{ limit: '0' }, 'parameter "limit": must be at least 1 (got "0")'],
    [{ limit: 'ten' }, 'parameter "limit": must be a whole number (got "ten")'],
    [{ format: 'xml' }, 'parameter "format": must be one of json, csv (got "xml")'],
    [{ sinse: '7d' }, 'unknown parameter "sinse"; this listing takes from, to, since, order, limit, cursor, format'],
  ])('answers 400 for observations with %j', async (query, message) => {
    expect(errorOf(await get(`/series/${FINLAND_SERIES}/observations`, query))).toEqual({ status: 400, message });
  });

  it('answers 400 when `since` starts after `to`', async () => {
    const response = await get(`/series/${FINLAND_SERIES}/observations`, { since: '2d', to: '2022-09-20' });
    expect(errorOf(response)).toEqual({ status: 400, message: 'parameters "since" and "to" are reversed: since 2d starts at 2022-09-28, after to 2022-09-20' });
  });

  it('answers 404 for an unknown series', async () => {
    expect(errorOf(await get('/series/no.such.series/observations'))).toEqual({ status: 404, message: 'unknown series "no.such.series"; GET /series lists the known ones' });
  });

  it('answers 400 for a series id that cannot be one', async () => {
    expect((await get('/series/%E0%A4%A/observations')).status).toBe(400);
    expect(errorOf(await get('/series/a%20b/observations')).message).toMatch(/^series id "a b" must be letters, digits/);
  });

  it('answers 400 for an oversized list limit', async () => {
    expect(errorOf(await get('/alerts', { limit: '201' }))).toEqual({ status: 400, message: 'parameter "limit": must be at most 200 (got "201")' });
  });

  it('answers 400 for an unknown alert kind', async () => {
    expect(errorOf(await get('/alerts', { kind: 'spike' })).message).toBe('parameter "kind": must be one of surge, drop, shift, announcement, source-health (got "spike")');
  });

  it('answers 400 for a malformed cursor', async () => {
    expect(errorOf(await get('/alerts', { cursor: 'not-a-cursor' }))).toEqual({ status: 400, message: 'parameter "cursor": malformed cursor; pass the cursor of the previous page unchanged' });
  });

  it('answers 400 for a cursor from another listing', async () => {
    const { cursor } = json(await get(`/series/${FINLAND_SERIES}/observations`, { limit: '1' }));
    expect(errorOf(await get('/alerts', { cursor }))).toEqual({ status: 400, message: 'parameter "cursor": the cursor belongs to another listing; start again without a cursor' });
  });

  it('answers 400 for a well-formed cursor whose key does not fit the query', async () => {
    const forged = Buffer.from(JSON.stringify({ l: 'alerts', c: Buffer.from(JSON.stringify({ PK: 'x' })).toString('base64url') })).toString('base64url');
    expect(errorOf(await get('/alerts', { cursor: forged }))).toEqual({ status: 400, message: 'parameter "cursor": the cursor does not belong to this listing or range; start again without a cursor' });
  });

  it('answers 405 to anything but reading', async () => {
    const response = await route({ method: 'POST', path: '/alerts', query: {}, baseUrl: 'https://api.example.org' });
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('answers 404 for an unknown endpoint', async () => {
    expect((await get('/nothing-here')).status).toBe(404);
  });

  it('answers a failing read with a 500 that reveals nothing and is logged', async () => {
    const broken = makeRouter({
      store: { listSeries: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1')) } as never,
      clock: fixedClock('2022-09-30T12:00:00.000Z'),
      log: (e) => logged.push(e),
    });
    const response = await broken({ method: 'GET', path: '/series', query: {}, baseUrl: 'https://api.example.org' });
    expect(errorOf(response)).toEqual({ status: 500, message: 'internal error while reading the table; it has been logged' });
    expect(logged.at(-1)).toMatchObject({ event: 'query-failed', path: '/series' });
  });
});
