import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template, Match, Capture } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../functions/store/table-schema';
import type { BorderwatchStack } from '../../lib/borderwatch-stack';
import { buildTestApp } from './helpers';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

let stack: BorderwatchStack;
let template: Template;
let assemblyDir: string;

beforeAll(() => {
  const built = buildTestApp({
    'borderwatch:alertEmails': ['alerts@example.org'],
    'borderwatch:alertSms': ['+358401234567'],
    'borderwatch:operatorEmails': ['ops@example.org'],
    'borderwatch:logRetentionDays': 90,
  });
  stack = built.stack;
  template = Template.fromStack(stack);
  assemblyDir = built.app.synth().directory;
}, 60_000);

const only = (type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(found).toHaveLength(1);
  return found[0]!;
};
const ref = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
/** The stack has two functions (scrape, query): these tests are about the scrape function. */
const scrapeFunction = (): [string, Resource] => {
  const id = stack.getLogicalId(stack.scraping.function.node.defaultChild as any);
  return [id, template.toJSON().Resources[id] as Resource];
};

describe('scrape function', () => {
  it('runs Node.js 24 on arm64 with explicit memory and timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 300,
      Handler: 'index.handler',
    });
  });

  it('gets the table name, both topic ARNs, the contact URL and source maps from its environment', () => {
    const [, fn] = scrapeFunction();
    expect(fn.Properties.Environment.Variables).toEqual({
      TABLE_NAME: { Ref: stack.getLogicalId(stack.store.table.node.defaultChild as any) },
      ALERT_TOPIC_ARN: { Ref: stack.getLogicalId(stack.alerting.alertTopic.node.defaultChild as any) },
      OPERATOR_TOPIC_ARN: { Ref: stack.getLogicalId(stack.alerting.operatorTopic.node.defaultChild as any) },
      USER_AGENT_CONTACT: 'https://github.com/borderwatch/borderwatch',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('logs JSON into its own log group with the configured retention', () => {
    const [, fn] = scrapeFunction();
    const logGroupId = stack.getLogicalId(stack.scraping.function.functionLogGroup.node.defaultChild as any);
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
    expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
  });

  it('is bundled as ESM whose bundled CommonJS dependencies can still require()', async () => {
    const [, fn] = scrapeFunction();
    const assetHash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = join(assemblyDir, `asset.${assetHash}`, 'index.mjs');
    const source = readFileSync(bundle, 'utf8');
    expect(source).toMatch(/createRequire/);
    expect(source).not.toMatch(/@aws-sdk\/client-/); // SDK comes from the runtime
    expect(readFileSync(`${bundle}.map`, 'utf8')).toContain('"mappings"');
    // Without the createRequire banner this import fails with "Dynamic require of node:path is not supported".
    const module = (await import(pathToFileURL(bundle).href)) as { handler: (e: unknown) => Promise<unknown> };
    await expect(module.handler({ runAt: '2026-11-27T09:00:00Z' })).resolves.toEqual({
      runAt: '2026-11-27T09:00:00Z',
      sourceIds: [],
      module: 'index.mjs',
    });
  });

  it('retries a failed run twice within an hour, then sends it to the failed-run queue', () => {
    const failedRunQueue = stack.getLogicalId(stack.scraping.failedRunQueue.node.defaultChild as any);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: ref(failedRunQueue) } },
    });
  });
});

describe('schedules', () => {
  it('creates one schedule per distinct expression of the enabled sources', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
    expect(schedules.map((s) => s.Properties.ScheduleExpression).sort()).toEqual(['cron(0 9 * * ? *)', 'rate(1 hour)']);
    for (const schedule of schedules) expect(schedule.Properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
  });

  it('passes the scheduled time and the ids of the sources that share the expression', () => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: input }),
    });
    expect(JSON.parse(input.asString())).toEqual({ runAt: '<aws.scheduler.scheduled-time>', sourceIds: ['fi-demo', 'ee-demo'] });
  });

  it('invokes the scrape function within a flexible window, retrying and dead-lettering what it cannot deliver', () => {
    const fn = stack.getLogicalId(stack.scraping.function.node.defaultChild as any);
    const dlq = stack.getLogicalId(stack.scraping.schedulerDeadLetterQueue.node.defaultChild as any);
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
    for (const schedule of schedules) {
      expect(schedule.Properties.FlexibleTimeWindow).toEqual({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 });
      expect(schedule.Properties.Target).toMatchObject({
        Arn: ref(fn),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: ref(dlq) },
      });
    }
  });

  it('keeps the scheduler dead-letter queue and the failed-run queue apart', () => {
    expect(stack.scraping.schedulerDeadLetterQueue).not.toBe(stack.scraping.failedRunQueue);
  });
});

