import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LocalNotifier,
  RoutingNotifier,
  SnsNotifier,
  backoffDelay,
  isRetryablePublishError,
  messageAttributes,
  type Notifier,
} from '../../functions/alerting/notifier';
import type { Alert } from '../../functions/core/model';

const alert: Alert = {
  alertId: 'a1b2c3',
  kind: 'surge',
  subject: { type: 'series', id: 'fi.southeast.russians-entering' },
  severity: 'warning',
  state: 'pending',
  createdAt: '2022-09-23T06:00:00.000Z',
  period: '2022-09-22',
  sourceId: 'demo-fi-southeast',
  country: 'FI',
  message: { subject: '[borderwatch] Surge', sms: 'borderwatch Surge: 5,959', email: 'Surge detected.', json: { alertId: 'a1b2c3', value: 5959 } },
  evidence: { value: 5959 },
  attempts: 0,
};

const TOPIC = 'arn:aws:sns:eu-north-1:123456789012:alerts';
const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

/** A notifier whose waits are recorded instead of slept, with jitter fixed at its maximum. */
function notifierWithRecordedWaits(maxAttempts = 4) {
  const waits: number[] = [];
  const notifier = new SnsNotifier(new SNSClient({ region: 'eu-north-1' }), TOPIC, {
    maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.999,
  });
  return { notifier, waits };
}

const snsError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('SNS notifier', () => {
  it('publishes one message per channel with MessageStructure json and the filter attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'mid-42' });
    const { notifier } = notifierWithRecordedWaits();
    const { messageId } = await notifier.publish(alert);
    expect(messageId).toBe('mid-42');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TopicArn: TOPIC,
      Subject: '[borderwatch] Surge',
      MessageStructure: 'json',
      Message: JSON.stringify({ default: JSON.stringify({ alertId: 'a1b2c3', value: 5959 }), email: 'Surge detected.', sms: 'borderwatch Surge: 5,959' }),
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'surge' },
        severity: { DataType: 'String', StringValue: 'warning' },
        country: { DataType: 'String', StringValue: 'FI' },
        source: { DataType: 'String', StringValue: 'demo-fi-southeast' },
        series: { DataType: 'String', StringValue: 'fi.southeast.russians-entering' },
        channels: { DataType: 'String.Array', StringValue: '["email","sms"]' },
      },
    });
  });

  it('retries a throttled publish with growing waits and returns the id of the publish that succeeded', async () => {
    sns.on(PublishCommand).rejectsOnce(snsError('ThrottledException', 429)).rejectsOnce(snsError('Throttling', 400)).resolves({ MessageId: 'mid-3' });
    const { notifier, waits } = notifierWithRecordedWaits();
    await expect(notifier.publish(alert)).resolves.toEqual({ messageId: 'mid-3' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(waits).toEqual([99, 199]);
  });

  it('retries a 5xx answer from SNS', async () => {
    sns.on(PublishCommand).rejectsOnce(snsError('InternalErrorException', 500)).resolves({ MessageId: 'mid-2' });
    const { notifier } = notifierWithRecordedWaits();
    await expect(notifier.publish(alert)).resolves.toEqual({ messageId: 'mid-2' });
  });

  it('retries a publish that timed out', async () => {
    sns.on(PublishCommand).rejectsOnce(snsError('TimeoutError')).resolves({ MessageId: 'mid-2' });
    const { notifier } = notifierWithRecordedWaits();
    await expect(notifier.publish(alert)).resolves.toEqual({ messageId: 'mid-2' });
  });

  it('gives up after the configured number of attempts and surfaces the last error', async () => {
    sns.on(PublishCommand).rejects(snsError('ThrottledException', 429));
    const { notifier, waits } = notifierWithRecordedWaits(3);
    await expect(notifier.publish(alert)).rejects.toThrow('ThrottledException happened');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 3);
    expect(waits).toHaveLength(2);
  });

  it('does not retry a request SNS rejected as invalid', async () => {
    sns.on(PublishCommand).rejects(snsError('InvalidParameterException', 400));
    const { notifier, waits } = notifierWithRecordedWaits();
    await expect(notifier.publish(alert)).rejects.toThrow('InvalidParameterException happened');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(waits).toEqual([]);
  });

  it('publishes announcement topics as a String.Array attribute and leaves out the series attribute', () => {
    const attributes = messageAttributes({ ...alert, kind: 'announcement', subject: { type: 'announcement', id: 'x' }, topics: ['closure', 'visa'] });
    expect(attributes['topics']).toEqual({ DataType: 'String.Array', StringValue: '["closure","visa"]' });
    expect(attributes['series']).toBeUndefined();
  });

  it('publishes the flood-control decision as the channels attribute', () => {
    expect(messageAttributes({ ...alert, channels: ['email'] })['channels']).toEqual({ DataType: 'String.Array', StringValue: '["email"]' });
  });
});

describe('retry policy', () => {
  it('classifies throttling, 5xx, timeouts and dropped connections as retryable', () => {
    for (const error of [snsError('ThrottledException'), snsError('KMSThrottlingException'), snsError('Whatever', 503), snsError('TimeoutError'), Object.assign(new Error('reset'), { code: 'ECONNRESET' })]) {
      expect(isRetryablePublishError(error)).toBe(true);
    }
  });

  it('classifies what the request got wrong as not retryable', () => {
    for (const error of [snsError('InvalidParameterException', 400), snsError('AuthorizationErrorException', 403), snsError('NotFoundException', 404), snsError('KMSAccessDeniedException', 400), 'a string']) {
      expect(isRetryablePublishError(error)).toBe(false);
    }
  });

  it('caps the backoff and draws the wait below the cap', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, { ...policy, random: () => 0.5 })).toBe(50);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(10, { ...policy, random: () => 0.999 })).toBe(999);
  });
});

describe('routing notifier', () => {
  const recorder = (name: string, into: string[]): Notifier => ({
    publish: async (a) => {
      into.push(`${name}:${a.kind}`);
      return { messageId: name };
    },
  });

  it('sends source-health alerts to the operators and every other kind to the subscribers', async () => {
    const sent: string[] = [];
    const notifier = new RoutingNotifier(recorder('subscribers', sent), recorder('operators', sent));
    await notifier.publish(alert);
    await notifier.publish({ ...alert, kind: 'source-health', subject: { type: 'source', id: 'demo-fi-southeast' } });
    await notifier.publish({ ...alert, kind: 'announcement' });
    expect(sent).toEqual(['subscribers:surge', 'operators:source-health', 'subscribers:announcement']);
  });
});

describe('local notifier', () => {
  it('prints the alert and appends it to the outbox as one JSON line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-outbox-'));
    const printed: string[] = [];
    const notifier = new LocalNotifier(join(dir, 'outbox.jsonl'), (t) => printed.push(t));
    await notifier.publish(alert);
    await notifier.publish({ ...alert, alertId: 'second' });
    const lines = (await readFile(join(dir, 'outbox.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.alertId)).toEqual(['a1b2c3', 'second']);
    expect(lines[0]).toMatchObject({ kind: 'surge', sms: 'borderwatch Surge: 5,959', attributes: { country: 'FI', series: 'fi.southeast.russians-entering', channels: ['email', 'sms'] } });
    expect(printed[0]).toContain('Surge detected.');
  });
});
