import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../functions/runtime/streams';
import { buildApp } from '../../lib/app';
import type { BorderwatchStack } from '../../lib/borderwatch-stack';
import { freshStore } from '../support/dynamodb';
import { serveText, startTestServer } from '../support/http-server';
import { dailyCsv, WEEK_BEFORE_SURGE } from '../support/pipeline';
import { streamReader } from '../support/streams';
import { cdkJsonContext } from './helpers';

/**
 * The bundles themselves, as `cdk synth` writes them to the cloud assembly, imported and invoked the
 * way Lambda would: a scheduled event for the dispatcher, the SQS event for the fetch worker, stream
 * events for detect and publish. Against DynamoDB Local, a local HTTP server for the source, and small
 * local stand-ins for the SQS and SNS APIs (the real SDK clients talk to them through the standard
 * AWS_ENDPOINT_URL_* variables). This proves the ESM/CJS interop, the bundled sources file, undici and
 * the parsers in the bundles, not only in the TypeScript.
 */

type Handler = (event: unknown) => Promise<any>;

interface Captured {
  /** The document bucket: object key -> bytes. */
  s3: Map<string, Buffer>;
  sqs: Array<{ QueueUrl: string; Entries: Array<{ Id: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string }> }>;
  /** Single messages (SendMessage): the fetch function's hand-overs to the parse queue. */
  sqsSingle: Array<{ QueueUrl: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string }>;
  sns: Array<Record<string, string>>;
}

/**
 * Answers SendMessageBatch (SQS, JSON protocol), Publish (SNS, query protocol) and PutObject/GetObject
 * (S3, REST, path-style as the SDK uses for an IP endpoint) like AWS would.
 */
