import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { inject } from 'vitest';
import type { StreamEvent, StreamRecord } from '../../functions/runtime/streams';

/**
 * Reads a table's stream on DynamoDB Local as Lambda would receive it, from where the last read
 * stopped: what the fetch stage wrote becomes the detect function's event, and so on.
 */
export function streamReader(client: DynamoDBClient, tableName: string) {
  const streams = new DynamoDBStreamsClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const positions = new Map<string, string | undefined>();
  return {
    async next(filter: (record: StreamRecord) => boolean = () => true): Promise<StreamEvent> {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const streamArn = Table!.LatestStreamArn!;
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const records: StreamRecord[] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        const after = positions.get(shard.ShardId!);
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shard.ShardId!,
              ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          )
        ).ShardIterator;
        for (let i = 0; iterator && i < 50; i++) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          const got = (page.Records ?? []) as unknown as StreamRecord[];
          records.push(...got);
          if (got.length > 0) positions.set(shard.ShardId!, got.at(-1)!.dynamodb!.SequenceNumber);
          if (got.length === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return { Records: records.filter(filter) };
    },
    close: () => streams.destroy(),
  };
}
