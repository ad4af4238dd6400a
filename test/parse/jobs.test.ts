import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { stableId } from '../../functions/core/hash';
import { parseHandover, sqsParseQueue } from '../../functions/parse/jobs';
import type { FetchHandover } from '../../functions/pipeline/fetch-stage';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-north-1.amazonaws.com/123456789012/parse.fifo';

const handover: FetchHandover = {
  sourceId: 'fi-southeast',
  runAt: '2022-09-23T06:00:00.000Z',
  snapshotId: 'fi-southeast@2022-09-23T06:00:01.000Z',
  fetchedAt: '2022-09-23T06:00:01.000Z',
  startedAt: Date.parse('2022-09-23T06:00:01.000Z'),
  status: 200,
  finalUrl: 'https://raja.fi/figures.csv',
  headers: { 'content-type': 'text/csv' },
  provenance: { httpStatus: 200, contentHash: 'ab'.repeat(32), size: 120, documentKey: `documents/fi-southeast/${'ab'.repeat(32)}` },
};

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('the parse queue', () => {
  it('sends the hand-over as JSON, grouped by source and deduplicated by snapshot', async () => {
    await sqsParseQueue(new SQSClient({ region: 'eu-north-1' }), QUEUE).send(handover);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: QUEUE,
      MessageBody: JSON.stringify(handover),
      MessageGroupId: 'fi-southeast',
      MessageDeduplicationId: stableId('parse', handover.snapshotId),
    });
  });

  it('lets a refused send fail the caller (the fetch job is then retried)', async () => {
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(sqsParseQueue(new SQSClient({ region: 'eu-north-1' }), QUEUE).send(handover)).rejects.toThrow('Rate exceeded');
  });
});

describe('reading a hand-over back', () => {
  it('returns a well-formed hand-over as it was sent', () => {
    expect(parseHandover(JSON.stringify(handover))).toEqual(handover);
  });

  it.each([
    ['not JSON', '{"sourceId": ', 'parse job is not JSON'],
    ['null', 'null', 'parse job is not an object'],
    ['a run time that is not a date', JSON.stringify({ ...handover, runAt: 'yesterday' }), 'parse job has no valid runAt'],
    ['no start time', JSON.stringify({ ...handover, startedAt: '06:00' }), 'parse job has no valid startedAt'],
    ['no archive key', JSON.stringify({ ...handover, provenance: { contentHash: 'ab' } }), 'parse job has no valid provenance'],
  ])('refuses %s, naming the field', (_case, body, message) => {
    expect(() => parseHandover(body)).toThrow(message);
  });
});
