import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Store } from '../../store/repository';

export interface StoreHandle {
  store: Store;
  /** Where the data comes from, for messages. */
  where: string;
  close(): Promise<void>;
}

export interface StoreChoice {
  /** The deployed table (the stack's TableName output); read with the user's AWS credentials. */
  table?: string;
  region?: string;
  /** Another DynamoDB endpoint (DynamoDB Local on some port). */
  endpoint?: string;
}

/**
 * The deployed table with the user's AWS credentials when `--table` is given, otherwise the local
 * DynamoDB in .borderwatch/ (started for the command and stopped after it).
 */
export async function openStore(choice: StoreChoice): Promise<StoreHandle> {
  if (choice.table) {
    const client = new DynamoDBClient({
      ...(choice.region ? { region: choice.region } : {}),
      ...(choice.endpoint ? { endpoint: choice.endpoint } : {}),
    });
    return {
      store: new Store(client, { tableName: choice.table }),
      where: `table ${choice.table}${choice.region ? ` in ${choice.region}` : ''}${choice.endpoint ? ` at ${choice.endpoint}` : ''}`,
      close: async () => client.destroy(),
    };
  }
  if (choice.endpoint || choice.region) throw new Error('--region and --endpoint need --table NAME (the deployed table); without --table the local DynamoDB in .borderwatch/ is used');
  const { openLocalEnvironment } = await import('../../../local/environment');
  const env = await openLocalEnvironment({ print: () => undefined });
  return { store: env.store, where: `local DynamoDB (${env.ddb.endpoint}, data in .borderwatch/)`, close: () => env.close() };
}
