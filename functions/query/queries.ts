import type { Clock } from '../core/clock';
import type { Alert, Announcement, Snapshot, StoredObservation } from '../core/model';
import type { Page, PageRequest, SeriesInfo, Store } from '../store/repository';
import { unwrapCursor, wrapCursor } from './cursor';
import { badRequest, notFound } from './errors';
import { checkRange, resolveSince, type Params } from './params';
import { isReversed, periodOf } from './periods';

/**
 * The queries behind the HTTP API and the CLI: one place that turns validated parameters into
 * store reads (Query and Get only) and pages with opaque cursors.
 */
export interface QueryContext {
  store: Store;
  clock: Clock;
}

export interface Listing<T> {
  items: T[];
  cursor?: string;
}

/** An alert as the outside world sees it: without the publishing machinery (lease, attempts, errors). */
export type PublicAlert = Omit<Alert, 'leaseUntil' | 'attempts' | 'lastError'>;

/** How many store pages one filtered request may read before it returns a short page with a cursor. */
const MAX_READS_PER_REQUEST = 10;

function listing<T>(name: string, page: Page<T>): Listing<T> {
  const cursor = wrapCursor(name, page.cursor);
  return { items: page.items, ...(cursor ? { cursor } : {}) };
}

/**
 * Reads pages until `limit` items pass `keep` or the listing ends. Filters on fields that are not
 * keys (kind, severity, topic) cost reads, so a request reads at most MAX_READS_PER_REQUEST pages and
 * may return fewer items than asked, with a cursor to continue.
 */
async function collect<T>(name: string, read: (page: PageRequest) => Promise<Page<T>>, keep: ((item: T) => boolean) | undefined, limit: number, cursor: string | undefined): Promise<Listing<T>> {
  let storeCursor = unwrapCursor(name, cursor);
  if (!keep) return listing(name, await read({ limit, ...(storeCursor ? { cursor: storeCursor } : {}) }));
  const items: T[] = [];
  for (let reads = 0; reads < MAX_READS_PER_REQUEST; reads++) {
    const page = await read({ limit: limit - items.length, ...(storeCursor ? { cursor: storeCursor } : {}) });
    items.push(...page.items.filter(keep));
    storeCursor = page.cursor;
    if (!storeCursor || items.length >= limit) break;
  }
  return listing(name, { items, ...(storeCursor ? { cursor: storeCursor } : {}) });
}

export async function listSeries(ctx: QueryContext, p: Params<'seriesList'>): Promise<Listing<SeriesInfo>> {
  return collect('series', (page) => ctx.store.listSeries(page), undefined, p.limit, p.cursor);
}

/** A series' catalogue entry; an unknown series is a 404. */
export async function requireSeries(ctx: QueryContext, seriesId: string): Promise<SeriesInfo> {
  const series = await ctx.store.getSeries(seriesId);
  if (!series) throw notFound(`unknown series "${seriesId}"; GET /series lists the known ones`);
  return series;
}

/** Resolves from/to/since to period bounds in the series' granularity. */
export function periodRange(series: SeriesInfo, p: { from?: string; to?: string; since?: string }, now: Date): { from?: string; to?: string } {
  checkRange(p);
  const sinceAt = resolveSince(p.since, now);
  const from = sinceAt ? periodOf(sinceAt, series.granularity) : p.from;
  if (from !== undefined && p.to !== undefined && isReversed(from, p.to)) {
    throw badRequest(`parameters "since" and "to" are reversed: since ${p.since} starts at ${from}, after to ${p.to}`);
  }
  return { ...(from !== undefined ? { from } : {}), ...(p.to !== undefined ? { to: p.to } : {}) };
}

export async function seriesObservations(
  ctx: QueryContext,
  seriesId: string,
  p: Params<'observations'>,
): Promise<{ series: SeriesInfo; range: { from?: string; to?: string } } & Listing<StoredObservation>> {
  const series = await requireSeries(ctx, seriesId);
  const range = periodRange(series, p, ctx.clock());
  const page = await collect(
    `observations:${seriesId}:${p.order}`,
    (req) => ctx.store.queryObservations(seriesId, { ...range, newestFirst: p.order === 'desc', ...req }),
    undefined,
    p.limit,
    p.cursor,
  );
  return { series, range, ...page };
}

