import { SourceError } from '../../core/errors';
import { documentText, type FetchedDocument } from '../document';
import { recordsToObservations, type SourceRecord } from './records';
import type { ParseContext, ParseResult } from './types';

/**
 * Splits CSV text into rows of fields (RFC 4180: quoted fields may hold delimiters, quotes
 * doubled, and line breaks; CRLF or LF line ends). Blank lines are skipped.
 */
export function splitCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseCsv(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source } = context;
  if (source.parser.type !== 'csv') throw new Error(`parseCsv called for a ${source.parser.type} source`);
  const options = source.parser;
  const text = documentText(document, source.charset);
  let table: string[][];
  try {
    table = splitCsv(text, options.delimiter);
  } catch (error) {
    throw new SourceError(`document is not valid CSV: ${(error as Error).message}`, {
      sourceId: source.id,
      stage: 'parse',
      url: document.url,
    });
  }
  const header = options.columns ?? table.shift()?.map((h) => h.trim());
  if (!header || header.length === 0) {
    throw new SourceError('document is empty: no header line', { sourceId: source.id, stage: 'parse', url: document.url });
  }
  for (const required of new Set([options.date, ...source.series.map((series) => series.value ?? options.value)])) {
    if (!header.includes(required)) {
      throw new SourceError(`column not found; the header has ${JSON.stringify(header.slice(0, 12))}`, {
        sourceId: source.id,
        stage: 'parse',
        url: document.url,
        field: required,
      });
    }
  }
  const records: SourceRecord[] = table.map((cells, index) => {
    const fields: Record<string, string> = {};
    header.forEach((name, i) => {
      fields[name] = (cells[i] ?? '').trim();
    });
    return { fields, location: `line ${index + (options.columns ? 1 : 2)}` };
  });
  const { observations } = recordsToObservations(records, context, document.url, { ...options, mode: 'strict' });
  return { rows: records.length, observations, announcements: [] };
}
