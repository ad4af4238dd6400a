import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { detectorSchema } from '../detection/config';

export type { DetectorConfig } from '../detection/config';

/**
 * The sources file: what borderwatch watches, declared as data. A user adds a source by editing
 * config/sources.json; `loadSourcesFile` validates it and names the source and field of any mistake.
 */

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes');
const seriesIdPattern = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'must be lower-case letters, digits, dots, dashes or underscores');

export const granularitySchema = z.enum(['day', 'week', 'month']);

/** EventBridge Scheduler expressions: rate(15 minutes) or cron(0 9 * * ? *). */
export const scheduleSchema = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
    'must be an EventBridge Scheduler expression such as "rate(1 hour)" or "cron(0 9 * * ? *)"',
  );

export const seriesSchema = z.strictObject({
  id: seriesIdPattern,
  title: z.string().min(1).optional(),
  unit: z.string().min(1),
  granularity: granularitySchema,
  /** Descriptive labels: crossing point, direction, nationality, ... */
  labels: z.record(z.string(), z.string()).optional(),
  /** Which records of the document belong to this series: field name -> exact value. */
  where: z.record(z.string(), z.string()).optional(),
  detector: detectorSchema.optional(),
});
export type SeriesConfig = z.infer<typeof seriesSchema>;

const dateFormatSchema = z.enum(['auto', 'iso', 'D.M.YYYY', 'MM/DD/YYYY', 'Mon YYYY']).default('auto');

export const csvParserSchema = z.strictObject({
  type: z.literal('csv'),
  delimiter: z.string().length(1).default(','),
  /** Column names, for files that have no header line. */
  columns: z.array(z.string().min(1)).optional(),
  /** Field that holds the date of a record. */
  date: z.string().min(1),
  dateFormat: dateFormatSchema,
  /** Field that holds the value. */
  value: z.string().min(1),
});

export const jsonParserSchema = z.strictObject({
  type: z.literal('json'),
  /** Dotted path to the array of records, e.g. "data.timeseries"; empty when the document is the array. */
  records: z.string().default(''),
  date: z.string().min(1),
  dateFormat: dateFormatSchema,
  value: z.string().min(1),
});

export const parserSchema = z.discriminatedUnion('type', [csvParserSchema, jsonParserSchema]);
export type ParserConfig = z.infer<typeof parserSchema>;

export const sourceSchema = z.strictObject({
  id: slug,
  title: z.string().min(1),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "FI"'),
  kind: z.enum(['statistics', 'announcements']),
  url: z.url({ protocol: /^https?$/ }),
  schedule: scheduleSchema,
  enabled: z.boolean().default(true),
  languages: z.array(z.string().regex(/^[a-z]{2}$/)).default([]),
  parser: parserSchema,
  series: z.array(seriesSchema).default([]),
});
export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceConfigInput = z.input<typeof sourceSchema>;

export const sourcesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  sources: z.array(z.unknown()),
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `source "<id>": field "<path>": <message> (got <value>)`. */
function describeIssues(sourceLabel: string, error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const got = valueAt(input, issue.path);
      const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
      return `${sourceLabel}: field "${path || '(root)'}": ${issue.message}${shown}`;
    })
    .join('\n');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Validates a parsed sources document. Throws ConfigError naming every bad source and field. */
export function parseSourcesDocument(document: unknown, origin = 'sources file'): SourceConfig[] {
  const outer = sourcesFileSchema.safeParse(document);
  if (!outer.success) {
    throw new ConfigError(`${origin}: ${describeIssues('sources file', outer.error, document)}`);
  }
  const problems: string[] = [];
  const sources: SourceConfig[] = [];
  outer.data.sources.forEach((raw, index) => {
    const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const label = id ? `source "${id}"` : `source #${index + 1}`;
    const result = sourceSchema.safeParse(raw);
    if (!result.success) {
      problems.push(describeIssues(label, result.error, raw));
      return;
    }
    sources.push(result.data);
  });
  const seenSources = new Set<string>();
  const seenSeries = new Map<string, string>();
  for (const source of sources) {
    if (seenSources.has(source.id)) problems.push(`source "${source.id}": field "id": duplicate source id`);
    seenSources.add(source.id);
    source.series.forEach((series, i) => {
      const owner = seenSeries.get(series.id);
      if (owner) problems.push(`source "${source.id}": field "series.${i}.id": series "${series.id}" is already produced by source "${owner}"`);
      seenSeries.set(series.id, source.id);
    });
    if (source.kind === 'statistics' && source.series.length === 0) {
      problems.push(`source "${source.id}": field "series": a statistics source must declare at least one series`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`${origin} is invalid:\n${problems.join('\n')}`);
  return sources;
}

export function loadSourcesFile(path: string): SourceConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read sources file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`sources file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSourcesDocument(document, path);
}
