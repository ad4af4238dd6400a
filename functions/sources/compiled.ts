import { readFileSync } from 'node:fs';
import type { SourceConfig, SourcesFile } from './config';

/**
 * The compiled sources file: what `cdk synth` writes next to each Lambda bundle after validating the
 * sources file and applying its defaults (see compile.ts). The Lambdas read it with a structural check
 * only, so zod (about 440 KB minified) stays out of their bundles; the full validation has already run.
 */

/** Tag of the compiled format: a raw sources file, or one compiled by an older version, is refused. */
export const COMPILED_SOURCES_FORMAT = 'borderwatch.compiled-sources/v1';

export interface CompiledSourcesDocument extends SourcesFile {
  format: typeof COMPILED_SOURCES_FORMAT;
}

export class CompiledSourcesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompiledSourcesError';
  }
}

const PARSER_TYPES: ReadonlySet<string> = new Set<SourceConfig['parser']['type']>(['csv', 'json', 'html-table', 'html-list', 'feed', 'prose']);
const KINDS: ReadonlySet<string> = new Set<SourceConfig['kind']>(['statistics', 'announcements']);

/** The JSON the Lambdas read: an already validated and defaulted sources file, tagged with its format. */
export function serializeCompiledSources(file: SourcesFile): string {
  const document: CompiledSourcesDocument = { format: COMPILED_SOURCES_FORMAT, settings: file.settings, sources: file.sources };
  return `${JSON.stringify(document, null, 1)}\n`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The fields the runtime relies on having been defaulted, checked for shape; deeper rules (selectors,
 * patterns, detector options) were enforced by the schema at synth. Returns the problem or undefined.
 */
function sourceProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not an object';
  if (typeof value.id !== 'string' || value.id === '') return 'field "id" is missing';
  if (typeof value.url !== 'string') return 'field "url" is not a string';
  if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) return `field "kind" is ${JSON.stringify(value.kind)}`;
  if (typeof value.enabled !== 'boolean') return 'field "enabled" is not a boolean (defaults are applied at synth)';
  if (typeof value.timeZone !== 'string') return 'field "timeZone" is not a string (defaults are applied at synth)';
  if (!Array.isArray(value.languages)) return 'field "languages" is not a list (defaults are applied at synth)';
  if (!Array.isArray(value.series) || !value.series.every((s) => isObject(s) && typeof s.id === 'string')) return 'field "series" is not a list of series';
  if (!isObject(value.parser) || typeof value.parser.type !== 'string' || !PARSER_TYPES.has(value.parser.type)) {
    return `field "parser.type" is ${JSON.stringify(isObject(value.parser) ? value.parser.type : value.parser)}`;
  }
  return undefined;
}

/** Checks a parsed compiled document; throws CompiledSourcesError naming the file and what is wrong. */
export function parseCompiledSources(document: unknown, origin = 'compiled sources file'): SourcesFile {
  const fail = (problem: string) =>
    new CompiledSourcesError(`${origin} is not a compiled sources file as \`cdk synth\` writes it (${COMPILED_SOURCES_FORMAT}): ${problem}`);
  if (!isObject(document)) throw fail('the JSON is not an object');
  if (document.format !== COMPILED_SOURCES_FORMAT) {
    throw fail(
      'sources' in document && !('settings' in document)
        ? 'it looks like a raw sources file; deploy again so synth compiles it'
        : `field "format" is ${JSON.stringify(document.format)}`,
    );
  }
  const { settings, sources } = document;
  if (!isObject(settings) || typeof settings.allowPrivateNetwork !== 'boolean' || !isObject(settings.topics)) {
    throw fail('field "settings" needs "allowPrivateNetwork" (boolean) and "topics" (object)');
  }
  if (settings.contact !== undefined && typeof settings.contact !== 'string') throw fail('field "settings.contact" is not a string');
  if (!Array.isArray(sources)) throw fail('field "sources" is not a list');
  sources.forEach((source, index) => {
    const problem = sourceProblem(source);
    const label = isObject(source) && typeof source.id === 'string' ? `source "${source.id}"` : `source #${index + 1}`;
    if (problem) throw fail(`${label}: ${problem}`);
  });
  return { settings: settings as unknown as SourcesFile['settings'], sources: sources as SourceConfig[] };
}

/** Reads the compiled sources file shipped next to a Lambda bundle. */
export function readCompiledSources(path: string): SourcesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CompiledSourcesError(`cannot read compiled sources file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CompiledSourcesError(`compiled sources file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseCompiledSources(document, path);
}
