import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { SourceError } from '../core/errors';
import type { FetchedDocument } from './document';

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
  dispatcher?: Dispatcher;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = {
  userAgent: 'borderwatch/0.1 (+https://github.com/borderwatch/borderwatch)',
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 30_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  maxAttempts: 3,
  backoffBaseMs: 500,
  maxRetryAfterMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface ConditionalHeaders {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { notModified: true; status: 304; url: string; finalUrl: string; headers: Record<string, string> }
  | ({ notModified: false } & FetchedDocument);

const agents = new WeakMap<FetchOptions, Agent>();

function agentFor(options: FetchOptions): Dispatcher {
  if (options.dispatcher) return options.dispatcher;
  let agent = agents.get(options);
  if (!agent) {
    agent = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
    agents.set(options, agent);
  }
  return agent;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    case 'deflate':
      return createInflate();
    default:
      return undefined;
  }
}

/** Reads a body up to `limit` bytes (after decompression), destroying the stream as soon as it is exceeded. */
async function readCapped(body: Readable, encoding: string | undefined, limit: number, sourceId: string, url: string): Promise<Uint8Array> {
  const decoder = decoderFor(encoding);
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

async function fetchOnce(
  sourceId: string,
  url: string,
  conditional: ConditionalHeaders,
  options: FetchOptions,
): Promise<FetchOutcome> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      'accept-encoding': 'gzip, br, deflate',
      accept: '*/*',
    };
    if (conditional.etag) headers['if-none-match'] = conditional.etag;
    if (conditional.lastModified) headers['if-modified-since'] = conditional.lastModified;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(current, { method: 'GET', headers, dispatcher: agentFor(options) });
    } catch (error) {
      throw new SourceError(`request failed: ${(error as Error).message}`, { sourceId, stage: 'fetch', url: current, retryable: true, cause: error });
    }
    const responseHeaders = flatHeaders(response.headers);
    const status = response.statusCode;
    if (status >= 300 && status < 400 && status !== 304) {
      await response.body.dump();
      const location = responseHeaders['location'];
      if (!location) throw new SourceError(`redirect ${status} without a Location header`, { sourceId, stage: 'fetch', url: current });
      if (hop >= options.maxRedirects) {
        throw new SourceError(`more than ${options.maxRedirects} redirects`, { sourceId, stage: 'fetch', url, field: 'location', value: location });
      }
      current = new URL(location, current).toString();
      continue;
    }
    if (status === 304) {
      await response.body.dump();
      return { notModified: true, status: 304, url, finalUrl: current, headers: responseHeaders };
    }
    if (status < 200 || status >= 300) {
      await response.body.dump().catch(() => undefined);
      const error = new SourceError(`HTTP ${status}`, {
        sourceId,
        stage: 'fetch',
        url: current,
        field: 'status',
        value: String(status),
        retryable: isRetryableStatus(status),
      });
      (error as SourceError & { retryAfter?: string }).retryAfter = responseHeaders['retry-after'];
      throw error;
    }
    const declared = Number(responseHeaders['content-length']);
    if (!responseHeaders['content-encoding'] && Number.isFinite(declared) && declared > options.maxBodyBytes) {
      response.body.destroy();
      throw new SourceError(`body of ${declared} bytes exceeds the ${options.maxBodyBytes}-byte limit`, {
        sourceId,
        stage: 'fetch',
        url: current,
        field: 'content-length',
        value: String(declared),
      });
    }
    const body = await readCapped(response.body, responseHeaders['content-encoding'], options.maxBodyBytes, sourceId, current);
    return { notModified: false, url, finalUrl: current, status, headers: responseHeaders, body, fetchedAt: '' };
  }
}

/**
 * Fetches a source document: conditional (ETag/Last-Modified), decompressed, size-capped, with
 * bounded retries (exponential backoff with full jitter, honouring Retry-After) on network errors,
 * 408, 429 and 5xx; never on other 4xx.
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
      const asked = retryAfterMs((error as SourceError & { retryAfter?: string }).retryAfter, Date.now());
      if (asked !== undefined && asked > options.maxRetryAfterMs) throw error;
      const backoff = options.random() * options.backoffBaseMs * 2 ** (attempt - 1);
      await options.sleep(Math.max(asked ?? 0, backoff));
    }
  }
}
