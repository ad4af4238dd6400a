import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { detectorSchema } from '../detection/config';
import { figurePatternProblem } from './prose-pattern';
import { isTimeZone } from './normalize';

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
  /**
   * The field that holds this series' value, when it is not the parser's `value` field: a wide table
   * with one column per crossing point declares one series per column.
   */
  value: z.string().min(1).optional(),
  detector: detectorSchema.optional(),
});
export type SeriesConfig = z.infer<typeof seriesSchema>;

const dateFormatSchema = z.enum(['auto', 'iso', 'D.M.YYYY', 'MM/DD/YYYY', 'Mon YYYY']).default('auto');

/** A CSS selector (checked for shape here; cheerio reports real syntax errors at parse time). */
const selector = z.string().min(1).max(300);

/** Regular-expression source text, checked to compile with the given flags. */
const regexSource = z.string().min(1).max(2000);

const REGEX_FLAGS = /^[imsu]*$/;

/**
 * A figure inside announcement text, e.g. "Yesterday 8 314 Russians entered Finland". `pattern` is a
 * regular expression with named groups, and these shorthands (see docs/sources.md):
 * `{value}` a number ("8 314", "5\u00a0959", "23,6"), `{scale}` a scale word ("tys.", "mln", "thousand"),
 * `{when}` a relative-day word (yesterday/eilen/igår/вчера/wczoraj/today/tänään/idag/сегодня/dziś),
 * `{date}` a day and month ("22.9." or "22.09.2022").
 */
export const figurePatternSchema = z.strictObject({
  /** The series (declared in the source's `series`) this figure belongs to. */
  series: seriesIdPattern,
  pattern: regexSource,
  /** Regular-expression flags, among i, m, s, u. Default "iu". */
  flags: z.string().regex(REGEX_FLAGS, 'must be a combination of the flags i, m, s, u').default('iu'),
  /** Which mark is decimal in this source's numbers: "comma" for "23,6 tys.". */
  decimal: z.enum(['auto', 'comma', 'dot']).default('auto'),
  /** Days from the publication date when the pattern has neither `{when}` nor `{date}` (e.g. -1 for a daily "yesterday" post). */
  dayOffset: z.number().int().min(-31).max(0).optional(),
  /** The figure covers part of its period only (e.g. "today until 07:00"). Figures for the publication day always are. */
  provisional: z.boolean().default(false),
});
export type FigurePattern = z.infer<typeof figurePatternSchema>;

const figuresSchema = z.array(figurePatternSchema).default([]);

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

/**
 * An HTML table of figures. Columns are found by their header text (case and spacing ignored), or by
 * position as "#1", "#2", ... when a table has no header. Rows whose date cell is not a date (sub-headers,
 * totals, footnotes) are skipped and counted, so a layout change shows as a suspect parse.
 */
export const htmlTableParserSchema = z.strictObject({
  type: z.literal('html-table'),
  /** Selects the table; the first match is read. */
  table: selector.default('table'),
  /** Selects the rows inside the table. */
  rows: selector.default('tr'),
  /** Selects the cells inside a row. */
  cells: selector.default('th, td'),
  /** Which row (0-based, among `rows`) holds the column headers; -1 when the table has none. */
  headerRow: z.number().int().min(-1).default(0),
  date: z.string().min(1),
  dateFormat: dateFormatSchema,
  value: z.string().min(1),
});

/**
 * A listing of news items on an HTML page, read as announcements. Selectors inside an item are relative
 * to it; "&" selects the item element itself (e.g. when the item is the link).
 */
export const htmlListParserSchema = z.strictObject({
  type: z.literal('html-list'),
  items: selector,
  title: selector,
  /** Element whose `href` is the item's URL (relative URLs are resolved against the page). */
  link: selector.default('a'),
  date: selector.optional(),
  dateFormat: dateFormatSchema,
  excerpt: selector.optional(),
  /** A regular expression with one group that picks a stable id out of the URL, e.g. "/aktualnosci/(\\d+),". */
  idPattern: regexSource.optional(),
  excerptLength: z.number().int().min(40).max(2000).default(280),
  figures: figuresSchema,
});

/** RSS 2.0 or Atom: announcements, and figures found in their text. */
export const feedParserSchema = z.strictObject({
  type: z.literal('feed'),
  excerptLength: z.number().int().min(40).max(2000).default(280),
  figures: figuresSchema,
});

/** A single page of text (an HTML or plain-text bulletin) read only for figures. */
export const proseParserSchema = z.strictObject({
  type: z.literal('prose'),
  /** Selects the part of an HTML page that holds the text. */
  content: selector.default('body'),
  /** Selects the element holding the publication time; without it the fetch time is the reference for "yesterday". */
  published: selector.optional(),
  figures: z.array(figurePatternSchema).min(1),
});

