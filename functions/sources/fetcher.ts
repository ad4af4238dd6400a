import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { SourceError } from '../core/errors';
import type { FetchedDocument } from './document';
import { Agent, request } from './undici-lite';
import { AddressRefusedError, guardedLookup, literalRefusal, type AddressPolicy, type Resolver } from './network';
import {
  ALLOW_ALL,
  HostLimiter,
  RobotsCache,
  parseRobots,
  realSleep,
  robotsAllows,
  runBounded,
  type RobotsFetchResult,
  type Settled,
} from './politeness';

export interface FetchOptions {
  /** Polite identification with a contact URL, e.g. "borderwatch/0.1 (+https://example.org/contact)". */
  userAgent: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Bodies larger than this (after decompression) are refused while streaming. */
  maxBodyBytes: number;
  maxRedirects: number;
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** First backoff; doubles each retry, with full jitter. */
  backoffBaseMs: number;
  /** Retry-After values above this are not waited for: the run fails and the next run tries again. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Stamps `fetchedAt`. */
  clock?: () => Date;
  /**
   * Lets requests reach loopback, private and link-local addresses. Off unless the sources file says
   * `"allowPrivateNetwork": true` (the demo and tests); see network.ts for the ranges.
   */
  allowPrivateNetwork?: boolean;
  /** Single non-public addresses allowed while the rest stay refused (e.g. a local mirror). */
  allowedAddresses?: readonly string[];
  /** DNS resolution (injectable for tests and benchmarks); the address policy checks what it returns. */
  resolve?: Resolver;
  /** Per-host concurrency and spacing; by default one limiter per options object (2 at once, 1 s apart). */
  hostLimiter?: HostLimiter;
  /** robots.txt is respected unless this is false (tests of other behaviour only). */
  respectRobots?: boolean;
  /** Shared robots.txt cache; by default one per options object. */
  robotsCache?: RobotsCache;
  /** A dispatcher of your own (e.g. undici MockAgent). The address policy then is yours to enforce. */
  dispatcher?: Dispatcher;
}

export const DEFAULT_CONTACT_URL = 'https://github.com/borderwatch/borderwatch';

/** "borderwatch/0.1 (+<contact>)": who we are and where a site operator can reach us. */
export function userAgentFor(contact: string = DEFAULT_CONTACT_URL): string {
  return `borderwatch/0.1 (+${contact})`;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  userAgent: userAgentFor(),
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 30_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  maxAttempts: 3,
  backoffBaseMs: 500,
  maxRetryAfterMs: 30_000,
  sleep: realSleep,
  random: Math.random,
  allowPrivateNetwork: false,
  respectRobots: true,
};

/** Fetch options from the sources file's settings (contact URL, private-network permission) plus overrides. */
export function fetchOptionsFor(
  settings: { contact?: string; allowPrivateNetwork?: boolean },
  overrides: Partial<FetchOptions> = {},
): FetchOptions {
  return {
    ...DEFAULT_FETCH_OPTIONS,
    userAgent: userAgentFor(settings.contact),
    allowPrivateNetwork: settings.allowPrivateNetwork ?? false,
    ...overrides,
  };
}

export interface ConditionalHeaders {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { notModified: true; status: 304; url: string; finalUrl: string; headers: Record<string, string> }
  | ({ notModified: false } & FetchedDocument);

interface Machinery {
  dispatcher: Dispatcher;
  limiter: HostLimiter;
  robots: RobotsCache;
  policy: AddressPolicy;
}

const machinery = new WeakMap<FetchOptions, Machinery>();

/** The agent, limiter and robots cache of an options object, made once and shared by every fetch with it. */
function machineryFor(options: FetchOptions): Machinery {
  let made = machinery.get(options);
  if (!made) {
    const policy: AddressPolicy = {
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
      ...(options.allowedAddresses ? { allowedAddresses: options.allowedAddresses } : {}),
    };
    const dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup(policy, options.resolve) },
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      });
    const limiter = options.hostLimiter ?? new HostLimiter({ maxPerHost: 2, minSpacingMs: 1000, sleep: options.sleep });
    const partial = { dispatcher, limiter, policy } as Machinery;
    partial.robots = options.robotsCache ?? new RobotsCache((origin) => loadRobots(origin, options, partial));
    made = partial;
    machinery.set(options, made);
  }
  return made;
}

/** Closes the connections of an options object's agent (tests, the benchmark, the end of a local run). */
export async function closeFetcher(options: FetchOptions): Promise<void> {
  const made = machinery.get(options);
  machinery.delete(options);
  if (made && !options.dispatcher) await made.dispatcher.close();
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function decoderFor(encoding: string | undefined): Transform | undefined | null {
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    case 'deflate':
      return createInflate();
    default:
      return null;
  }
}

