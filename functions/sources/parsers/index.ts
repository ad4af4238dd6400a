import type { SourceConfig } from '../config';
import { parseCsv } from './csv';
import { parseFeed } from './feed';
import { parseHtmlList } from './html-list';
import { parseHtmlTable } from './html-table';
import { parseJson } from './json';
import { parseProse } from './prose';
import type { Parser } from './types';

export type { Parser, ParseContext, ParseResult } from './types';

const PARSERS: Record<SourceConfig['parser']['type'], Parser> = {
  csv: parseCsv,
  json: parseJson,
  'html-table': parseHtmlTable,
  'html-list': parseHtmlList,
  feed: parseFeed,
  prose: parseProse,
};

/**
 * The parser for a source, synchronously: every parser module (and cheerio) is loaded with this one.
 * Lambda code should use `parseDocument` from './lazy', which loads a parser when first needed.
 */
export function parserFor(source: SourceConfig): Parser {
  return PARSERS[source.parser.type];
}