describe('table', () => {
  it('has the keys and indexes of TABLE_SCHEMA, all strings', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    for (const attribute of table.Properties.AttributeDefinitions) expect(attribute.AttributeType).toBe('S');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true });
  });

  it('is on-demand, point-in-time recoverable, protected from deletion and retained', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('is encrypted with its own rotated, retained customer-managed key', () => {
    const key = stack.getLogicalId(stack.store.key.node.defaultChild as any);
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: ref(key) });
    const keyResource = template.toJSON().Resources[key] as Resource;
    expect(keyResource.Properties.EnableKeyRotation).toBe(true);
    expect(keyResource.DeletionPolicy).toBe('Retain');
  });
});

describe('alerting', () => {
  it('encrypts both topics with the rotated topic key', () => {
    const key = stack.getLogicalId(stack.alerting.key.node.defaultChild as any);
    const topics = Object.values(template.findResources('AWS::SNS::Topic')) as Resource[];
    expect(topics).toHaveLength(2);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toEqual(ref(key));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('topics') });
  });

  it('denies publishing to either topic without TLS', () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('subscribes each configured endpoint with its own encrypted, SSL-only dead-letter queue', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')) as Resource[];
    expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.Endpoint]).sort()).toEqual([
      ['email', 'alerts@example.org'],
      ['email', 'ops@example.org'],
      ['sms', '+358401234567'],
    ]);
    const queues = new Set(subscriptions.map((s) => JSON.stringify(s.Properties.RedrivePolicy.deadLetterTargetArn)));
    expect(queues.size).toBe(3);
  });

  it('lets CloudWatch alarms of this account publish to the operators topic and use its key', () => {
    const operatorTopic = stack.getLogicalId(stack.alerting.operatorTopic.node.defaultChild as any);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: operatorTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        ]),
      },
    });
  });
});

describe('queues', () => {
  it('are all encrypted, SSL-only and keep messages for 14 days', () => {
    const queues = template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    // scheduler DLQ, failed-run queue, three subscription DLQs
    expect(Object.keys(queues)).toHaveLength(5);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as Resource[];
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const policy = policies.find((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]));
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('alarms', () => {
  it('alarm on any message in each dead-letter queue and on function errors, notifying operators', () => {
    const operatorTopic = { Ref: stack.getLogicalId(stack.alerting.operatorTopic.node.defaultChild as any) };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const queueAlarms = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(queueAlarms).toHaveLength(5);
    const errorAlarms = alarms.filter((a) => a.Properties.MetricName === 'Errors' && a.Properties.Namespace === 'AWS/Lambda');
    expect(errorAlarms).toHaveLength(1);
    for (const alarm of [...queueAlarms, ...errorAlarms]) {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [operatorTopic], OKActions: [operatorTopic] });
    }
  });
});

describe('IAM', () => {
  const statements = () =>
    (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);

  it('grants no action containing a wildcard', () => {
    const actions = statements().flatMap((s) => [s.Action].flat());
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action: string) => action.includes('*'))).toEqual([]);
  });

  it('grants on no bare "*" resource', () => {
    expect(statements().filter((s) => [s.Resource].flat().includes('*'))).toEqual([]);
  });

  it('lets the scrape function touch items but not scan, stream or manage the table', () => {
    const table = stack.getLogicalId(stack.store.table.node.defaultChild as any);
    const tableStatement = statements().find((s) => JSON.stringify(s.Resource).includes(table));
    expect(tableStatement.Action).not.toContain('dynamodb:Scan');
    expect(tableStatement.Action.every((a: string) => /^dynamodb:(Get|BatchGet|Query|ConditionCheck|Put|Update|Delete|BatchWrite)Item$|^dynamodb:Query$/.test(a))).toBe(true);
  });

  it('lets the function use the keys only through DynamoDB and SNS', () => {
    const kms = statements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kms).toHaveLength(3); // scrape: table key and topic key; query: table key (decrypt only)
    for (const statement of kms) expect(statement.Condition.StringEquals['kms:ViaService']).toBeDefined();
  });

  it('gives every role its own policy and no managed policies', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles).toHaveLength(3); // scrape function, query function, scheduler
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('the template', () => {
  it('names no physical resources', () => {
    const named = Object.values(template.toJSON().Resources as Record<string, Resource>).filter((r) =>
      Object.keys(r.Properties ?? {}).some((key) => /^(TableName|TopicName|QueueName|FunctionName|LogGroupName|RoleName|Name|AlarmName)$/.test(key) && !['AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Permission', 'AWS::ApiGatewayV2::Api'].includes(r.Type)),
      // EventInvokeConfig and Permission name their function by reference; an HTTP API's Name is required
      // by CloudFormation and need not be unique, so it is a label, not a physical name.
    );
    expect(named).toEqual([]);
  });
});
