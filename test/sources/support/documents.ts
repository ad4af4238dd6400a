import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSourcesFileDocument, type SourceConfig, type SourceConfigInput, sourceSchema } from '../../../functions/sources/config';
import type { FetchedDocument } from '../../../functions/sources/document';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export const fixturePath = (relative: string) => `${root}test/fixtures/${relative}`;
export const fixture = (relative: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(relative)));

/** A fetched document as the fetcher would hand it over. */
export function documentOf(
  body: string | Uint8Array,
  { contentType, url = 'https://example.org/doc', fetchedAt = '2022-09-25T07:00:00.000Z' }: { contentType?: string; url?: string; fetchedAt?: string } = {},
): FetchedDocument {
  return {
    url,
    finalUrl: url,
    status: 200,
    headers: contentType ? { 'content-type': contentType } : {},
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    fetchedAt,
  };
}

/** The proposed default sources, validated exactly as the pipeline will load them. */
export const defaultsFile = parseSourcesFileDocument(JSON.parse(readFileSync(`${root}config/sources.json`, 'utf8')), 'config/sources.json');

export function defaultSource(id: string): SourceConfig {
  const source = defaultsFile.sources.find((candidate) => candidate.id === id);
  if (!source) throw new Error(`no default source ${id}`);
  return source;
}

/** A source from partial input, validated by the real schema (defaults filled in). */
export function sourceOf(input: Partial<SourceConfigInput> & Pick<SourceConfigInput, 'parser'>): SourceConfig {
  return sourceSchema.parse({
    id: 'test-source',
    title: 'Test source',
    country: 'FI',
    kind: 'statistics',
    url: 'https://example.org/doc',
    schedule: 'rate(1 hour)',
    ...input,
  });
}
