import { z } from 'zod';
import { ALERT_SCHEMA } from './alert-schema';

/**
 * The JSON every machine subscriber (HTTPS, SQS, Lambda, email-json) receives as the SNS message
 * (`default` of MessageStructure json). Versioned: fields are only ever added within a version; a
 * removal or a change of meaning is a new `schema` value. Documented in docs/alerting.md.
 */
export { ALERT_SCHEMA };

const provenanceSchema = z.strictObject({
  /** The snapshot (one fetch) the alert was raised from. */
  snapshotId: z.string(),
  /** The document fetched. */
  url: z.string(),
  fetchedAt: z.string(),
  /** SHA-256 of the document, hex. */
  contentHash: z.string().optional(),
});

export const alertPayloadSchema = z.strictObject({
  schema: z.literal(ALERT_SCHEMA),
  alertId: z.string(),
  kind: z.enum(['surge', 'drop', 'shift', 'announcement', 'source-health']),
  severity: z.enum(['info', 'warning', 'critical']),
  createdAt: z.string(),
  /** One line, the same as the email subject without the "[borderwatch]" prefix. */
  headline: z.string(),
  country: z.string().optional(),
  source: z.strictObject({ id: z.string(), title: z.string(), url: z.string() }),
  subject: z.strictObject({ type: z.enum(['series', 'announcement', 'source']), id: z.string() }),
  /** Announcement topics (closure, restriction, ...). */
  topics: z.array(z.string()).optional(),
  /** Series alerts: the figure, what was expected and how far apart they are. */
  series: z
    .strictObject({
      id: z.string(),
      title: z.string(),
      unit: z.string(),
      granularity: z.enum(['day', 'week', 'month']),
      period: z.string(),
      value: z.number(),
      expected: z.number().optional(),
      ratio: z.number().optional(),
      /** How the expectation was formed, in the detector's words. */
      baselineRule: z.string().optional(),
      /** The previous values behind the expectation, oldest first. */
      baseline: z.array(z.strictObject({ period: z.string(), value: z.number() })).optional(),
      episode: z.strictObject({ openedPeriod: z.string(), event: z.enum(['opened', 'escalated']) }),
    })
    .optional(),
  /** Announcement alerts: the official item, as published. */
  announcement: z
    .strictObject({
      id: z.string(),
      title: z.string(),
      url: z.string(),
      publishedAt: z.string(),
      language: z.string(),
      excerpt: z.string(),
    })
    .optional(),
  /** Source-health alerts (operators' topic). */
  sourceHealth: z
    .strictObject({
      reason: z.enum(['failing', 'layout']),
      consecutiveFailures: z.number().int(),
      lastOutcome: z.string(),
      lastOkAt: z.string().optional(),
      error: z.string().optional(),
    })
    .optional(),
  provenance: provenanceSchema,
});

export type AlertPayload = z.infer<typeof alertPayloadSchema>;
