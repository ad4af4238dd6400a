import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
const fnOf = (construct: { node: { defaultChild?: unknown } }): [string, Resource] => {
  const id = stack.getLogicalId(construct.node.defaultChild as any);
  return [id, template.toJSON().Resources[id] as Resource];
};
const tableRef = () => ({ Ref: stack.getLogicalId(stack.store.table.node.defaultChild as any) });

describe('functions', () => {
  it('all run Node.js 24 on arm64 with explicit memory and timeout', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    const ours = functions.filter((f) => f.Properties.Handler === 'index.handler');
    expect(ours).toHaveLength(6); // dispatch, fetch, parse, detect, publish, query
    for (const fn of ours) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(256);
      expect(fn.Properties.Timeout).toBeGreaterThan(0);
    }
  });

  it('give each function exactly the environment it reads', () => {
    const env = (c: { node: { defaultChild?: unknown } }) => fnOf(c)[1].Properties.Environment.Variables;
    const topic = (t: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(t.node.defaultChild as any) });
    expect(env(stack.scraping.dispatchFunction)).toEqual({
      TABLE_NAME: tableRef(),
      FETCH_QUEUE_URL: { Ref: stack.getLogicalId(stack.scraping.fetchQueue.node.defaultChild as any) },
      NODE_OPTIONS: '--enable-source-maps',
    });
    const bucket = { Ref: stack.getLogicalId(stack.store.documents.node.defaultChild as any) };
    expect(env(stack.scraping.fetchFunction)).toEqual({
      TABLE_NAME: tableRef(),
      DOCUMENT_BUCKET: bucket,
      PARSE_QUEUE_URL: { Ref: stack.getLogicalId(stack.scraping.parseQueue.node.defaultChild as any) },
      USER_AGENT_CONTACT: 'https://github.com/borderwatch/borderwatch',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(env(stack.scraping.parseFunction)).toEqual({ TABLE_NAME: tableRef(), DOCUMENT_BUCKET: bucket, NODE_OPTIONS: '--enable-source-maps' });
    expect(env(stack.detection.detectFunction)).toEqual({ TABLE_NAME: tableRef(), NODE_OPTIONS: '--enable-source-maps' });
    expect(env(stack.detection.publishFunction)).toEqual({
      TABLE_NAME: tableRef(),
      ALERT_TOPIC_ARN: topic(stack.alerting.alertTopic),
      OPERATOR_TOPIC_ARN: topic(stack.alerting.operatorTopic),
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('log JSON into their own log groups with the configured retention', () => {
    const [, fn] = fnOf(stack.scraping.fetchFunction);
    const logGroupId = stack.getLogicalId(stack.scraping.fetchFunction.functionLogGroup.node.defaultChild as any);
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
    expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
  });

  it('are bundled as minified ESM with source maps, the SDK left to the runtime and the validated sources file beside the handler', () => {
    for (const construct of [stack.scraping.dispatchFunction, stack.scraping.fetchFunction, stack.detection.detectFunction]) {
      const [, fn] = fnOf(construct);
      const dir = join(assemblyDir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      const source = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(source).toMatch(/createRequire/);
      expect(source).not.toMatch(/@aws-sdk\/client-[a-z]+\/dist-cjs/); // SDK comes from the runtime
      expect(readFileSync(join(dir, 'index.mjs.map'), 'utf8')).toContain('"mappings"');
      expect(JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8')).sources.map((s: { id: string }) => s.id)).toContain('fi-demo');
    }
  });

  it('retries a failed dispatch twice within an hour, then sends it to the failed-run queue', () => {
    const failedRunQueue = stack.getLogicalId(stack.scraping.failedRunQueue.node.defaultChild as any);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: stack.getLogicalId(stack.scraping.dispatchFunction.node.defaultChild as any) },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: ref(failedRunQueue) } },
    });
  });
});

