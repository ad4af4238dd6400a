// zod/mini: the same validation core as zod, with functions instead of methods so esbuild keeps only
// what is used (about 20 KB minified instead of 440 KB). Its default messages are not loaded, so every
// check here states its message.
import * as z from 'zod/mini';
import type { AlertKind, Severity, SnapshotOutcome } from '../core/model';
import { badRequest } from './errors';
import { isReversed, parseSince, periodProblem } from './periods';

/** Largest page of observations: a year of daily data (365 items, ~100 KB) is one page with room to spare. */
export const MAX_OBSERVATION_LIMIT = 1000;
export const DEFAULT_OBSERVATION_LIMIT = 1000;
/** Largest page of series, snapshots, announcements and alerts. */
export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 50;
/** Points a chart shows by default: the newest year of a daily series. */
export const DEFAULT_CHART_POINTS = 366;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const idSchema = z.string().check(z.regex(ID, 'must be letters, digits, dots, dashes or underscores (at most 128)'));

const limit = (max: number, fallback: number) =>
  z.pipe(
    z.optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d{1,7}$/, 'must be a whole number')), z.transform(Number)),
        z.number().check(z.minimum(1, 'must be at least 1'), z.maximum(max, `must be at most ${max}`)),
      ),
    ),
    z.transform((value: number | undefined) => value ?? fallback),
  );

const period = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = periodProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

const since = z.string().check(z.minLength(1, 'must not be empty'));
const cursor = z.optional(z.string().check(z.maxLength(4096, 'is too long to be a cursor')));

const KINDS = ['surge', 'drop', 'shift', 'announcement', 'source-health'] as const satisfies readonly AlertKind[];
const SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly Severity[];
const OUTCOMES = ['ok', 'unchanged', 'failed', 'suspect'] as const satisfies readonly SnapshotOutcome[];

export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
const format = z._default(z.enum(FORMATS), 'json');

const range = {
  from: z.optional(period),
  to: z.optional(period),
  since: z.optional(since),
};

export const schemas = {
  seriesList: z.strictObject({ limit: limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT), cursor, format }),
  observations: z.strictObject({
    ...range,
    order: z._default(z.enum(['asc', 'desc']), 'asc'),
    limit: limit(MAX_OBSERVATION_LIMIT, DEFAULT_OBSERVATION_LIMIT),
    cursor,
    format,
  }),
  chart: z.strictObject({ ...range, points: limit(MAX_OBSERVATION_LIMIT, DEFAULT_CHART_POINTS) }),
  dashboard: z.strictObject({ ...range, points: limit(MAX_OBSERVATION_LIMIT, 120), cursor }),
  snapshots: z.strictObject({ outcome: z.optional(z.enum(OUTCOMES)), limit: limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT), cursor, format }),
  announcements: z.strictObject({
    source: z.optional(idSchema),
    topic: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(100, 'must be at most 100 characters'))),
    since: z.optional(since),
    limit: limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT),
    cursor,
    format,
  }),
  alerts: z.strictObject({
    kind: z.optional(z.enum(KINDS)),
    severity: z.optional(z.enum(SEVERITIES)),
    series: z.optional(idSchema),
    source: z.optional(idSchema),
    since: z.optional(since),
    limit: limit(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT),
    cursor,
    format: z._default(z.enum([...FORMATS, 'atom']), 'json'),
  }),
} as const;

export type Params<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

/** Validates query parameters; the error names the parameter, what is wrong and the value given. */
export function parseParams<K extends keyof typeof schemas>(name: K, query: Record<string, string | undefined>): Params<K> {
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  const result = schemas[name].safeParse(defined);
  if (result.success) return result.data as Params<K>;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(schemas[name].shape).join(', ');
    throw badRequest(`unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}; this listing takes ${known}`);
  }
  const field = String(issue.path[0] ?? '');
  const given = defined[field];
  const message =
    issue.code === 'invalid_value' && 'values' in issue
      ? `must be one of ${(issue.values as unknown[]).join(', ')}`
      : issue.message;
  throw badRequest(`parameter "${field}": ${message}${given !== undefined ? ` (got ${JSON.stringify(String(given).slice(0, 80))})` : ''}`);
}

/** Resolves `since` to an instant; a 400 naming the parameter when it is not valid. */
export function resolveSince(text: string | undefined, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = parseSince(text, now);
  if ('problem' in parsed) throw badRequest(`parameter "since": ${parsed.problem} (got ${JSON.stringify(text.slice(0, 80))})`);
  return parsed.at;
}

/** Checks a period range: `since` and `from` are two ways to say the same thing; `to` may not precede `from`. */
export function checkRange(range: { from?: string; to?: string; since?: string }): void {
  if (range.since !== undefined && range.from !== undefined) throw badRequest('parameters "since" and "from" both set the start of the range; give one of them');
  if (range.from !== undefined && range.to !== undefined && isReversed(range.from, range.to)) {
    throw badRequest(`parameters "from" and "to" are reversed: from ${range.from} is after to ${range.to}`);
  }
}
