import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../functions/store/table-schema';

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The borderwatch table, built from TABLE_SCHEMA so DynamoDB Local in tests and the deployed table
 * cannot drift, and the document archive: the raw bytes of every changed document, the proof behind
 * each snapshot. History is the product, so both and their key outlive the stack.
 */
export class Store extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;
  readonly documents: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'TableKey', {
      description: 'Encrypts the borderwatch table and document archive',
      enableKeyRotation: true,
      // The retained table and archive cannot be read without it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Table rather than TableV2: TableV2 with a customer-managed key needs a region-specific stack,
    // and this app stays environment-agnostic so `cdk synth` works without AWS credentials.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(TABLE_SCHEMA.partitionKey),
      sortKey: stringKey(TABLE_SCHEMA.sortKey),
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Detection and publishing react to writes through the stream (TABLE_SCHEMA.streamViewType).
      stream: dynamodb.StreamViewType[TABLE_SCHEMA.streamViewType],
    });
    for (const index of TABLE_SCHEMA.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.documents = new s3.Bucket(this, 'Documents', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket, not per object: KMS calls (and their cost) stay flat as documents grow.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // Keys are content hashes, so an overwrite is a retry of the same bytes; versions still keep
      // the evidence recoverable for a month if anything overwrites or deletes it.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.documents).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the fetch function writes (PutObject under documents/) and only the parse function reads; their logs record every document by key. Server access logs would add a second bucket for no extra audit value; CloudTrail data events are the option for an account that wants them.',
    });
  }
}
