import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalNotifier, SnsNotifier, messageAttributes } from '../../functions/alerting/notifier';
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

const sns = mockClient(SNSClient);
beforeEach(() => sns.reset());

describe('SNS notifier', () => {
  it('publishes one message per channel with MessageStructure json and the filter attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'mid-42' });
    const notifier = new SnsNotifier(new SNSClient({ region: 'eu-north-1' }), 'arn:aws:sns:eu-north-1:123456789012:alerts');
    const { messageId } = await notifier.publish(alert);
    expect(messageId).toBe('mid-42');
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TopicArn: 'arn:aws:sns:eu-north-1:123456789012:alerts',
      Subject: '[borderwatch] Surge',
      MessageStructure: 'json',
      Message: JSON.stringify({ default: JSON.stringify({ alertId: 'a1b2c3', value: 5959 }), email: 'Surge detected.', sms: 'borderwatch Surge: 5,959' }),
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'surge' },
        severity: { DataType: 'String', StringValue: 'warning' },
        country: { DataType: 'String', StringValue: 'FI' },
        source: { DataType: 'String', StringValue: 'demo-fi-southeast' },
        series: { DataType: 'String', StringValue: 'fi.southeast.russians-entering' },
      },
    });
  });

  it('surfaces an SNS failure to the caller, so the alert stays pending', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const notifier = new SnsNotifier(new SNSClient({ region: 'eu-north-1' }), 'arn:aws:sns:eu-north-1:123456789012:alerts');
    await expect(notifier.publish(alert)).rejects.toThrow('Rate exceeded');
  });

  it('leaves out the series attribute for alerts that are not about a series', () => {
    const attributes = messageAttributes({ ...alert, kind: 'announcement', subject: { type: 'announcement', id: 'x' } });
    expect(Object.keys(attributes).sort()).toEqual(['country', 'kind', 'severity', 'source']);
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
    expect(lines[0]).toMatchObject({ kind: 'surge', sms: 'borderwatch Surge: 5,959', attributes: { country: 'FI', series: 'fi.southeast.russians-entering' } });
    expect(printed[0]).toContain('Surge detected.');
  });
});
