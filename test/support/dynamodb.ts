import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../functions/store/create-table';
import { Store, type StoreOptions } from '../../functions/store/repository';

export function localClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A fresh table (built from TABLE_SCHEMA) for one test file or test, and a Store on it. */
export async function freshStore(options: Partial<StoreOptions> = {}) {
  const client = localClient();
  const tableName = `bw-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  const store = new Store(client, { tableName, ...options });
  return {
    client,
    store,
    tableName,
    async drop() {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
    },
  };
}