/** Reads a body up to `limit` bytes (after decompression), destroying the stream as soon as it is exceeded. */
async function readCapped(body: Readable, encoding: string | undefined, limit: number, sourceId: string, url: string): Promise<Uint8Array> {
  const decoder = decoderFor(encoding);
  if (decoder === null) {
    body.destroy();
    throw new SourceError('unsupported content encoding', { sourceId, stage: 'fetch', url, field: 'content-encoding', value: encoding });
  }
  const stream: Readable = decoder ? body.pipe(decoder) : body;
  if (decoder) body.on('error', (error) => decoder.destroy(error));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        throw new SourceError(`body exceeds the ${limit}-byte limit`, { sourceId, stage: 'fetch', url, field: 'body', value: `>${limit} bytes` });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    body.destroy();
    decoder?.destroy();
    if (error instanceof SourceError) throw error;
    throw new SourceError(`body could not be read: ${(error as Error).message}`, { sourceId, stage: 'fetch', url, retryable: true, cause: error });
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** How long a 429/503 asks us to wait: Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** The address refusal inside an error, however deep undici wrapped it. */
function refusalIn(error: unknown): AddressRefusedError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof AddressRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A fetch error carrying the server's Retry-After. */
class HttpStatusError extends SourceError {
  retryAfter?: string;
}

type HopResult =
  | { kind: 'redirect'; location: string; status: number }
  | { kind: 'not-modified'; headers: Record<string, string> }
  | { kind: 'document'; status: number; headers: Record<string, string>; body: Uint8Array };

interface HopRequest {
  sourceId: string;
  url: URL;
  headers: Record<string, string>;
  maxBodyBytes: number;
}

/** Checks that need no network: the scheme, and an IP-literal host against the address policy. */
function preflight(sourceId: string, url: URL, options: FetchOptions, made: Machinery): void {
  const where = { sourceId, stage: 'fetch', url: url.toString() };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SourceError('only http and https URLs are fetched', { ...where, field: 'url', value: url.toString() });
  }
  if (!options.dispatcher) {
    const refused = literalRefusal(url, made.policy);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (refused) throw new SourceError(`refused to connect to ${host}: ${refused}`, { ...where, field: 'address', value: host });
  }
}

/** One request to one URL: address policy, a slot on the host, the response read and capped. */
async function hop(req: HopRequest, options: FetchOptions, made: Machinery): Promise<HopResult> {
  const { sourceId, url } = req;
  const where = { sourceId, stage: 'fetch', url: url.toString() };
  preflight(sourceId, url, options, made);
  return made.limiter.run(url.host, async () => {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method: 'GET', headers: req.headers, dispatcher: made.dispatcher });
    } catch (error) {
      const refusal = refusalIn(error);
      if (refusal) throw new SourceError(refusal.message, { ...where, field: 'address', value: refusal.address, cause: error });
      throw new SourceError(`request failed: ${(error as Error).message}`, { ...where, retryable: true, cause: error });
    }
    const headers = flatHeaders(response.headers);
    const status = response.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      await response.body.dump();
      const location = headers['location'];
      if (!location) throw new SourceError(`redirect ${status} without a Location header`, { ...where, field: 'location' });
      return { kind: 'redirect', location, status };
    }
    if (status === 304) {
      await response.body.dump();
      return { kind: 'not-modified', headers };
    }
    if (status < 200 || status >= 300) {
      await response.body.dump().catch(() => undefined);
      const error = new HttpStatusError(`HTTP ${status}`, { ...where, field: 'status', value: String(status), retryable: isRetryableStatus(status) });
      error.retryAfter = headers['retry-after'];
      throw error;
    }
    const declared = Number(headers['content-length']);
    if (!headers['content-encoding'] && Number.isFinite(declared) && declared > req.maxBodyBytes) {
      response.body.destroy();
      throw new SourceError(`body of ${declared} bytes exceeds the ${req.maxBodyBytes}-byte limit`, { ...where, field: 'content-length', value: String(declared) });
    }
    const body = await readCapped(response.body, headers['content-encoding'], req.maxBodyBytes, sourceId, url.toString());
    return { kind: 'document', status, headers, body };
  });
}

const ROBOTS_MAX_BYTES = 512 * 1024;
const ROBOTS_TTL_MS = 24 * 3_600_000;

/**
 * Loads an origin's robots.txt (RFC 9309): 2xx is parsed; 4xx means no rules; 5xx or an unreachable
 * server means "do not crawl", which here is a retryable error (nothing is fetched, the run says why).
 */
async function loadRobots(origin: string, options: FetchOptions, made: Machinery): Promise<RobotsFetchResult> {
  let url = new URL('/robots.txt', origin);
  const headers = { 'user-agent': options.userAgent, accept: 'text/plain, */*', 'accept-encoding': 'gzip, br' };
  for (let redirects = 0; redirects <= 5; redirects++) {
    let result: HopResult;
    try {
      result = await hop({ sourceId: 'robots.txt', url, headers, maxBodyBytes: ROBOTS_MAX_BYTES }, options, made);
    } catch (error) {
      const status = error instanceof SourceError && error.field === 'status' ? Number(error.value) : undefined;
      if (status !== undefined && status >= 400 && status < 500) return { rules: ALLOW_ALL, ttlMs: ROBOTS_TTL_MS };
      throw error;
    }
    if (result.kind === 'redirect') {
      url = new URL(result.location, url);
      continue;
    }
    if (result.kind === 'not-modified') return { rules: ALLOW_ALL, ttlMs: ROBOTS_TTL_MS };
    const text = new TextDecoder('utf-8').decode(result.body);
    const productToken = options.userAgent.split('/')[0] ?? 'borderwatch';
    return { rules: parseRobots(text, productToken), ttlMs: ROBOTS_TTL_MS };
  }
  return { rules: ALLOW_ALL, ttlMs: ROBOTS_TTL_MS };
}

