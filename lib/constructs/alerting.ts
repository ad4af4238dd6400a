import { createHash } from 'node:crypto';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

export interface AlertingProps {
  /** Subscribers of the alert topic: people who want to hear about anomalies. */
  readonly alertEmails: readonly string[];
  readonly alertSms: readonly string[];
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

    for (const email of props.alertEmails) this.subscribe(this.alertTopic, 'AlertEmail', sns.SubscriptionProtocol.EMAIL, email);
    for (const phone of props.alertSms) this.subscribe(this.alertTopic, 'AlertSms', sns.SubscriptionProtocol.SMS, phone);
    for (const email of props.operatorEmails) this.subscribe(this.operatorTopic, 'OperatorEmail', sns.SubscriptionProtocol.EMAIL, email);
  }

  // sns.Subscription rather than aws-sns-subscriptions: SmsSubscription silently drops deadLetterQueue.
  private subscribe(topic: sns.Topic, kind: string, protocol: sns.SubscriptionProtocol, endpoint: string): void {
    const id = endpointId(kind, endpoint);
    const deadLetterQueue = new DeadLetterQueue(this, `${id}DeadLetterQueue`, {
      holds: `${kind} notifications SNS could not deliver`,
    });
    this.subscriptionDeadLetterQueues.push(deadLetterQueue);
    new sns.Subscription(this, id, { topic, protocol, endpoint, deadLetterQueue });
  }
}
