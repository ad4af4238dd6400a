import { SourceError, excerpt } from '../../core/errors';
import { documentText, type FetchedDocument } from '../document';
import { recordsToObservations, type SourceRecord } from './records';
import type { ParseContext, ParseResult } from './types';

/** Follows a dotted path ("data.timeseries") into a parsed JSON document. */
export function atPath(document: unknown, path: string): unknown {
  if (path === '') return document;
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function parseJson(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source } = context;
  if (source.parser.type !== 'json') throw new Error(`parseJson called for a ${source.parser.type} source`);
  const options = source.parser;
  const text = documentText(document, source.charset);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SourceError(`document is not valid JSON: ${(error as Error).message}`, {
      sourceId: source.id,
      stage: 'parse',
      url: document.url,
      value: excerpt(text, 60),
    });
  }
  const list = atPath(parsed, options.records);
  if (!Array.isArray(list)) {
    throw new SourceError(`expected an array of records at this path, found ${list === undefined ? 'nothing' : typeof list}`, {
      sourceId: source.id,
      stage: 'parse',
      url: document.url,
      field: options.records || '(document)',
    });
  }
  const records: SourceRecord[] = list.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new SourceError('record is not an object', {
        sourceId: source.id,
        stage: 'parse',
        url: document.url,
        field: `${options.records || ''}[${index}]`,
        value: excerpt(item),
      });
    }
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) fields[k] = v;
    return { fields, location: `record ${index}` };
  });
  const { observations } = recordsToObservations(records, context, document.url, { ...options, mode: 'strict' });
  return { rows: records.length, observations, announcements: [] };
}