export async function sourceSnapshots(ctx: QueryContext, sourceId: string, p: Params<'snapshots'>): Promise<Listing<Snapshot>> {
  const keep = p.outcome ? (s: Snapshot) => s.outcome === p.outcome : undefined;
  const page = await collect(`snapshots:${sourceId}`, (req) => ctx.store.listSnapshots(sourceId, req), keep, p.limit, p.cursor);
  // An empty first page is either a source never fetched or a filter that matched nothing.
  if (page.items.length === 0 && !page.cursor && !p.cursor && (!keep || (await ctx.store.listSnapshots(sourceId, { limit: 1 })).items.length === 0)) {
    throw notFound(`unknown source "${sourceId}": it has never been fetched`);
  }
  return page;
}

export async function listAnnouncements(ctx: QueryContext, p: Params<'announcements'>): Promise<Listing<Announcement>> {
  const since = resolveSince(p.since, ctx.clock())?.toISOString();
  const topic = p.topic?.toLowerCase();
  const keep = topic ? (a: Announcement) => (a.topics ?? []).some((t) => t.toLowerCase() === topic) : undefined;
  return collect(
    `announcements:${p.source ?? '*'}`,
    (req) => ctx.store.listAnnouncements({ ...(p.source ? { sourceId: p.source } : {}), ...(since ? { since } : {}), ...req }),
    keep,
    p.limit,
    p.cursor,
  );
}

export function publicAlert(alert: Alert): PublicAlert {
  const { attempts, lastError, ...rest } = alert as Alert & { leaseUntil?: string };
  void attempts, lastError;
  delete (rest as { leaseUntil?: string }).leaseUntil;
  return rest;
}

export async function listAlerts(ctx: QueryContext, p: Omit<Params<'alerts'>, 'format'>): Promise<Listing<PublicAlert>> {
  if (p.series && p.source) throw badRequest('parameters "series" and "source" both choose whose alerts to list; give one of them');
  const since = resolveSince(p.since, ctx.clock())?.toISOString();
  const filters: Array<(a: Alert) => boolean> = [];
  if (p.kind) filters.push((a) => a.kind === p.kind);
  if (p.severity) filters.push((a) => a.severity === p.severity);
  if (p.source) filters.push((a) => a.sourceId === p.source);
  const keep = filters.length > 0 ? (a: Alert) => filters.every((f) => f(a)) : undefined;
  const page = await collect(
    p.series ? `alerts:series:${p.series}` : 'alerts',
    (req) => ctx.store.listAlerts({ ...(p.series ? { subject: { type: 'series', id: p.series } } : {}), ...(since ? { since } : {}), ...req }),
    keep,
    p.limit,
    p.cursor,
  );
  return { ...page, items: page.items.map(publicAlert) };
}

export interface ChartData {
  series: SeriesInfo;
  observations: StoredObservation[];
  alerts: PublicAlert[];
}

/**
 * What a chart draws: the observations in the range (or the newest `points` of them, oldest first)
 * and the series' alerts whose period falls inside what is drawn.
 */
export async function chartData(ctx: QueryContext, seriesId: string, p: { from?: string; to?: string; since?: string; points: number }): Promise<ChartData> {
  const series = await requireSeries(ctx, seriesId);
  return chartDataFor(ctx, series, p);
}

export async function chartDataFor(ctx: QueryContext, series: SeriesInfo, p: { from?: string; to?: string; since?: string; points: number }): Promise<ChartData> {
  const range = periodRange(series, p, ctx.clock());
  // Newest first with a limit, then reversed: the newest `points` of the range, in one Query.
  const page = await ctx.store.queryObservations(series.seriesId, { ...range, newestFirst: true, limit: p.points });
  const observations = page.items.reverse();
  const first = observations[0]?.period;
  const last = observations.at(-1)?.period;
  const alertPage = await ctx.store.listAlerts({ subject: { type: 'series', id: series.seriesId }, limit: 100 });
  const alerts = alertPage.items
    .filter((a) => {
      const period = alertPeriod(a);
      return period !== undefined && first !== undefined && last !== undefined && period >= first && period <= last;
    })
    .map(publicAlert);
  return { series, observations, alerts };
}

/** The period an alert is about: the figure that raised it, else the period that opened its episode. */
export function alertPeriod(alert: Pick<Alert, 'period' | 'message'>): string | undefined {
  const raised = alert.message?.json?.period;
  return typeof raised === 'string' ? raised : alert.period;
}
