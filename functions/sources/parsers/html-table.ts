import { load, type Cheerio, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import { SourceError } from '../../core/errors';
import type { ParserOf, SourceConfig } from '../config';
import { documentText, type FetchedDocument } from '../document';
import { cleanText } from '../text';
import { recordsToObservations, type SourceRecord } from './records';
import type { ParseContext, ParseResult } from './types';

/**
 * An HTML table of figures. Columns are matched by header text, ignoring case and spacing ("Data",
 * " DATA "), or by position "#1", "#2"... Each row becomes a record whose fields are keyed both ways,
 * so a series' `where` and `value` may use either. Rows whose date cell is not a date (sub-headers,
 * "Razem"/"Total" rows, footnotes) are skipped and counted; a table that is not there gives zero rows.
 * Cells spanning several columns are read as one cell (colspan is not expanded).
 */

/** The key a column name is compared by: spacing collapsed, lower case; "#3" stays a position. */
export function columnKey(name: string): string {
  return name.startsWith('#') ? name : cleanText(name).toLowerCase();
}

/** The source with its series' field names in column-key form, so they compare with the table's keys. */
function withColumnKeys(source: SourceConfig): SourceConfig {
  return {
    ...source,
    series: source.series.map((series) => ({
      ...series,
      ...(series.value !== undefined ? { value: columnKey(series.value) } : {}),
      ...(series.where ? { where: Object.fromEntries(Object.entries(series.where).map(([k, v]) => [columnKey(k), v])) } : {}),
    })),
  };
}

/** Element children of a node with one of the tag names. */
function childElements(node: AnyNode, names: ReadonlySet<string>): Element[] {
  return 'children' in node ? node.children.filter((child): child is Element => child.type === 'tag' && names.has(child.name)) : [];
}

/** The `tr` rows of a table, through thead/tbody/tfoot, without descending into nested tables. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of childElements(table, new Set(['tr', 'thead', 'tbody', 'tfoot']))) {
    if (child.name === 'tr') rows.push(child);
    else rows.push(...childElements(child, new Set(['tr'])));
  }
  return rows;
}

const CELL_NAMES = new Set(['th', 'td']);

/** The text of a node and its descendants (entities already decoded by the parser; comments left out). */
function textOf(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (node.type === 'comment' || node.type === 'script' || node.type === 'style') return '';
  return 'children' in node ? node.children.map(textOf).join('') : '';
}

/**
 * The cell texts of each row. With the default selectors ("tr", "th, td") the DOM is walked directly:
 * cheerio's `find` sorts its matches into document order, which costs ~15 ms per 1,000 rows.
 */
function readCells($: CheerioAPI, table: Cheerio<AnyNode>, rowsSelector: string, cellsSelector: string): string[][] {
  void $;
  const first = table.get(0);
  const fast = first !== undefined && first.type === 'tag' && first.name === 'table' && rowsSelector === 'tr' && /^(th,\s*td|td,\s*th)$/.test(cellsSelector.trim());
  const rows = fast ? tableRows(first) : table.find(rowsSelector).toArray();
  return rows.map((row) => {
    const cells = fast ? childElements(row, CELL_NAMES) : $(row).find(cellsSelector).toArray();
    return cells.map((cell) => cleanText(textOf(cell)));
  });
}

export function parseHtmlTable(document: FetchedDocument, context: ParseContext): ParseResult {
  const { source } = context;
  if (source.parser.type !== 'html-table') throw new Error(`parseHtmlTable called for a ${source.parser.type} source`);
  const options: ParserOf<'html-table'> = source.parser;
  const $ = load(documentText(document, source.charset));
  const table = $(options.table).first();
  if (table.length === 0) return { rows: 0, observations: [], announcements: [], skippedExample: `no element matches "${options.table}"` };

  const rows = readCells($, table, options.rows, options.cells);
  const header = options.headerRow >= 0 ? rows[options.headerRow] : undefined;
  const body = options.headerRow >= 0 ? rows.slice(options.headerRow + 1) : rows;
  const headerKeys = (header ?? []).map(columnKey);

  const keyed = withColumnKeys(source);
  const mapping = { date: columnKey(options.date), dateFormat: options.dateFormat, value: columnKey(options.value), mode: 'lenient' as const };
  const needed = new Set([mapping.date, ...keyed.series.map((series) => series.value ?? mapping.value), ...keyed.series.flatMap((s) => Object.keys(s.where ?? {}))]);
  for (const key of needed) {
    if (!key.startsWith('#') && !headerKeys.includes(key)) {
      throw new SourceError(`column not found; the table's headers are ${JSON.stringify((header ?? []).slice(0, 12))}`, {
        sourceId: source.id,
        stage: 'parse',
        url: document.url,
        field: key,
      });
    }
  }

  const records: SourceRecord[] = body
    .filter((cells) => cells.length > 0)
    .map((cells, index) => {
      const fields: Record<string, string> = {};
      cells.forEach((text, i) => {
        fields[`#${i + 1}`] = text;
        const key = headerKeys[i];
        if (key !== undefined && !(key in fields)) fields[key] = text;
      });
      return { fields, location: `row ${index + 1}` };
    });
  // A short row (e.g. a footnote in one wide cell) lacks a needed column: it is skipped and counted, not an error.
  const neededKeys = [...needed];
  const usable = records.filter((record) => neededKeys.every((key) => key in record.fields));
  const short = records.length - usable.length;
  const outcome = recordsToObservations(usable, { ...context, source: keyed }, document.url, mapping);
  const skippedExample = outcome.skippedExample ?? (short > 0 ? `${short} row(s) without the needed columns` : undefined);
  return {
    rows: records.length,
    observations: outcome.observations,
    announcements: [],
    skipped: outcome.skipped + short,
    ...(skippedExample !== undefined ? { skippedExample } : {}),
  };
}
