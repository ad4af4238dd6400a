import { Readable } from 'node:stream';
import { brotliCompressSync, createGzip, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../functions/core/errors';
import { closeFetcher, fetchAll, fetchDocument, fetchOptionsFor, type FetchOptions, type FetchOutcome } from '../../functions/sources/fetcher';
import type { Resolver } from '../../functions/sources/network';
import { parserFor } from '../../functions/sources/parsers';
import { HostLimiter } from '../../functions/sources/politeness';
import { fixture, sourceOf } from './support/documents';
import { startServer, type TestServer } from './support/server';

let server: TestServer;
const made: FetchOptions[] = [];
let sleeps: number[] = [];

/**
 * Options for tests: instant recorded sleeps, fixed jitter, loopback allowed unless said otherwise.
 * Timeouts are generous (a busy two-core machine can take a while to answer); the timeout tests
 * set small ones themselves.
 */
function options(overrides: Partial<FetchOptions> = {}, settings = { contact: 'https://example.org/contact', allowPrivateNetwork: true }): FetchOptions {
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const built = fetchOptionsFor(settings, {
    connectTimeoutMs: 5_000,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
    maxAttempts: 3,
    backoffBaseMs: 100,
    sleep,
    random: () => 0.5,
    hostLimiter: new HostLimiter({ maxPerHost: 4, minSpacingMs: 0, sleep }),
    ...overrides,
  });
  made.push(built);
  return built;
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

function document(outcome: FetchOutcome) {
  if (outcome.notModified) throw new Error('expected a document');
  return outcome;
}

const rss = fixture('raja-fi/rss-en.xml');

beforeAll(async () => {
  server = await startServer();
  server.route('/feed', (req, res) => {
    if (req.headers['if-none-match'] === '"v1"' || req.headers['if-modified-since'] === 'Sun, 25 Sep 2022 06:30:00 GMT') {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Sun, 25 Sep 2022 06:30:00 GMT' });
    res.end(rss);
  });
  server.route('/ua', (req, res) => res.end(req.headers['user-agent']));
  server.route('/gzip', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(gzipSync(rss)));
  server.route('/br', (_req, res) => res.writeHead(200, { 'content-encoding': 'br', 'content-type': 'application/rss+xml' }).end(brotliCompressSync(rss)));
  server.route('/slow-headers', (_req, res) => {
    const timer = setTimeout(() => res.end('late'), 5_000);
    res.on('close', () => clearTimeout(timer));
  });
  server.route('/slow-body', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('the first half…');
    const timer = setTimeout(() => res.end('and the rest'), 5_000);
    res.on('close', () => clearTimeout(timer));
  });
  server.route('/429-then-200', (_req, res, hit) => (hit === 1 ? res.writeHead(429, { 'retry-after': '2' }).end() : res.end('ok')));
  server.route('/429-long', (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
  server.route('/503-then-200', (_req, res, hit) => (hit === 1 ? res.writeHead(503).end() : res.end('ok')));
  server.route('/503-always', (_req, res) => res.writeHead(503).end());
  server.route('/gone', (_req, res) => res.writeHead(410).end());
  server.route('/loop-a', (_req, res) => res.writeHead(302, { location: '/loop-b' }).end());
  server.route('/loop-b', (_req, res) => res.writeHead(302, { location: '/loop-a' }).end());
  for (let i = 1; i <= 8; i++) server.route(`/chain/${i}`, (_req, res) => res.writeHead(301, { location: i === 1 ? '/feed' : `/chain/${i - 1}` }).end());
  server.route('/to-metadata', (_req, res) => res.writeHead(302, { location: 'http://metadata.test/latest/meta-data/' }).end());
  server.route('/to-loopback-literal', (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${server.port}/feed` }).end());
  server.route('/truncated', (_req, res) => {
    res.writeHead(200, { 'content-length': '1000', 'content-type': 'text/plain' });
    res.write('x'.repeat(100));
    setTimeout(() => res.destroy(), 20);
  });
  const fiftyMegabytes = () =>
    Readable.from(
      (function* () {
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        for (let sent = 0; sent < 50 * 1024 * 1024; sent += chunk.length) yield chunk;
      })(),
    );
  server.route('/huge-chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    fiftyMegabytes().pipe(res);
  });
  server.route('/huge-declared', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 * 1024 * 1024) });
    fiftyMegabytes().pipe(res);
  });
  server.route('/huge-gzip', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
    fiftyMegabytes().pipe(createGzip()).pipe(res);
  });
  server.route('/cp1251-mislabelled', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('charset/vchera-windows-1251.html')));
  server.route('/slow', async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    res.end('ok');
  });
});

afterAll(async () => server.close());

afterEach(async () => {
  await Promise.all(made.splice(0).map(closeFetcher));
  sleeps = [];
});

describe('fetching a document', () => {
  it('returns the body, headers, final URL and fetch time', async () => {
    const outcome = document(await fetchDocument('raja-en', `${server.origin}/feed`, {}, options({ clock: () => new Date('2022-09-25T07:00:00Z') })));
    expect(outcome).toMatchObject({ status: 200, finalUrl: `${server.origin}/feed`, fetchedAt: '2022-09-25T07:00:00.000Z' });
    expect(Buffer.from(outcome.body).equals(Buffer.from(rss))).toBe(true);
    expect(outcome.headers.etag).toBe('"v1"');
  });

  it('identifies itself with a User-Agent carrying the contact URL from the sources file', async () => {
    const outcome = document(await fetchDocument('ua', `${server.origin}/ua`, {}, options()));
    expect(new TextDecoder().decode(outcome.body)).toBe('borderwatch/0.1 (+https://example.org/contact)');
  });

  it('sends If-None-Match and reports 304 as not modified', async () => {
    const outcome = await fetchDocument('raja-en', `${server.origin}/feed`, { etag: '"v1"' }, options());
    expect(outcome.notModified).toBe(true);
    expect(server.lastHeaders.get('/feed')?.['if-none-match']).toBe('"v1"');
  });

  it('sends If-Modified-Since from the stored Last-Modified', async () => {
    const outcome = await fetchDocument('raja-en', `${server.origin}/feed`, { lastModified: 'Sun, 25 Sep 2022 06:30:00 GMT' }, options());
    expect(outcome.notModified).toBe(true);
  });

  it.each(['/gzip', '/br'])('decompresses %s bodies', async (path) => {
    const outcome = document(await fetchDocument('raja-en', `${server.origin}${path}`, {}, options()));
    expect(Buffer.from(outcome.body).equals(Buffer.from(rss))).toBe(true);
  });

  it('hands a mislabelled windows-1251 page to the parser, which still reads the Russian text', async () => {
    const source = sourceOf({
      timeZone: 'Europe/Helsinki',
      parser: { type: 'prose', content: '.news', published: '.date', figures: [{ series: 'ru-entries', pattern: '{when} в Финляндию .{0,40}? въехали {value}' }] },
      series: [{ id: 'ru-entries', unit: 'persons', granularity: 'day' }],
    });
    const outcome = document(await fetchDocument(source.id, `${server.origin}/cp1251-mislabelled`, {}, options()));
    const result = parserFor(source)(outcome, { source, snapshotId: 's' });
    expect(result.observations.map((o) => o.value)).toEqual([8314]);
  });
});

describe('timeouts and broken bodies', () => {
  it('gives up on a server that never sends headers, as a retryable error', async () => {
    const error = await failure(fetchDocument('slow', `${server.origin}/slow-headers`, {}, options({ maxAttempts: 1, headersTimeoutMs: 300 })));
    expect(error).toMatchObject({ retryable: true, sourceId: 'slow' });
    expect(error.message).toMatch(/timeout/i);
  });

  it('gives up on a body that stalls, as a retryable error', async () => {
    const error = await failure(fetchDocument('slow', `${server.origin}/slow-body`, {}, options({ maxAttempts: 1, bodyTimeoutMs: 300 })));
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toContain('body could not be read');
  });

  it('reports a truncated body instead of returning half a document', async () => {
    const error = await failure(fetchDocument('cut', `${server.origin}/truncated`, {}, options({ maxAttempts: 1 })));
    expect(error.message).toContain('body could not be read');
  });
});

describe('the 10 MB body cap', () => {
  it('refuses a 50 MB body announced by Content-Length without reading it', async () => {
    const error = await failure(fetchDocument('big', `${server.origin}/huge-declared`, {}, options()));
    expect(error).toMatchObject({ field: 'content-length', value: String(50 * 1024 * 1024), retryable: false });
  });

  it('stops reading a 50 MB chunked body as soon as it passes the cap', async () => {
    const error = await failure(fetchDocument('big', `${server.origin}/huge-chunked`, {}, options()));
    expect(error).toMatchObject({ field: 'body', retryable: false });
  });

  it('applies the cap after decompression, so a small gzip bomb is refused', async () => {
    const error = await failure(fetchDocument('bomb', `${server.origin}/huge-gzip`, {}, options()));
    expect(error).toMatchObject({ field: 'body', value: `>${10 * 1024 * 1024} bytes` });
  });
});

describe('retries', () => {
  it('waits as long as Retry-After asks after a 429, then succeeds', async () => {
    const outcome = document(await fetchDocument('busy', `${server.origin}/429-then-200`, {}, options()));
    expect(new TextDecoder().decode(outcome.body)).toBe('ok');
    expect(sleeps).toEqual([2000]);
  });

  it('does not wait for a Retry-After beyond the limit and fails at once', async () => {
    const error = await failure(fetchDocument('busy', `${server.origin}/429-long`, {}, options()));
    expect(error).toMatchObject({ field: 'status', value: '429', retryable: true });
    expect(sleeps).toEqual([]);
  });

  it('retries a 503 with jittered exponential backoff and succeeds', async () => {
    const outcome = document(await fetchDocument('flaky', `${server.origin}/503-then-200`, {}, options()));
    expect(outcome.status).toBe(200);
    expect(sleeps).toEqual([50]);
  });

  it('stops after the attempt limit, backing off longer each time', async () => {
    const before = server.hits.get('/503-always') ?? 0;
    await failure(fetchDocument('down', `${server.origin}/503-always`, {}, options()));
    expect((server.hits.get('/503-always') ?? 0) - before).toBe(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('does not retry other 4xx answers', async () => {
    const error = await failure(fetchDocument('gone', `${server.origin}/gone`, {}, options()));
    expect(error).toMatchObject({ value: '410', retryable: false });
    expect(server.hits.get('/gone')).toBe(1);
  });

  it('retries a refused connection and then reports it as retryable', async () => {
    const closed = await startServer();
    const url = `${closed.origin}/feed`;
    await closed.close();
    const error = await failure(fetchDocument('offline', url, {}, options({ respectRobots: false })));
    expect(error.retryable).toBe(true);
    expect(sleeps).toHaveLength(2);
  });
});

describe('redirects', () => {
  it('follows redirects and reports the final URL', async () => {
    const outcome = document(await fetchDocument('moved', `${server.origin}/chain/3`, {}, options()));
    expect(outcome.finalUrl).toBe(`${server.origin}/feed`);
    expect(outcome.url).toBe(`${server.origin}/chain/3`);
  });

  it('stops at the redirect limit', async () => {
    const error = await failure(fetchDocument('moved', `${server.origin}/chain/8`, {}, options({ maxRedirects: 5 })));
    expect(error.message).toContain('more than 5 redirects');
  });

  it('recognises a redirect loop', async () => {
    const error = await failure(fetchDocument('loop', `${server.origin}/loop-a`, {}, options()));
    expect(error).toMatchObject({ field: 'location', value: `${server.origin}/loop-a` });
    expect(error.message).toContain('redirect loop');
  });
});

describe('refusing non-public addresses', () => {
  /** DNS as the tests want it: names of the test world resolve to chosen addresses. */
  const resolve: Resolver = async (hostname) => {
    const table: Record<string, string> = { 'stats.test': '127.0.0.1', 'metadata.test': '169.254.169.254', 'intranet.test': '10.0.0.5' };
    const address = table[hostname];
    if (!address) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
  /** Loopback allowed for the test server's own address only; every other private address refused. */
  const guarded = () => options({ resolve, allowedAddresses: ['127.0.0.1'] }, { contact: 'https://example.org/contact', allowPrivateNetwork: false });

  it('refuses a loopback URL when private networks are not allowed', async () => {
    const error = await failure(fetchDocument('local', `${server.origin}/feed`, {}, options({}, { contact: 'https://example.org/c', allowPrivateNetwork: false })));
    expect(error).toMatchObject({ field: 'address', value: '127.0.0.1', retryable: false });
  });

  it('connects through the guarded lookup to the address it checked', async () => {
    const outcome = document(await fetchDocument('named', `http://stats.test:${server.port}/feed`, {}, guarded()));
    expect(outcome.status).toBe(200);
  });

  it('refuses a name that resolves to a private address, after DNS', async () => {
    const error = await failure(fetchDocument('intranet', `http://intranet.test:${server.port}/feed`, {}, guarded()));
    expect(error).toMatchObject({ field: 'address', value: '10.0.0.5', retryable: false });
  });

  it('refuses a redirect to the cloud metadata service', async () => {
    const error = await failure(fetchDocument('redirected', `http://stats.test:${server.port}/to-metadata`, {}, guarded()));
    expect(error).toMatchObject({ field: 'address', value: '169.254.169.254' });
    expect(error.message).toContain('metadata.test (169.254.169.254)');
  });

  it('refuses a redirect to another loopback address given as an IP literal', async () => {
    const error = await failure(fetchDocument('redirected', `http://stats.test:${server.port}/to-loopback-literal`, {}, guarded()));
    expect(error).toMatchObject({ field: 'address', value: '127.0.0.2' });
  });

  it('refuses a URL that is not http or https', async () => {
    const error = await failure(fetchDocument('file', 'file:///etc/passwd', {}, options()));
    expect(error).toMatchObject({ field: 'url', retryable: false });
  });
});

describe('robots.txt', () => {
  let polite: TestServer;
  beforeAll(async () => {
    polite = await startServer();
    polite.route('/robots.txt', (_req, res) => res.end('User-agent: *\nDisallow: /private\n\nUser-agent: borderwatch\nDisallow: /not-for-watchers\n'));
    polite.route('/not-for-watchers/data.json', (_req, res) => res.end('[]'));
    polite.route('/data.json', (_req, res) => res.end('[]'));
    polite.route('/private/data.json', (_req, res) => res.end('[]'));
  });
  afterAll(async () => polite.close());

  it('does not fetch a path our group disallows, and says so', async () => {
    const error = await failure(fetchDocument('watched', `${polite.origin}/not-for-watchers/data.json`, {}, options()));
    expect(error).toMatchObject({ field: 'robots.txt', value: '/not-for-watchers/data.json', retryable: false });
    expect(polite.hits.get('/not-for-watchers/data.json')).toBeUndefined();
  });

  it('reads robots.txt once per origin for many fetches', async () => {
    const shared = options();
    const before = polite.hits.get('/robots.txt') ?? 0;
    for (let i = 0; i < 3; i++) await fetchDocument('watched', `${polite.origin}/data.json`, {}, shared);
    expect((polite.hits.get('/robots.txt') ?? 0) - before).toBe(1);
  });

  it('treats a missing robots.txt as no rules', async () => {
    const outcome = document(await fetchDocument('feed', `${server.origin}/feed`, {}, options()));
    expect(outcome.status).toBe(200);
  });

  it('does not fetch while robots.txt answers 5xx, and retries later', async () => {
    const unavailable = await startServer();
    unavailable.route('/robots.txt', (_req, res) => res.writeHead(503).end());
    unavailable.route('/data.json', (_req, res) => res.end('[]'));
    try {
      const error = await failure(fetchDocument('watched', `${unavailable.origin}/data.json`, {}, options({ maxAttempts: 1 })));
      expect(error).toMatchObject({ field: 'robots.txt', retryable: true });
      expect(unavailable.hits.get('/data.json')).toBeUndefined();
    } finally {
      await unavailable.close();
    }
  });
});

describe('fetching many sources', () => {
  it('returns each source’s outcome in order; a failing source does not stop the others', async () => {
    const results = await fetchAll(
      [
        { id: 'a', url: `${server.origin}/feed` },
        { id: 'b', url: `${server.origin}/gone` },
        { id: 'c', url: `${server.origin}/ua` },
      ],
      options(),
      { concurrency: 2 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { sourceId: 'b', value: '410' } });
  });

  it('keeps to the per-host limit however high the overall concurrency', async () => {
    const host = await startServer();
    host.route('/slow', async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.end('ok');
    });
    try {
      const requests = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, url: `${host.origin}/slow?i=${i}` }));
      const results = await fetchAll(requests, options({ hostLimiter: new HostLimiter({ maxPerHost: 2, minSpacingMs: 0 }) }), { concurrency: 12 });
      expect(results.every((r) => r.ok)).toBe(true);
      expect(host.peakInFlight()).toBe(2);
    } finally {
      await host.close();
    }
  });
});
