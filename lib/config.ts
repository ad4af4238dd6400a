import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { filterPolicyProblems, type AlertSubscription } from './constructs/alerting';

/** The repository root: relative paths in context (the sources file) resolve against it, not the cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every context key the app reads. Constructs never read context; bin/ and lib/app.ts pass typed props. */
export const CONTEXT_KEYS = {
  sourcesFile: 'borderwatch:sourcesFile',
  alertEmails: 'borderwatch:alertEmails',
  alertSms: 'borderwatch:alertSms',
  operatorEmails: 'borderwatch:operatorEmails',
  subscriptions: 'borderwatch:subscriptions',
  contactUrl: 'borderwatch:contactUrl',
  logRetentionDays: 'borderwatch:logRetentionDays',
  queryApiPublic: 'borderwatch:queryApiPublic',
} as const;

export const DEFAULT_SOURCES_FILE = 'config/sources.json';
export const DEFAULT_LOG_RETENTION_DAYS = 30;

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

// `cdk synth -c key=value` always delivers strings, cdk.json delivers JSON values: accept both.
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value; // left as a string so the array check reports it
      }
    }
    return text === '' ? [] : text.split(',').map((part) => part.trim());
  }, z.array(item));

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+358401234567"');

const filterValues = <T extends z.ZodType<string>>(value: T) => z.array(value).min(1, 'must list at least one value').max(100);
const filterSchema = z.strictObject({
  kind: filterValues(z.enum(['surge', 'drop', 'shift', 'announcement'], 'must be one of surge, drop, shift, announcement (source-health goes to the operators topic)')),
  severity: filterValues(z.enum(['info', 'warning', 'critical'], 'must be one of info, warning, critical')),
  country: filterValues(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "FI"')),
  source: filterValues(z.string().min(1)),
  series: filterValues(z.string().min(1)),
  topics: filterValues(z.string().min(1)),
}).partial();

const subscriptionSchema = z
  .discriminatedUnion('protocol', [
    z.strictObject({ protocol: z.literal('email'), endpoint: z.email('must be an email address'), filter: filterSchema.optional() }),
    z.strictObject({ protocol: z.literal('sms'), endpoint: e164, filter: filterSchema.optional() }),
    z.strictObject({ protocol: z.literal('https'), endpoint: z.url({ protocol: /^https$/, error: 'must be an https URL' }), filter: filterSchema.optional() }),
  ], { error: 'protocol must be "email", "sms" or "https"' })
  .superRefine((subscription, ctx) => {
    for (const problem of filterPolicyProblems(subscription)) ctx.addIssue({ code: 'custom', path: ['filter'], message: problem });
  });

// A JSON array of subscriptions; `-c key=value` delivers it as a string.
const subscriptionList = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // left as a string so the array check reports it
  }
}, z.array(subscriptionSchema, 'must be a JSON array of {"protocol", "endpoint", "filter"} objects'));

const retentionValues = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

const contextSchemas = {
  [CONTEXT_KEYS.sourcesFile]: z.string().min(1).default(DEFAULT_SOURCES_FILE),
  [CONTEXT_KEYS.alertEmails]: list(z.email('must be an email address')).default([]),
  // E.164, the only format SNS accepts for SMS endpoints.
  [CONTEXT_KEYS.alertSms]: list(e164).default([]),
  [CONTEXT_KEYS.operatorEmails]: list(z.email('must be an email address')).default([]),
  [CONTEXT_KEYS.subscriptions]: subscriptionList.default([]),
  // Sent in the User-Agent so source owners can reach us; a scraper without one is impolite, so no default.
  [CONTEXT_KEYS.contactUrl]: z.url({ protocol: /^https$/, error: 'must be an https URL where source owners can reach the operators' }),
  [CONTEXT_KEYS.logRetentionDays]: z.coerce
    .number()
    .int()
    .refine((days) => retentionValues.has(days), {
      error: `must be a CloudWatch Logs retention period: one of ${[...retentionValues].filter((d) => d > 0).sort((a, b) => a - b).join(', ')}`,
    })
    .default(DEFAULT_LOG_RETENTION_DAYS),
  // `-c key=true` arrives as a string; only the two words are accepted, so "yes" is not silently false.
  [CONTEXT_KEYS.queryApiPublic]: z
    .preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean({ error: 'must be true or false' }))
    .default(false),
} as const;

export interface AppConfig {
  /** Absolute path of the sources file. */
  sourcesFile: string;
  alertEmails: string[];
  alertSms: string[];
  /** Alert-topic subscriptions with their filters (email, SMS, HTTPS). */
  subscriptions: AlertSubscription[];
  operatorEmails: string[];
  contactUrl: string;
  logRetention: RetentionDays;
  /** The query API without authorization (read-only, throttled); IAM-signed requests otherwise. */
  queryApiPublic: boolean;
}

function parseKey<K extends keyof typeof contextSchemas>(node: Node, key: K): z.output<(typeof contextSchemas)[K]> {
  const raw: unknown = node.tryGetContext(key);
  const result = contextSchemas[key].safeParse(raw);
  if (result.success) return result.data as z.output<(typeof contextSchemas)[K]>;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `[${issue.path.map(String).join('.')}] ` : '';
    return `${where}${issue.message}`;
  });
  const shown = raw === undefined ? 'it is missing' : `got ${JSON.stringify(raw)}`;
  throw new ContextError(
    `Invalid CDK context "${key}": ${problems.join('; ')} (${shown}). Set it in cdk.json or with -c ${key}=...`,
  );
}

/**
 * Reads and validates the app's context once. Unknown `borderwatch:` keys are errors too, so a typo such
 * as `borderwatch:alertEmail` cannot silently deploy a stack that alerts nobody.
 */
export function readAppConfig(node: Node): AppConfig {
  const known = new Set<string>(Object.values(CONTEXT_KEYS));
  for (const key of Object.keys(node.getAllContext())) {
    if (key.startsWith('borderwatch:') && !known.has(key)) {
      throw new ContextError(`Unknown CDK context key "${key}". Known keys: ${[...known].join(', ')}`);
    }
  }
  const sourcesFile = parseKey(node, CONTEXT_KEYS.sourcesFile);
  return {
    sourcesFile: isAbsolute(sourcesFile) ? sourcesFile : resolve(PROJECT_ROOT, sourcesFile),
    alertEmails: parseKey(node, CONTEXT_KEYS.alertEmails),
    alertSms: parseKey(node, CONTEXT_KEYS.alertSms),
    subscriptions: parseKey(node, CONTEXT_KEYS.subscriptions),
    operatorEmails: parseKey(node, CONTEXT_KEYS.operatorEmails),
    contactUrl: parseKey(node, CONTEXT_KEYS.contactUrl),
    logRetention: parseKey(node, CONTEXT_KEYS.logRetentionDays) as RetentionDays,
    queryApiPublic: parseKey(node, CONTEXT_KEYS.queryApiPublic),
  };
}