export const parserSchema = z.discriminatedUnion('type', [
  csvParserSchema,
  jsonParserSchema,
  htmlTableParserSchema,
  htmlListParserSchema,
  feedParserSchema,
  proseParserSchema,
]);
export type ParserConfig = z.infer<typeof parserSchema>;
export type ParserOf<T extends ParserConfig['type']> = Extract<ParserConfig, { type: T }>;

const topicId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits and dashes');
const languageCode = z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as "fi"');

/**
 * Topics of announcements, each with keyword stems per language: an announcement is about a topic when
 * a word of its title or text starts with one of the stems ("sulke" matches "sulkee", "sulkemisesta").
 */
export const topicsSchema = z.record(topicId, z.record(languageCode, z.array(z.string().trim().min(2).max(80)).min(1)));
export type TopicsConfig = z.infer<typeof topicsSchema>;

const timeZoneSchema = z.string().refine(isTimeZone, 'must be an IANA time zone such as "Europe/Helsinki"');
const charsetSchema = z.string().refine((name) => {
  try {
    new TextDecoder(name);
    return true;
  } catch {
    return false;
  }
}, 'must be a charset this runtime can decode, such as "utf-8" or "windows-1251"');

export const sourceSchema = z
  .strictObject({
    id: slug,
    title: z.string().min(1),
    /** Free text for maintainers: where the URL comes from, what is unverified. Not used by the code. */
    notes: z.string().max(2000).optional(),
    /** ISO 3166-1 alpha-2, upper case. */
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "FI"'),
    kind: z.enum(['statistics', 'announcements']),
    url: z.url({ protocol: /^https?$/ }),
    schedule: scheduleSchema,
    enabled: z.boolean().default(true),
    languages: z.array(languageCode).default([]),
    /** Where a date without a time, or a local time, is read. */
    timeZone: timeZoneSchema.default('UTC'),
    /** Forces the charset when a server declares a wrong one. */
    charset: charsetSchema.optional(),
    parser: parserSchema,
    series: z.array(seriesSchema).default([]),
    /** Topics for this source's announcements; merged over the file's `topics` (a topic here replaces the file's). */
    topics: topicsSchema.optional(),
  })
  .superRefine((source, ctx) => {
    const declared = new Set(source.series.map((series) => series.id));
    const figures = 'figures' in source.parser ? source.parser.figures : [];
    figures.forEach((figure, i) => {
      const path = ['parser', 'figures', i];
      if (!declared.has(figure.series)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'series'], message: `series "${figure.series}" is not declared in this source's "series"`, input: figure.series });
      }
      const problem = figurePatternProblem(figure);
      if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'pattern'], message: problem, input: figure.pattern });
    });
    if (source.parser.type === 'html-list' && source.parser.idPattern !== undefined) {
      try {
        new RegExp(source.parser.idPattern, 'u');
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['parser', 'idPattern'], message: `not a valid regular expression: ${(error as Error).message}`, input: source.parser.idPattern });
      }
    }
  });
export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceConfigInput = z.input<typeof sourceSchema>;

export const sourcesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  /**
   * A page where a site operator can learn who runs this instance and how to reach them; it goes into
   * every request's User-Agent ("borderwatch/0.1 (+https://...)").
   */
  contact: z.url({ protocol: /^https?$/ }).optional(),
  /** Topics shared by every source's announcements (a source may add its own or replace one). */
  topics: topicsSchema.default({}),
  /**
   * Lets sources live on loopback, private or link-local addresses. Off by default: a sources file (or a
   * redirect) must never turn borderwatch into a probe of its own network. Only the demo and tests set it.
   */
  allowPrivateNetwork: z.boolean().default(false),
  sources: z.array(z.unknown()),
});

/** File-level settings of the sources file, for the fetcher. */
export interface SourcesSettings {
  contact?: string;
  allowPrivateNetwork: boolean;
  topics: TopicsConfig;
}

export interface SourcesFile {
  settings: SourcesSettings;
  sources: SourceConfig[];
}

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
  return parseSourcesFileDocument(document, origin).sources;
}

/** Validates a parsed sources document with its file-level settings; topics of the file are merged into each source. */
export function parseSourcesFileDocument(document: unknown, origin = 'sources file'): SourcesFile {
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
    const topics = { ...outer.data.topics, ...(result.data.topics ?? {}) };
    sources.push({ ...result.data, ...(Object.keys(topics).length > 0 ? { topics } : {}) });
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
  const { contact, allowPrivateNetwork, topics } = outer.data;
  return { settings: { ...(contact ? { contact } : {}), allowPrivateNetwork, topics }, sources };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read sources file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`sources file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Loads a sources file with its settings (contact URL, private-network permission, shared topics). */
export function loadSourcesFileWithSettings(path: string): SourcesFile {
  return parseSourcesFileDocument(readJson(path), path);
}

export function loadSourcesFile(path: string): SourceConfig[] {
  return loadSourcesFileWithSettings(path).sources;
}
