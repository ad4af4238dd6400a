import type { SourceConfig } from '../config';
import { parseCsv } from './csv';
import { parseJson } from './json';
import type { Parser } from './types';

export type { Parser, ParseContext, ParseResult } from './types';

const PARSERS: Record<SourceConfig['parser']['type'], Parser> = {
  csv: parseCsv,
  json: parseJson,
};

export function parserFor(source: SourceConfig): Parser {
  return PARSERS[source.parser.type];
}
