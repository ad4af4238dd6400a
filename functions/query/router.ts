import { ATOM_CONTENT_TYPE, renderAtomFeed } from './atom';
import { renderChart } from './chart';
import { alertColumns, announcementColumns, observationColumns, seriesColumns, snapshotColumns, type Column } from './columns';
import { toCsv } from './csv';
import { renderDashboard } from './dashboard';
import { asQueryError, badRequest } from './errors';
import { idSchema, parseParams, type Format } from './params';
import {
  chartData,
  chartDataFor,
  listAlerts,
  listAnnouncements,
  listSeries,
  seriesObservations,
  sourceSnapshots,
  type Listing,
  type QueryContext,
} from './queries';

/** The least an HTTP request needs to be routed: the same shape from API Gateway, node:http and tests. */
export interface QueryRequest {
  method: string;
  /** The path without query string, e.g. `/series/fi.daily/observations`. */
  path: string;
  query: Record<string, string | undefined>;
  /** Scheme and host the client used, e.g. `https://abc.execute-api.eu-north-1.amazonaws.com`; for absolute links. */
  baseUrl: string;
}

export interface QueryResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RouterDeps extends QueryContext {
  log?: (entry: Record<string, unknown>) => void;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
// Pages and charts carry no script: forbid it, so even an escaping bug could not run one.
const NO_SCRIPT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Figures arrive at most every few minutes; a minute of caching is safe and spares the table. */
const CACHE = 'public, max-age=60';

function respond(status: number, contentType: string, body: string, extra: Record<string, string> = {}): QueryResponse {
  return { status, headers: { 'content-type': contentType, 'cache-control': status === 200 ? CACHE : 'no-store', ...COMMON_HEADERS, ...extra }, body };
}

function errorResponse(status: number, message: string): QueryResponse {
  return respond(status, JSON_TYPE, `${JSON.stringify({ error: { status, message } })}\n`);
}

function urlWith(request: QueryRequest, changes: Record<string, string | undefined>, path = request.path): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...request.query, ...changes })) if (v !== undefined) params.set(k, v);
  const query = params.toString();
  return `${request.baseUrl}${path}${query ? `?${query}` : ''}`;
}

function listResponse<T>(request: QueryRequest, format: Format, columns: readonly Column<T>[], page: Listing<T>, extra: Record<string, unknown> = {}, filename = 'borderwatch'): QueryResponse {
  const next = page.cursor ? urlWith(request, { cursor: page.cursor }) : undefined;
  if (format === 'csv') {
    const headers: Record<string, string> = { 'content-disposition': `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"` };
    if (page.cursor && next) Object.assign(headers, { 'x-next-cursor': page.cursor, link: `<${next}>; rel="next"` });
    return respond(200, 'text/csv; charset=utf-8; header=present', toCsv(columns, page.items), headers);
  }
  return respond(200, JSON_TYPE, `${JSON.stringify({ ...extra, items: page.items, ...(page.cursor ? { cursor: page.cursor, next } : {}) })}\n`);
}

/** A path segment, decoded and checked as an id. */
function idSegment(raw: string, what: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw badRequest(`${what} id in the path is not valid percent-encoding`);
  }
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) throw badRequest(`${what} id ${JSON.stringify(id.slice(0, 80))} ${parsed.error.issues[0]!.message}`);
  return id;
}

type Handler = (request: QueryRequest, segments: string[], deps: RouterDeps) => Promise<QueryResponse>;