describe('fetch queue', () => {
  it('is an encrypted FIFO queue whose failed jobs go to a FIFO dead-letter queue after three receives', () => {
    const [, queue] = fnOf(stack.scraping.fetchQueue);
    const dlq = stack.getLogicalId(stack.scraping.fetchDeadLetterQueue.node.defaultChild as any);
    expect(queue.Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720, // six times the fetch function's 2-minute timeout
      RedrivePolicy: { deadLetterTargetArn: ref(dlq), maxReceiveCount: 3 },
    });
    expect(fnOf(stack.scraping.fetchDeadLetterQueue)[1].Properties.FifoQueue).toBe(true);
  });

  it('feeds the fetch workers in small batches with bounded concurrency and partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(stack.scraping.fetchFunction.node.defaultChild as any) },
      EventSourceArn: ref(stack.getLogicalId(stack.scraping.fetchQueue.node.defaultChild as any)),
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('document archive', () => {
  it('is a private, SSL-only, versioned bucket encrypted with the store key (bucket key on) and retained', () => {
    const [id, bucket] = only('AWS::S3::Bucket');
    expect(id).toBe(stack.getLogicalId(stack.store.documents.node.defaultChild as any));
    expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [stack.getLogicalId(stack.store.key.node.defaultChild as any), 'Arn'] } } },
        ],
      },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })] },
    });
    const [, policy] = only('AWS::S3::BucketPolicy');
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
  });
});

describe('parse queue', () => {
  it('is an encrypted FIFO queue the fetch function may send to, whose failed hand-overs go to a FIFO dead-letter queue after three receives', () => {
    const parseQueue = stack.getLogicalId(stack.scraping.parseQueue.node.defaultChild as any);
    const [, queue] = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) => id === parseQueue)! as [string, Resource];
    expect(queue.Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.scraping.parseDeadLetterQueue.node.defaultChild as any), 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(fnOf(stack.scraping.fetchFunction)[1].Properties.Environment.Variables.PARSE_QUEUE_URL).toEqual({ Ref: parseQueue });
    const sends = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[])
      .flatMap((p) => p.Properties.PolicyDocument.Statement as any[])
      .filter((st) => JSON.stringify(st.Resource).includes(parseQueue));
    expect(sends.map((st) => st.Action)).toEqual([expect.arrayContaining(['sqs:SendMessage']), expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage'])]);
  });

  it('feeds the parse function in batches of 10 with partial batch failures and at most 5 at once', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(stack.scraping.parseFunction.node.defaultChild as any) },
      EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.scraping.parseQueue.node.defaultChild as any), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('leaves the table stream to two readers, detect and publish (DynamoDB throttles a shard with more)', () => {
    const table = stack.getLogicalId(stack.store.table.node.defaultChild as any);
    const onStream = (Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as Resource[]).filter((m) => JSON.stringify(m.Properties.EventSourceArn).includes(table));
    expect(onStream.map((m) => m.Properties.FunctionName.Ref).sort()).toEqual(
      [stack.detection.detectFunction, stack.detection.publishFunction].map((f) => stack.getLogicalId(f.node.defaultChild as any)).sort(),
    );
  });
});

describe('stream consumers', () => {
  type Construct = { node: { defaultChild?: unknown } };
  /** The stream mapping of a function that retries on its own and ends in its failure queue: its filter pattern. */
  const retryingStreamFilter = (fn: Construct, failureQueue: Construct): unknown => {
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(fn.node.defaultChild as any) },
      EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.store.table.node.defaultChild as any), 'StreamArn'] },
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: pattern }] },
      DestinationConfig: { OnFailure: { Destination: ref(stack.getLogicalId(failureQueue.node.defaultChild as any)) } },
    });
    return JSON.parse(pattern.asString());
  };

  it('the detect function reads only new ok snapshots from the table stream, and hands batches it cannot judge to a failure queue', () => {
    expect(retryingStreamFilter(stack.detection.detectFunction, stack.detection.detectFailureQueue)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { SK: { S: [{ prefix: 'SNAP#' }] } }, NewImage: { outcome: { S: ['ok'] } } },
    });
  });

  it('the publish function reads only newly recorded alerts', () => {
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: stack.getLogicalId(stack.detection.publishFunction.node.defaultChild as any) },
      FilterCriteria: { Filters: [{ Pattern: pattern }] },
    });
    expect(JSON.parse(pattern.asString())).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: ['ALERT'] } } } });
  });

  it('a sweeper runs the publish function every 15 minutes for alerts still pending', () => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ Arn: ref(stack.getLogicalId(stack.detection.publishFunction.node.defaultChild as any)), Input: input }),
    });
    expect(JSON.parse(input.asString())).toEqual({ sweep: true });
  });
});

