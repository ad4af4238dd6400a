import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../functions/store/table-schema';

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/**
 * The borderwatch table, built from TABLE_SCHEMA so DynamoDB Local in tests and the deployed table
 * cannot drift. History is the product, so the table and its key outlive the stack.
 */
export class Store extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'TableKey', {
      description: 'Encrypts the borderwatch table',
      enableKeyRotation: true,
      // The retained table cannot be read without it.
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
  }
}