/** The SDK checks SQS's MD5 of each message body, so the stand-in answers with it. */
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function startAwsStandIn(captured: Captured): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString();
      const object = request.url?.match(/^\/documents-bucket\/([^?]+)/);
      if (object && request.method === 'PUT') {
        // S3 checks the SHA-256 the client declares; so does the stand-in.
        const declared = request.headers['x-amz-checksum-sha256'];
        const actual = createHash('sha256').update(raw).digest('base64');
        if (declared !== actual) return void response.writeHead(400).end(`<Error><Code>BadDigest</Code><Message>${declared} != ${actual}</Message></Error>`);
        captured.s3.set(decodeURIComponent(object[1]!), raw);
        return void response.writeHead(200, { etag: '"e"', 'x-amz-checksum-sha256': actual }).end();
      }
      if (object && request.method === 'GET') {
        const found = captured.s3.get(decodeURIComponent(object[1]!));
        if (!found) return void response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
        return void response.writeHead(200, { 'content-length': String(found.length), etag: '"e"' }).end(found);
      }
      const target = request.headers['x-amz-target'];
      if (target === 'AmazonSQS.SendMessage') {
        const input = JSON.parse(body) as Captured['sqsSingle'][number];
        captured.sqsSingle.push(input);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ MessageId: `msg-${captured.sqsSingle.length}`, MD5OfMessageBody: md5(input.MessageBody) }));
        return;
      }
      if (target === 'AmazonSQS.SendMessageBatch') {
        const input = JSON.parse(body) as Captured['sqs'][number];
        captured.sqs.push(input);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(
          JSON.stringify({ Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] }),
        );
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      if (form.Action === 'Publish') {
        captured.sns.push(form);
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>sns-${captured.sns.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`);
        return;
      }
      response.writeHead(400).end(`unexpected request ${target ?? form.Action}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const week = WEEK_BEFORE_SURGE;

let site: Awaited<ReturnType<typeof startTestServer>>;
let aws: { url: string; server: Server };
let ctx: Awaited<ReturnType<typeof freshStore>>;
let stack: BorderwatchStack;
let assembly: string;
const captured: Captured = { s3: new Map(), sqs: [], sqsSingle: [], sns: [] };
const savedEnv = { ...process.env };

/** Where the cloud assembly holds a function's bundle: the asset named by its code's S3 key. */
function bundleDir(construct: { node: { defaultChild?: unknown } }): string {
  const template = JSON.parse(readFileSync(join(assembly, `${stack.artifactId}.template.json`), 'utf8'));
  const s3Key = String(template.Resources[stack.getLogicalId(construct.node.defaultChild as any)].Properties.Code.S3Key);
  return join(assembly, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

async function load(construct: { node: { defaultChild?: unknown } }): Promise<Handler> {
  const module = (await import(pathToFileURL(join(bundleDir(construct), 'index.mjs')).href)) as { handler: Handler };
  return module.handler;
}

/** What the fetch bundle sent to the parse queue since the last call, as SQS would deliver it to the parse function. */
function parseEvent() {
  const sent = captured.sqsSingle.splice(0);
  for (const m of sent) expect(m.QueueUrl).toBe(process.env.PARSE_QUEUE_URL);
  return { Records: sent.map((m, i) => ({ messageId: `parse-${i}`, body: m.MessageBody, attributes: { MessageGroupId: m.MessageGroupId } })) };
}

beforeAll(async () => {
  site = await startTestServer({
    '/se.csv': serveText(dailyCsv(week)),
    // Our own fixture in the Polish Border Guard's table layout: the parse bundle must load cheerio for it.
    '/ruch.html': serveText(readFileSync(join(import.meta.dirname, '../fixtures/strazgraniczna/ruch-graniczny.html'), 'utf8'), 'text/html; charset=utf-8'),
  });
  aws = await startAwsStandIn(captured);
  ctx = await freshStore();
  const dir = mkdtempSync(join(tmpdir(), 'bw-bundles-'));
  const sourcesFile = join(dir, 'sources.json');
  writeFileSync(
    sourcesFile,
    JSON.stringify({
      // The test site is on loopback: allowed explicitly, as only tests and the demo may.
      allowPrivateNetwork: true,
      sources: [
        {
          id: 'se-finland',
          title: 'Southeast Finland (test site)',
          country: 'FI',
          kind: 'statistics',
          url: site.url('/se.csv'),
          schedule: 'rate(1 day)',
          parser: { type: 'csv', date: 'date', value: 'value' },
          series: [{ id: 'fi.southeast.russians-entering', unit: 'persons', granularity: 'day' }],
        },
        {
          id: 'pl-table',
          title: 'Polish Border Guard traffic table (test site)',
          country: 'PL',
          kind: 'statistics',
          url: site.url('/ruch.html'),
          schedule: 'rate(1 hour)',
          parser: { type: 'html-table', table: 'table.statystyki', date: 'Data', dateFormat: 'D.M.YYYY', value: 'Wjazd do Polski' },
          series: [{ id: 'pl.medyka.entries', unit: 'persons', granularity: 'day', where: { 'Przejście graniczne': 'Medyka' } }],
        },
      ],
    }),
  );
  const app = new App({ outdir: join(dir, 'cdk.out'), context: { ...cdkJsonContext(), 'borderwatch:sourcesFile': sourcesFile } });
  stack = buildApp(app);
  assembly = app.synth().directory;
  Object.assign(process.env, {
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_SNS: aws.url,
    AWS_ENDPOINT_URL_S3: aws.url,
    DOCUMENT_BUCKET: 'documents-bucket',
    TABLE_NAME: ctx.tableName,
    FETCH_QUEUE_URL: `${aws.url}/000000000000/fetch.fifo`,
    PARSE_QUEUE_URL: `${aws.url}/000000000000/parse.fifo`,
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:alerts',
    OPERATOR_TOPIC_ARN: 'arn:aws:sns:eu-north-1:000000000000:operators',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await site.close();
  await new Promise<void>((r) => aws.server.close(() => r()));
  await ctx.drop();
});

describe('the bundled functions, invoked as Lambda would', () => {
  it('carry a day with a surge from the schedule to one SNS publish', async () => {
    const dispatch = await load(stack.scraping.dispatchFunction);
    const fetch = await load(stack.scraping.fetchFunction);
    const parse = await load(stack.scraping.parseFunction);
    const detect = await load(stack.detection.detectFunction);
    const publish = await load(stack.detection.publishFunction);
    const stream = streamReader(ctx.client, ctx.tableName);
    const snapshots = (r: StreamRecord) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.SK?.S?.startsWith('SNAP#') === true && r.dynamodb?.NewImage?.outcome?.S === 'ok';
    const alerts = (r: StreamRecord) => r.dynamodb?.Keys?.SK?.S === 'ALERT';

    const day = async (runAt: string) => {
      await dispatch({ runAt, sourceIds: ['se-finland'] });
      const batch = captured.sqs.at(-1)!;
      expect(batch.QueueUrl).toBe(process.env.FETCH_QUEUE_URL);
      const sqsEvent = { Records: batch.Entries.map((e) => ({ messageId: e.Id, body: e.MessageBody, attributes: { MessageGroupId: e.MessageGroupId } })) };
      expect(await fetch(sqsEvent)).toEqual({ batchItemFailures: [] });
      expect(await parse(parseEvent())).toEqual({ batchItemFailures: [] });
      expect(await detect(await stream.next(snapshots))).toEqual({ batchItemFailures: [] });
      return publish(await stream.next(alerts));
    };

    await day('2022-09-22T06:00:00.000Z');
    expect(captured.sqs[0]!.Entries).toEqual([expect.objectContaining({ MessageGroupId: '127.0.0.1:' + new URL(site.url('/')).port })]);
    expect(captured.sns).toHaveLength(0);
    // The fetch bundle archived the document through S3; the parse bundle read it back from there.
    expect([...captured.s3.keys()]).toEqual([expect.stringMatching(/^documents\/se-finland\/[0-9a-f]{64}$/)]);
    expect(captured.s3.values().next().value!.toString()).toBe(dailyCsv(week));

    site.route('/se.csv', serveText(dailyCsv([...week, ['2022-09-22', 5959]])));
    expect(await day('2022-09-23T06:00:00.000Z')).toEqual({ batchItemFailures: [] });
    expect(captured.sns).toHaveLength(1);
    const published = captured.sns[0]!;
    expect(published.TopicArn).toBe('arn:aws:sns:eu-north-1:000000000000:alerts');
    expect(published.MessageStructure).toBe('json');
    expect(published.Subject).toMatch(/Surge/);
    expect(JSON.parse(published.Message!).sms).toContain('5,959');
    stream.close();
  });

  it('parse an HTML table with cheerio inside the parse bundle, after the fetch bundle archived the page', async () => {
    const fetch = await load(stack.scraping.fetchFunction);
    const parse = await load(stack.scraping.parseFunction);
    const job = { Records: [{ messageId: 'pl-1', body: JSON.stringify({ sourceId: 'pl-table', runAt: '2022-05-10T06:00:00.000Z' }) }] };
    expect(await fetch(job)).toEqual({ batchItemFailures: [] });
    const handovers = parseEvent();
    expect(handovers.Records).toHaveLength(1);
    expect(await parse(handovers)).toEqual({ batchItemFailures: [] });
    const { items } = await ctx.store.queryObservations('pl.medyka.entries', {});
    expect(items.map((o) => [o.period, o.value])).toEqual([
      ['2022-05-08', 6120],
      ['2022-05-09', 4410],
    ]);
    const [snapshot] = (await ctx.store.listSnapshots('pl-table')).items;
    expect(snapshot).toMatchObject({ outcome: 'ok', contentType: 'text/html; charset=utf-8', documentKey: expect.stringMatching(/^documents\/pl-table\//) });
  });

  it('the sweeper bundle publishes nothing when nothing is pending', async () => {
    const publish = await load(stack.detection.publishFunction);
    const before = captured.sns.length;
    await expect(publish({ sweep: true })).resolves.toEqual({ batchItemFailures: [] });
    expect(captured.sns.length).toBe(before);
  });
});
