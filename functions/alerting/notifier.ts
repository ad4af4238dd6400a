import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../core/model';
import { ALL_CHANNELS } from './cooldown';

/** Hands an alert to its subscribers. Returns the id under which the channel accepted it. */
export interface Notifier {
  publish(alert: Alert): Promise<{ messageId: string }>;
}

/**
 * Message attributes on every publish, so SNS subscription filter policies can choose what each
 * subscriber receives: `kind`, `severity`, `country`, `source`, `series` (series alerts), `topics`
 * (announcements, String.Array) and `channels` (String.Array: the subscriber classes flood control
 * lets this alert reach; SMS and email subscriptions of the stack require their class in it).
 */
export function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const strings: Record<string, string | undefined> = {
    kind: alert.kind,
    severity: alert.severity,
    country: alert.country,
    source: alert.sourceId,
    series: alert.subject.type === 'series' ? alert.subject.id : undefined,
  };
  const arrays: Record<string, readonly string[] | undefined> = {
    topics: alert.topics && alert.topics.length > 0 ? alert.topics : undefined,
    channels: alert.channels ?? ALL_CHANNELS,
  };
  return {
    ...Object.fromEntries(
      Object.entries(strings)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
        .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    ),
    ...Object.fromEntries(
      Object.entries(arrays)
        .filter((entry): entry is [string, readonly string[]] => entry[1] !== undefined)
        .map(([name, values]) => [name, { DataType: 'String.Array', StringValue: JSON.stringify(values) }]),
    ),
  };
}

/** The SNS Publish input for an alert: MessageStructure json with one text per protocol. */
export function publishInput(alert: Alert, topicArn: string) {
  return {
    TopicArn: topicArn,
    Subject: alert.message.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({
      default: JSON.stringify(alert.message.json),
      email: alert.message.email,
      sms: alert.message.sms,
    }),
    MessageAttributes: messageAttributes(alert),
  };
}

// SNS and SDK error names worth another try: throttling, the service's own failures, the network.
const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
  'InternalError',
  'InternalErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Is trying the same publish again worthwhile? Yes for throttling, 5xx and timeouts or dropped
 * connections; no for everything the request itself got wrong (InvalidParameter, AuthorizationError,
 * NotFound, KMS access...), which would fail the same way every time.
 */
export function isRetryablePublishError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); injectable so tests know the delays. */
  random: () => number;
}

export const DEFAULT_PUBLISH_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 3_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** "Full jitter": a random wait up to an exponentially growing cap, so retrying runs spread out. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Publishes with MessageStructure json: one text for email, one for SMS, JSON for every other
 * protocol. Retries retryable failures a bounded number of times with backoff and jitter; create the
 * client with `maxAttempts: 1` so the SDK's own retries do not multiply these.
 */
export class SnsNotifier implements Notifier {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    retry: Partial<RetryPolicy> = {},
  ) {
    this.retry = { ...DEFAULT_PUBLISH_RETRY, ...retry };
  }

  async publish(alert: Alert): Promise<{ messageId: string }> {
    const input = publishInput(alert, this.topicArn);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.client.send(new PublishCommand(input));
        if (!result.MessageId) throw new Error('SNS accepted the publish but returned no MessageId');
        return { messageId: result.MessageId };
      } catch (error) {
        if (attempt >= this.retry.maxAttempts || !isRetryablePublishError(error)) throw error;
        await this.retry.sleep(backoffDelay(attempt, this.retry));
      }
    }
  }
}

/** Sends source-health alerts to the operators and everything else to the subscribers. */
export class RoutingNotifier implements Notifier {
  constructor(
    private readonly subscribers: Notifier,
    private readonly operators: Notifier,
  ) {}

  publish(alert: Alert): Promise<{ messageId: string }> {
    return alert.kind === 'source-health' ? this.operators.publish(alert) : this.subscribers.publish(alert);
  }
}

/** For local runs without a topic: prints the alert and appends it to an outbox file (JSON lines). */
export class LocalNotifier implements Notifier {
  private counter = 0;

  constructor(
    private readonly outboxPath: string,
    private readonly print: (text: string) => void = (text) => console.log(text),
  ) {}

  async publish(alert: Alert): Promise<{ messageId: string }> {
    const messageId = `local-${alert.alertId}-${++this.counter}`;
    await mkdir(dirname(this.outboxPath), { recursive: true });
    const attributes = Object.fromEntries(
      Object.entries(messageAttributes(alert)).map(([k, v]) => [k, v.DataType === 'String.Array' ? (JSON.parse(v.StringValue ?? '[]') as unknown) : v.StringValue]),
    );
    await appendFile(
      this.outboxPath,
      `${JSON.stringify({ messageId, alertId: alert.alertId, kind: alert.kind, severity: alert.severity, createdAt: alert.createdAt, subject: alert.message.subject, sms: alert.message.sms, attributes })}\n`,
    );
    this.print(`\n🔔 ALERT ${alert.severity.toUpperCase()} ${alert.message.subject}\n${alert.message.email.replace(/^/gm, '   ')}\n`);
    return { messageId };
  }
}
