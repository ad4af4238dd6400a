import type { SourceConfig } from '../config';
import type { FetchedDocument } from '../document';
import type { ParseContext, ParseResult, Parser } from './types';

/**
 * Parsers loaded on first use. The HTML and feed parsers bring cheerio, htmlparser2 and entities
 * (~200 KB minified) whose evaluation would otherwise be paid at every cold start, also by containers
 * that only ever parse JSON or CSV. esbuild keeps dynamically imported modules in the same bundle
 * behind lazy initialisers, so this needs no code splitting (which NodejsFunction cannot do).
 *
 * Runtime code imports this module; index.ts (`parserFor`) imports every parser eagerly and serves
 * tests and tools that want a synchronous parser.
 */
const LOADERS: Record<SourceConfig['parser']['type'], () => Promise<Parser>> = {
  csv: () => import('./csv').then((m) => m.parseCsv),
  json: () => import('./json').then((m) => m.parseJson),
  'html-table': () => import('./html-table').then((m) => m.parseHtmlTable),
  'html-list': () => import('./html-list').then((m) => m.parseHtmlList),
  feed: () => import('./feed').then((m) => m.parseFeed),
  prose: () => import('./prose').then((m) => m.parseProse),
};

/** The parser a source's configuration names, loading its module on first use. */
export function loadParser(source: SourceConfig): Promise<Parser> {
  return LOADERS[source.parser.type]();
}

/** Parses a fetched document with the source's parser; rejects with the parser's SourceError. */
export async function parseDocument(source: SourceConfig, document: FetchedDocument, context: ParseContext): Promise<ParseResult> {
  const parse = await loadParser(source);
  return parse(document, context);
}
