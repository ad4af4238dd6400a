import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BorderwatchStack } from '../../lib/borderwatch-stack';
import { ContextError } from '../../lib/config';
import { buildTestApp } from './helpers';

type Resource = { Type: string; Properties: Record<string, any> };

let stack: BorderwatchStack;
let template: Template;
let assemblyDir: string;
let publicTemplate: Template;

beforeAll(() => {
  const built = buildTestApp({ 'borderwatch:logRetentionDays': 90 });
  stack = built.stack;
  template = Template.fromStack(stack);
  assemblyDir = built.app.synth().directory;
  const publicApp = buildTestApp({ 'borderwatch:queryApiPublic': 'true' });
  // Synth runs cdk-nag: it throws if public mode leaves a finding unacknowledged.
  publicApp.app.synth();
  publicTemplate = Template.fromStack(publicApp.stack);
}, 120_000);

const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type)) as Resource[];
const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);
const queryFunction = () => template.toJSON().Resources[logicalId(stack.queryApi.function)] as Resource;
const statementsOfQueryRole = () => {
  const role = logicalId(stack.queryApi.function.role as any);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
};

describe('query function', () => {
  it('runs Node.js 24 on arm64 with 512 MB and a 15 second timeout', () => {
    expect(queryFunction().Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 512, Timeout: 15 });
  });

  it('gets the table name from its environment', () => {
    expect(queryFunction().Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(stack.store.table) });
  });

  it('may only read the table: Get, BatchGet and Query', () => {
    const table = logicalId(stack.store.table);
    const dynamo = statementsOfQueryRole().filter((s) => JSON.stringify(s.Resource).includes(table));
    expect(dynamo.flatMap((s) => [s.Action].flat()).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('may only decrypt with the table key, and only through DynamoDB', () => {
    const kms = statementsOfQueryRole().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect([kms[0].Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(kms[0].Condition.StringEquals['kms:ViaService']).toBeDefined();
  });

  it('is bundled so that it loads and answers without touching the table for bad input', async () => {
    const assetHash = String(queryFunction().Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = join(assemblyDir, `asset.${assetHash}`, 'index.mjs');
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/playwright|commander/);
    process.env.TABLE_NAME = 'never-read';
    const module = (await import(pathToFileURL(bundle).href)) as { handler: (e: unknown) => Promise<{ statusCode: number; body: string }> };
    const response = await module.handler({ rawPath: '/series', queryStringParameters: { limit: '0' }, requestContext: { domainName: 'x.example.org', http: { method: 'GET' } } });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error.message).toBe('parameter "limit": must be at least 1 (got "0")');
  });
});

describe('HTTP API', () => {
  it('routes GET and HEAD only, on the root and every path', () => {
    expect(resourcesOf(template, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey).sort()).toEqual(['GET /', 'GET /{proxy+}', 'HEAD /', 'HEAD /{proxy+}']);
  });

  it('requires IAM authorization on every route by default', () => {
    expect(resourcesOf(template, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.AuthorizationType)).toEqual(['AWS_IAM', 'AWS_IAM', 'AWS_IAM', 'AWS_IAM']);
  });

  it('sends no CORS headers unless public', () => {
    expect(resourcesOf(template, 'AWS::ApiGatewayV2::Api')[0]!.Properties.CorsConfiguration).toBeUndefined();
  });

  it('throttles the whole stage', () => {
    const [stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage!.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 } });
  });

  it('writes one JSON access log line per request, with the caller, into its own log group', () => {
    const [stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage!.Properties.AccessLogSettings;
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.queryApi.accessLogGroup), 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({ requestId: '$context.requestId', userArn: '$context.identity.userArn', status: '$context.status' });
  });

  it('keeps access logs for the configured retention', () => {
    expect(template.toJSON().Resources[logicalId(stack.queryApi.accessLogGroup)].Properties.RetentionInDays).toBe(90);
  });

  it('outputs the API URL', () => {
    expect(Object.keys(template.toJSON().Outputs)).toContain('QueryApiUrl');
  });
});

describe('public read-only mode', () => {
  it('opens the routes without authorization when borderwatch:queryApiPublic is true', () => {
    expect(resourcesOf(publicTemplate, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.AuthorizationType)).toEqual(['NONE', 'NONE', 'NONE', 'NONE']);
  });

  it('still routes only GET and HEAD', () => {
    expect(resourcesOf(publicTemplate, 'AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey.split(' ')[0]).sort()).toEqual(['GET', 'GET', 'HEAD', 'HEAD']);
  });

  it('lets browsers on other sites read it', () => {
    expect(resourcesOf(publicTemplate, 'AWS::ApiGatewayV2::Api')[0]!.Properties.CorsConfiguration).toMatchObject({ AllowOrigins: ['*'], AllowMethods: ['GET', 'HEAD'] });
  });

  it('rejects a flag that is neither true nor false', () => {
    expect(() => buildTestApp({ 'borderwatch:queryApiPublic': 'yes' })).toThrow(ContextError);
    expect(() => buildTestApp({ 'borderwatch:queryApiPublic': 'yes' })).toThrow(/"borderwatch:queryApiPublic": must be true or false/);
  });
});