async function checkRobots(sourceId: string, url: URL, options: FetchOptions, made: Machinery): Promise<void> {
  if (options.respectRobots === false) return;
  let rules;
  try {
    rules = await made.robots.rulesFor(url.origin);
  } catch (error) {
    if (error instanceof SourceError && error.field === 'address') {
      // The host itself is refused (found while asking for its robots.txt): that is the source's error.
      throw new SourceError(error.message.replace(/^[^:]*: /, ''), { sourceId, stage: 'fetch', url: url.toString(), field: 'address', value: error.value, cause: error });
    }
    const detail = error instanceof Error ? error.message.replace(/^source "robots\.txt": /, '') : String(error);
    throw new SourceError(`robots.txt of ${url.origin} could not be read (${detail}); not fetching until it can`, {
      sourceId,
      stage: 'fetch',
      url: url.toString(),
      field: 'robots.txt',
      retryable: true,
      cause: error,
    });
  }
  if (rules.crawlDelayMs !== undefined) made.limiter.setSpacing(url.host, Math.min(rules.crawlDelayMs, 60_000));
  if (!robotsAllows(rules, url.pathname + url.search)) {
    throw new SourceError(`robots.txt of ${url.origin} disallows this path`, {
      sourceId,
      stage: 'fetch',
      url: url.toString(),
      field: 'robots.txt',
      value: url.pathname + url.search,
    });
  }
}

async function fetchOnce(sourceId: string, url: string, conditional: ConditionalHeaders, options: FetchOptions): Promise<FetchOutcome> {
  const made = machineryFor(options);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new SourceError('not a URL', { sourceId, stage: 'fetch', field: 'url', value: url });
  }
  const visited = new Set<string>();
  for (let redirects = 0; ; redirects++) {
    visited.add(current.toString());
    preflight(sourceId, current, options, made);
    await checkRobots(sourceId, current, options, made);
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      'accept-encoding': 'gzip, br',
      accept: '*/*',
    };
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
    const result = await hop({ sourceId, url: current, headers, maxBodyBytes: options.maxBodyBytes }, options, made);
    if (result.kind === 'redirect') {
      const next = new URL(result.location, current);
      if (visited.has(next.toString())) {
        throw new SourceError('redirect loop', { sourceId, stage: 'fetch', url, field: 'location', value: next.toString() });
      }
      if (redirects >= options.maxRedirects) {
        throw new SourceError(`more than ${options.maxRedirects} redirects`, { sourceId, stage: 'fetch', url, field: 'location', value: next.toString() });
      }
      current = next;
      continue;
    }
    const finalUrl = current.toString();
    if (result.kind === 'not-modified') return { notModified: true, status: 304, url, finalUrl, headers: result.headers };
    const fetchedAt = (options.clock?.() ?? new Date()).toISOString();
    return { notModified: false, url, finalUrl, status: result.status, headers: result.headers, body: result.body, fetchedAt };
  }
}

/**
 * Fetches a source document: conditional (ETag/Last-Modified), decompressed, size-capped, polite
 * (User-Agent with contact, robots.txt, per-host limits), refusing non-public addresses after DNS and
 * on every redirect, with bounded retries (exponential backoff with full jitter, honouring
 * Retry-After) on network errors, 408, 429 and 5xx; never on other 4xx.
 */
export async function fetchDocument(
  sourceId: string,
  url: string,
  conditional: ConditionalHeaders,
  options: FetchOptions,
): Promise<FetchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetchOnce(sourceId, url, conditional, options);
    } catch (error) {
      const retryable = error instanceof SourceError && error.retryable;
      if (!retryable || attempt >= options.maxAttempts) throw error;
      const asked = retryAfterMs(error instanceof HttpStatusError ? error.retryAfter : undefined, (options.clock?.() ?? new Date()).getTime());
      if (asked !== undefined && asked > options.maxRetryAfterMs) throw error;
      const backoff = options.random() * options.backoffBaseMs * 2 ** (attempt - 1);
      await options.sleep(Math.max(asked ?? 0, backoff));
    }
  }
}

export interface FetchRequest {
  id: string;
  url: string;
  conditional?: ConditionalHeaders;
}

/**
 * Fetches many sources with at most `concurrency` in flight (and the per-host limits of `options`);
 * one source's failure is its own result and never stops the others.
 */
export async function fetchAll(
  requests: readonly FetchRequest[],
  options: FetchOptions,
  { concurrency }: { concurrency: number },
): Promise<Array<Settled<FetchOutcome>>> {
  return runBounded(requests, concurrency, (req) => fetchDocument(req.id, req.url, req.conditional ?? {}, options));
}
