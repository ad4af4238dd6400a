import { createHash } from 'node:crypto';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

/** Message attributes a subscriber can filter on (every publish carries them; see docs/alerting.md). */
export const FILTER_KEYS = ['kind', 'severity', 'country', 'source', 'series', 'topics'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** Allow-lists per message attribute: a subscriber receives an alert when every listed key matches one of its values. */
export type AlertFilter = Partial<Record<FilterKey, readonly string[]>>;

export interface AlertSubscription {
  readonly protocol: 'email' | 'sms' | 'https';
  /** An email address, an E.164 phone number or an https URL. */
  readonly endpoint: string;
  readonly filter?: AlertFilter;
}

/** SNS limits on one filter policy: at most 5 attribute names, at most 150 combinations of values. */
export const MAX_FILTER_KEYS = 5;
export const MAX_FILTER_COMBINATIONS = 150;

/**
 * The flood-control attribute people's subscriptions filter on: the `channels` attribute of an
 * alert lists the subscriber classes it may reach (functions/alerting/cooldown.ts). Machine
 * subscribers (HTTPS) get every alert.
 */
const CHANNEL_OF: Record<AlertSubscription['protocol'], string | undefined> = { email: 'email', sms: 'sms', https: undefined };

/** The filter policy of a subscription as attribute -> allowed values, flood control included. */
export function filterPolicyOf(subscription: AlertSubscription): Record<string, string[]> {
  const policy: Record<string, string[]> = {};
  for (const key of FILTER_KEYS) {
    const values = subscription.filter?.[key];
    if (values && values.length > 0) policy[key] = [...new Set(values)];
  }
  const channel = CHANNEL_OF[subscription.protocol];
  if (channel) policy['channels'] = [channel];
  return policy;
}

/** What SNS would reject about a subscription's filter policy, in words; empty when it is fine. */
export function filterPolicyProblems(subscription: AlertSubscription): string[] {
  const policy = filterPolicyOf(subscription);
  const keys = Object.keys(policy);
  const problems: string[] = [];
  const userKeys = keys.filter((key) => key !== 'channels');
  if (keys.length > MAX_FILTER_KEYS) {
    problems.push(
      `filters on ${userKeys.length} attributes (${userKeys.join(', ')}); SNS allows ${MAX_FILTER_KEYS} per subscription${keys.includes('channels') ? `, and ${subscription.protocol} subscriptions use one for flood control ("channels")` : ''}`,
    );
  }
  const combinations = Object.values(policy).reduce((product, values) => product * values.length, 1);
  if (combinations > MAX_FILTER_COMBINATIONS) {
    problems.push(`has ${combinations} combinations of filter values; SNS allows ${MAX_FILTER_COMBINATIONS}`);
  }
  return problems;
}

export interface AlertingProps {
  /** Subscribers of the alert topic who receive every alert (flood control aside). */
  readonly alertEmails: readonly string[];
  readonly alertSms: readonly string[];
  /** Subscribers of the alert topic, each with its own filter: email, SMS or HTTPS. */
  readonly subscriptions?: readonly AlertSubscription[];
  /** Subscribers of the operators' topic: people who keep borderwatch itself healthy. */
  readonly operatorEmails: readonly string[];
}

// Keyed by the endpoint, not its position, so reordering the list does not recreate subscriptions
// (each new email subscription has to be confirmed again).
const endpointId = (kind: string, endpoint: string) =>
  `${kind}-${createHash('sha256').update(endpoint.toLowerCase()).digest('hex').slice(0, 10)}`;

/**
 * Two KMS-encrypted, SSL-only topics: alerts for subscribers, and operators' notifications about
 * the health of sources and of borderwatch itself (CloudWatch alarms publish there). Every
 * subscription has its own dead-letter queue so a failed delivery is kept, not lost.
 */
export class Alerting extends Construct {
  readonly alertTopic: sns.Topic;
  readonly operatorTopic: sns.Topic;
  readonly key: kms.Key;
  readonly subscriptionDeadLetterQueues: DeadLetterQueue[] = [];

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the borderwatch alert and operators topics',
      enableKeyRotation: true,
    });
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'borderwatch alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.operatorTopic = new sns.Topic(this, 'OperatorTopic', {
      displayName: 'borderwatch operators',
      masterKey: this.key,
      enforceSSL: true,
    });

    // CloudWatch alarms publish as the CloudWatch service, which needs the topic and the key; both
    // grants are limited to alarms of this account and region (confused-deputy protection).
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.operatorTopic.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.operatorTopic.topicArn], conditions: fromOurAlarms }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['*'], conditions: fromOurAlarms }),
    );

    const alertSubscriptions: Array<{ kind: string; subscription: AlertSubscription }> = [
      ...props.alertEmails.map((endpoint) => ({ kind: 'AlertEmail', subscription: { protocol: 'email' as const, endpoint } })),
      ...props.alertSms.map((endpoint) => ({ kind: 'AlertSms', subscription: { protocol: 'sms' as const, endpoint } })),
      ...(props.subscriptions ?? []).map((subscription) => ({ kind: `Subscription${PROTOCOL_ID[subscription.protocol]}`, subscription })),
    ];
    // SNS keeps one subscription per topic, protocol and endpoint: a second one would fail the deploy.
    const seen = new Set<string>();
    for (const { subscription } of alertSubscriptions) {
      const identity = `${subscription.protocol}:${subscription.endpoint.toLowerCase()}`;
      if (seen.has(identity)) throw new Error(`alert subscription ${subscription.protocol} "${subscription.endpoint}" is configured twice; give it one filter`);
      seen.add(identity);
      const problems = filterPolicyProblems(subscription);
      if (problems.length > 0) throw new Error(`alert subscription ${subscription.protocol} "${subscription.endpoint}": ${problems.join('; ')}`);
    }
    for (const { kind, subscription } of alertSubscriptions) {
      this.subscribe(this.alertTopic, kind, PROTOCOL[subscription.protocol], subscription.endpoint, filterPolicyOf(subscription));
    }
    for (const email of props.operatorEmails) this.subscribe(this.operatorTopic, 'OperatorEmail', sns.SubscriptionProtocol.EMAIL, email, {});
  }

  // sns.Subscription rather than aws-sns-subscriptions: SmsSubscription silently drops deadLetterQueue.
  private subscribe(topic: sns.Topic, kind: string, protocol: sns.SubscriptionProtocol, endpoint: string, policy: Record<string, string[]>): void {
    const id = endpointId(kind, endpoint);
    const deadLetterQueue = new DeadLetterQueue(this, `${id}DeadLetterQueue`, {
      holds: `${kind} notifications SNS could not deliver`,
    });
    this.subscriptionDeadLetterQueues.push(deadLetterQueue);
    const filterPolicy = Object.fromEntries(
      Object.entries(policy).map(([key, allowlist]) => [key, sns.SubscriptionFilter.stringFilter({ allowlist })]),
    );
    new sns.Subscription(this, id, {
      topic,
      protocol,
      endpoint,
      deadLetterQueue,
      ...(Object.keys(filterPolicy).length > 0 ? { filterPolicy } : {}),
    });
  }
}

const PROTOCOL: Record<AlertSubscription['protocol'], sns.SubscriptionProtocol> = {
  email: sns.SubscriptionProtocol.EMAIL,
  sms: sns.SubscriptionProtocol.SMS,
  https: sns.SubscriptionProtocol.HTTPS,
};
const PROTOCOL_ID: Record<AlertSubscription['protocol'], string> = { email: 'Email', sms: 'Sms', https: 'Https' };
