import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../functions/core/model';
import { Store } from '../../functions/store/repository';

// Throttling is normal life: DynamoDB may hand back part of a batch as unprocessed.
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const observations: Observation[] = Array.from({ length: 3 }, (_, i) => ({
  seriesId: 's',
  period: `2022-09-0${i + 1}`,
  value: i,
  unit: 'persons',
  sourceId: 'src',
  snapshotId: 'src@1',
}));

function store(maxBatchRetries = 8) {
  const sleeps: number[] = [];
  const s = new Store(new DynamoDBClient({ region: 'local' }), {
    tableName: 't',
    maxBatchRetries,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { s, sleeps };
}

describe('batch writes', () => {
  it('retries UnprocessedItems with backoff until every item is written', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [] } });
    let calls = 0;
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      calls++;
      const items = input.RequestItems.t!;
      // First call: only the first item goes through; second call: one more; then the rest.
      return calls < 3 ? { UnprocessedItems: { t: items.slice(1) } } : {};
    });
    const { s, sleeps } = store();
    const result = await s.writeObservations(observations, '2022-09-05T00:00:00.000Z');
    expect(result.added).toHaveLength(3);
    const sent = ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems!.t!.length);
    expect(sent).toEqual([6, 5, 4]); // 3 observations + 3 revision items, then the unprocessed remainders
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);
  });

  it('gives up with a clear error when items stay unprocessed', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { t: [] } });
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: { t: input.RequestItems.t } }));
    const { s } = store(2);
    await expect(s.writeObservations(observations, '2022-09-05T00:00:00.000Z')).rejects.toThrow('BatchWrite: 6 items still unprocessed after 2 retries');
  });

  it('retries UnprocessedKeys of batch reads', async () => {
    let calls = 0;
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
      calls++;
      const keys = input.RequestItems.t!.Keys;
      return calls === 1 ? { Responses: { t: [] }, UnprocessedKeys: { t: { Keys: keys.slice(1) } } } : { Responses: { t: [] } };
    });
    ddb.on(BatchWriteCommand).resolves({});
    const { s } = store();
    await s.writeObservations(observations, '2022-09-05T00:00:00.000Z');
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!.Keys!.length)).toEqual([3, 2]);
  });
});
