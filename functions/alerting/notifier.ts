import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../core/model';

/** Hands an alert to its subscribers. Returns the id under which the channel accepted it. */
export interface Notifier {
  publish(alert: Alert): Promise<{ messageId: string }>;
}

/**
 * Message attributes on every publish, so SNS subscription filter policies can choose what each
 * subscriber receives (by kind, severity, country, source, series).
 */
export function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const attributes: Record<string, string | undefined> = {
    kind: alert.kind,
    severity: alert.severity,
    country: alert.country,
    source: alert.sourceId,
    series: alert.subject.type === 'series' ? alert.subject.id : undefined,
  };
  return Object.fromEntries(
    Object.entries(attributes)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
      .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** Publishes with MessageStructure json: one text for email, one for SMS, JSON for machines. */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: Alert): Promise<{ messageId: string }> {
    const result = await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alert.message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: JSON.stringify(alert.message.json),
          email: alert.message.email,
          sms: alert.message.sms,
        }),
        MessageAttributes: messageAttributes(alert),
      }),
    );
    if (!result.MessageId) throw new Error('SNS accepted the publish but returned no MessageId');
    return { messageId: result.MessageId };
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
    await appendFile(
      this.outboxPath,
      `${JSON.stringify({ messageId, alertId: alert.alertId, kind: alert.kind, severity: alert.severity, createdAt: alert.createdAt, subject: alert.message.subject, sms: alert.message.sms, attributes: Object.fromEntries(Object.entries(messageAttributes(alert)).map(([k, v]) => [k, v.StringValue])) })}\n`,
    );
    this.print(`\n🔔 ALERT ${alert.severity.toUpperCase()} ${alert.message.subject}\n${alert.message.email.replace(/^/gm, '   ')}\n`);
    return { messageId };
  }
}
