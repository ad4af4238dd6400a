import { resolve } from 'node:path';
import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from '../config';
import { acknowledgeArnWildcard } from '../nag';

/** Item-level actions only: no Scan, no streams, no table management. Indexes are included by `grant`. */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** Reads only: what a query function needs, and nothing that could change the table. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

// Lets bundled CommonJS dependencies call require() inside the ESM output; aliased so it cannot
// collide with names in the bundle.
const CREATE_REQUIRE_BANNER =
  "import { createRequire as __borderwatchCreateRequire } from 'node:module'; const require = __borderwatchCreateRequire(import.meta.url);";

export interface BorderwatchFunctionProps
  extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'logGroup' | 'logRetention' | 'role' | 'bundling' | 'timeout' | 'memorySize'> {
  /** Absolute path of the handler file. */
  readonly entry: string;
  /** Explicit so every function states what it expects to need. */
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** Files copied into the bundle next to the handler: name in the bundle -> absolute path. */
  readonly bundledFiles?: Record<string, string>;
}

/**
 * A Lambda function with the house defaults: Node.js 24 on arm64, minified ESM with source maps,
 * the AWS SDK from the runtime, JSON logs into its own log group with retention, and its own role
 * that can write only to that log group (no AWSLambdaBasicExecutionRole, which allows
 * logs:CreateLogGroup on every resource).
 */
export class BorderwatchFunction extends NodejsFunction {
  readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BorderwatchFunctionProps) {
    const { logRetention, environment, bundledFiles = {}, ...rest } = props;
    // Created beside the function: `this` does not exist before super().
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, { retention: logRetention });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    super(scope, id, {
      ...rest,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: resolve(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: ['@aws-sdk/*'],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) =>
            Object.entries(bundledFiles).map(([name, from]) => `cp ${JSON.stringify(from)} ${JSON.stringify(`${outputDir}/${name}`)}`),
        },
      },
    });
    this.functionLogGroup = logGroup;
    logGroup.grantWrite(role);
  }

  /** Sets the table-name variable and grants item read/write (and the key via DynamoDB only) together. */
  bindTable(table: ITable, variable = 'TABLE_NAME'): void {
    this.bindTableWith(table, variable, TABLE_DATA_ACTIONS, ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']);
  }

  /** Like bindTable, but Get/BatchGet/Query only, and the key for decryption only. */
  bindTableReadOnly(table: ITable, variable = 'TABLE_NAME'): void {
    this.bindTableWith(table, variable, TABLE_READ_ACTIONS, ['kms:Decrypt', 'kms:DescribeKey']);
  }

  private bindTableWith(table: ITable, variable: string, actions: readonly string[], keyActions: string[]): void {
    this.addEnvironment(variable, table.tableName);
    table.grant(this, ...actions);
    const cfnTable = table.node.defaultChild;
    if (cfnTable instanceof CfnResource && this.role) {
      acknowledgeArnWildcard(
        this.role,
        cfnTable,
        '/index/*',
        `${this.node.id} queries the global secondary indexes of this one table; "index/*" is DynamoDB's form for "any index of this table", not other tables.`,
      );
    }
    if (table.encryptionKey) this.grantKeyVia(table.encryptionKey, 'dynamodb', keyActions);
  }

  /**
   * Sets DOCUMENT_BUCKET and grants exactly one object action under `documents/`: PutObject to the
   * fetch function (which never reads), GetObject to the parse function (which never writes), with
   * the bucket's key usable through S3 only.
   */
  bindDocumentArchive(bucket: IBucket, access: 'write' | 'read'): void {
    this.addEnvironment('DOCUMENT_BUCKET', bucket.bucketName);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: [access === 'write' ? 's3:PutObject' : 's3:GetObject'], resources: [bucket.arnForObjects('documents/*')] }));
    const cfnBucket = bucket.node.defaultChild;
    if (cfnBucket instanceof CfnResource && this.role) {
      acknowledgeArnWildcard(this.role, cfnBucket, '/documents/*', `${this.node.id} ${access === 'write' ? 'writes' : 'reads'} archived documents, whose keys (source and content hash) are only known at run time; the grant is limited to the documents/ prefix of this one bucket.`);
    }
    if (bucket.encryptionKey) this.grantKeyVia(bucket.encryptionKey, 's3', access === 'write' ? ['kms:GenerateDataKey'] : ['kms:Decrypt']);
  }

  /** Sets the topic-ARN variable and grants publish (and the key via SNS only) together. */
  bindTopic(topic: ITopic, variable: string): void {
    this.addEnvironment(variable, topic.topicArn);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    if (topic.masterKey) this.grantKeyVia(topic.masterKey, 'sns', ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Key actions usable only through one service on the function's behalf: the function cannot use the key directly. */
  private grantKeyVia(key: IKey, service: 'dynamodb' | 's3' | 'sns', actions: readonly string[]): void {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