describe('schedules', () => {
  const sourceSchedules = () => (Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[]).filter((s) => s.Properties.ScheduleExpression !== 'rate(15 minutes)');

  it('creates one schedule per distinct expression of the enabled sources', () => {
    expect(sourceSchedules().map((s) => s.Properties.ScheduleExpression).sort()).toEqual(['cron(0 9 * * ? *)', 'rate(1 hour)']);
    for (const schedule of sourceSchedules()) expect(schedule.Properties.ScheduleExpressionTimezone).toBe('Etc/UTC');
  });

  it('passes the scheduled time and the ids of the sources that share the expression', () => {
    const input = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: input }),
    });
    expect(JSON.parse(input.asString())).toEqual({ runAt: '<aws.scheduler.scheduled-time>', sourceIds: ['fi-demo', 'ee-demo'] });
  });

  it('invokes the dispatcher within a flexible window, retrying and dead-lettering what it cannot deliver', () => {
    const fn = stack.getLogicalId(stack.scraping.dispatchFunction.node.defaultChild as any);
    const dlq = stack.getLogicalId(stack.scraping.schedulerDeadLetterQueue.node.defaultChild as any);
    for (const schedule of sourceSchedules()) {
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
  it('are all encrypted and SSL-only, and the failure queues keep messages for 14 days', () => {
    const queues = template.findResources('AWS::SQS::Queue') as Record<string, Resource>;
    // the fetch and parse queues; failure queues: scheduler DLQ, failed-run, fetch DLQ, parse DLQ, detect, publish, sweeper, three subscription DLQs
    expect(Object.keys(queues)).toHaveLength(12);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as Resource[];
    const workQueues = [stack.scraping.fetchQueue, stack.scraping.parseQueue].map((q) => stack.getLogicalId(q.node.defaultChild as any));
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
      if (!workQueues.includes(id)) expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      const policy = policies.find((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]));
      expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('alarms', () => {
  it('alarm on any message in each failure queue and on function errors and throttles, notifying operators', () => {
    const operatorTopic = { Ref: stack.getLogicalId(stack.alerting.operatorTopic.node.defaultChild as any) };
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const queueAlarms = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(queueAlarms).toHaveLength(10);
    const errorAlarms = alarms.filter((a) => ['Errors', 'Throttles'].includes(a.Properties.MetricName) && a.Properties.Namespace === 'AWS/Lambda');
    expect(errorAlarms).toHaveLength(12); // six functions, errors and throttles
    for (const alarm of [...queueAlarms, ...errorAlarms]) {
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [operatorTopic], OKActions: [operatorTopic] });
    }
  });
});

describe('operations', () => {
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];

  it('alarm when a source goes stale, when alerts cannot be published or wait too long, and when SNS cannot deliver', () => {
    const byMetric = (name: string) => alarms().filter((a) => a.Properties.MetricName === name);
    expect(byMetric('StaleSources')[0]!.Properties).toMatchObject({ Namespace: 'borderwatch', Dimensions: [{ Name: 'service', Value: 'dispatch' }], Threshold: 0 });
    expect(byMetric('AlertPublishFailures')[0]!.Properties).toMatchObject({ Namespace: 'borderwatch', Threshold: 0 });
    expect(byMetric('OldestPendingAlertAgeSeconds')[0]!.Properties).toMatchObject({ Threshold: 1800 });
    expect(byMetric('NumberOfNotificationsFailed')).toHaveLength(2); // alert topic and operators' topic
  });

  it('has a dashboard of fetches, anomalies, alerts, stale sources and the functions', () => {
    const [, dashboard] = only('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of ['Fetches', 'Anomalies and alerts', 'Stale sources', 'Function errors', 'Alarms']) expect(body).toContain(title);
    // Observations are stored by the parse function, fetch failures counted by both halves.
    const text = (dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'string').join('');
    expect(text).toContain('["borderwatch","ObservationsAdded","service","parse"');
    expect(text).toContain('["borderwatch","SourceFailures","service","fetch"');
    expect(text).toContain('["borderwatch","SourceFailures","service","parse"');
    expect(text).not.toContain('["borderwatch","ObservationsAdded","service","fetch"');
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

  it('grants on no bare "*" resource but dynamodb:ListStreams, which has no resource-level permissions', () => {
    const bare = statements().filter((s) => [s.Resource].flat().includes('*'));
    expect(bare.map((s) => s.Action)).toEqual(['dynamodb:ListStreams', 'dynamodb:ListStreams']); // detect and publish
  });

  it('lets the functions touch items but not scan or manage the table', () => {
    const table = stack.getLogicalId(stack.store.table.node.defaultChild as any);
    const tableStatement = statements().find((s) => JSON.stringify(s.Resource).includes(table));
    expect(tableStatement.Action).not.toContain('dynamodb:Scan');
    expect(tableStatement.Action.every((a: string) => /^dynamodb:(Get|BatchGet|Query|ConditionCheck|Put|Update|Delete|BatchWrite)Item$|^dynamodb:Query$/.test(a))).toBe(true);
  });

  it('lets the fetch function only put and the parse function only get archived documents, under documents/ of the one bucket', () => {
    const bucket = stack.getLogicalId(stack.store.documents.node.defaultChild as any);
    const onBucket = statements().filter((s) => JSON.stringify(s.Resource).includes(bucket));
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/documents/*']] };
    expect(onBucket.map((s) => [s.Action, s.Resource])).toEqual([
      ['s3:PutObject', objects],
      ['s3:GetObject', objects],
    ]);
    const policyOf = (fn: { role?: { node: { tryFindChild(id: string): unknown } } }) =>
      template.findResources('AWS::IAM::Policy')[stack.getLogicalId((fn.role!.node.tryFindChild('DefaultPolicy') as any).node.defaultChild)]!.Properties.PolicyDocument.Statement as any[];
    const s3Key = (fn: Parameters<typeof policyOf>[0]) => policyOf(fn).filter((s) => s.Condition?.StringEquals?.['kms:ViaService']?.['Fn::Join']?.[1]?.[0] === 's3.');
    expect(s3Key(stack.scraping.fetchFunction).map((s) => s.Action)).toEqual(['kms:GenerateDataKey']);
    expect(s3Key(stack.scraping.parseFunction).map((s) => s.Action)).toEqual(['kms:Decrypt']);
  });

  it('lets the functions use the keys only through DynamoDB and SNS, except reading the table stream', () => {
    const kms = statements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    const tableKey = { 'Fn::GetAtt': [stack.getLogicalId(stack.store.key.node.defaultChild as any), 'Arn'] };
    expect(kms.length).toBeGreaterThan(0);
    for (const statement of kms) {
      if (statement.Condition) expect(statement.Condition.StringEquals['kms:ViaService']).toBeDefined();
      // The stream event source's grant: decrypting stream records of this table, nothing more.
      else expect(statement).toMatchObject({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: tableKey });
    }
  });

  it('gives every role its own policy and no managed policies', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles).toHaveLength(8); // six functions, the source schedules' role, the sweeper's role
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('outputs', () => {
  it('name what an operator looks up: the table, the document bucket, the topics and every queue that needs a person', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.DocumentBucketName!.Value).toEqual({ Ref: stack.getLogicalId(stack.store.documents.node.defaultChild as any) });
    expect(outputs.ParseDeadLetterQueueUrl!.Value).toEqual({ Ref: stack.getLogicalId(stack.scraping.parseDeadLetterQueue.node.defaultChild as any) });
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['TableName', 'AlertTopicArn', 'OperatorTopicArn', 'FailedRunQueueUrl', 'SchedulerDeadLetterQueueUrl', 'FetchDeadLetterQueueUrl']),
    );
  });
});

describe('the template', () => {
  it('names no physical resources', () => {
    const named = Object.values(template.toJSON().Resources as Record<string, Resource>).filter((r) =>
      Object.keys(r.Properties ?? {}).some((key) => /^(TableName|TopicName|QueueName|FunctionName|LogGroupName|RoleName|Name|AlarmName)$/.test(key) && !['AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Permission', 'AWS::ApiGatewayV2::Api', 'AWS::Lambda::EventSourceMapping'].includes(r.Type)),
      // EventInvokeConfig, Permission and EventSourceMapping name their function by reference; an HTTP API's Name is required
      // by CloudFormation and need not be unique, so it is a label, not a physical name.
    );
    expect(named).toEqual([]);
  });
});