const routes: Array<{ pattern: RegExp; handler: Handler }> = [
  {
    pattern: /^\/$/,
    handler: async (request, _s, deps) => {
      const p = parseParams('dashboard', request.query);
      const seriesPage = await listSeries(deps, { limit: 20, cursor: p.cursor, format: 'json' });
      const charts = [];
      for (const series of seriesPage.items) charts.push(await chartDataFor(deps, series, p));
      const nextUrl = seriesPage.cursor ? urlWith(request, { cursor: seriesPage.cursor }) : undefined;
      return respond(200, 'text/html; charset=utf-8', renderDashboard({ charts, generatedAt: deps.clock(), ...(nextUrl ? { nextUrl } : {}) }), { 'content-security-policy': NO_SCRIPT_CSP });
    },
  },
  {
    pattern: /^\/series$/,
    handler: async (request, _s, deps) => {
      const p = parseParams('seriesList', request.query);
      return listResponse(request, p.format, seriesColumns, await listSeries(deps, p), {}, 'series');
    },
  },
  {
    pattern: /^\/series\/([^/]+)\/observations$/,
    handler: async (request, [raw], deps) => {
      const seriesId = idSegment(raw!, 'series');
      const p = parseParams('observations', request.query);
      const { series, range, ...page } = await seriesObservations(deps, seriesId, p);
      return listResponse(request, p.format, observationColumns, page, { series, range }, seriesId);
    },
  },
  {
    pattern: /^\/series\/([^/]+)\/chart\.svg$/,
    handler: async (request, [raw], deps) => {
      const seriesId = idSegment(raw!, 'series');
      const p = parseParams('chart', request.query);
      return respond(200, 'image/svg+xml; charset=utf-8', renderChart(await chartData(deps, seriesId, p)), { 'content-security-policy': NO_SCRIPT_CSP });
    },
  },
  {
    pattern: /^\/sources\/([^/]+)\/snapshots$/,
    handler: async (request, [raw], deps) => {
      const sourceId = idSegment(raw!, 'source');
      const p = parseParams('snapshots', request.query);
      return listResponse(request, p.format, snapshotColumns, await sourceSnapshots(deps, sourceId, p), {}, `${sourceId}-snapshots`);
    },
  },
  {
    pattern: /^\/announcements$/,
    handler: async (request, _s, deps) => {
      const p = parseParams('announcements', request.query);
      return listResponse(request, p.format, announcementColumns, await listAnnouncements(deps, p), {}, 'announcements');
    },
  },
  {
    pattern: /^\/alerts(\.atom)?$/,
    handler: async (request, [atomSuffix], deps) => {
      const p = parseParams('alerts', request.query);
      const format = atomSuffix ? 'atom' : p.format;
      const page = await listAlerts(deps, p);
      if (format !== 'atom') return listResponse(request, format, alertColumns, page, {}, 'alerts');
      const feedPath = '/alerts.atom';
      const { cursor: _c, format: _f, ...filterQuery } = request.query;
      const feed = renderAtomFeed({
        alerts: page.items,
        selfUrl: urlWith({ ...request, query: { ...filterQuery, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) } }, {}, feedPath),
        alternateUrl: `${request.baseUrl}/`,
        ...(page.cursor ? { nextUrl: urlWith({ ...request, query: filterQuery }, { cursor: page.cursor }, feedPath) } : {}),
        filter: { kind: p.kind, severity: p.severity, series: p.series, source: p.source, since: p.since },
        now: deps.clock(),
      });
      return respond(200, ATOM_CONTENT_TYPE, feed);
    },
  },
];

/**
 * The query API as a pure function of a minimal request: the Lambda handler, `borderwatch serve`
 * and the tests all call it. Read-only: GET (and HEAD) only. Bad input is a 400 and an unknown series
 * or source a 404, each with a message naming what was wrong; anything else is a logged 500 that
 * reveals nothing.
 */
export function makeRouter(deps: RouterDeps) {
  return async (request: QueryRequest): Promise<QueryResponse> => {
    const method = request.method.toUpperCase();
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    const route = routes.find((r) => r.pattern.test(path));
    if (!route) return errorResponse(404, `no such endpoint: ${path.slice(0, 200)}; see docs/querying.md`);
    if (method !== 'GET' && method !== 'HEAD') {
      return { ...errorResponse(405, `method ${method} not allowed: the query API is read-only`), headers: { ...errorResponse(405, '').headers, allow: 'GET, HEAD' } };
    }
    try {
      const segments = route.pattern.exec(path)!.slice(1) as string[];
      const response = await route.handler({ ...request, path }, segments, deps);
      return method === 'HEAD' ? { ...response, body: '' } : response;
    } catch (error) {
      const known = asQueryError(error);
      if (known) return errorResponse(known.status, known.message);
      deps.log?.({ level: 'error', event: 'query-failed', path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return errorResponse(500, 'internal error while reading the table; it has been logged');
    }
  };
}

