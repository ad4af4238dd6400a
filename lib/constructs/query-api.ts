import { resolve } from 'node:path';
import { CfnResource, Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from '../config';
import { BorderwatchFunction } from './borderwatch-function';

export const DEFAULT_QUERY_ENTRY = resolve(PROJECT_ROOT, 'functions/query/handler.ts');

/** Steady requests per second and burst for the whole API: generous for people, a ceiling for scripts gone wrong. */
export const QUERY_API_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

// HTTP API $context variables; one JSON object per request (who called, what, how it ended).
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

export interface QueryApiProps {
  readonly table: ITable;
  readonly logRetention: logs.RetentionDays;
  /**
   * Without authorization: anyone with the URL can read (GET only). Default: callers sign requests
   * with AWS credentials (IAM, SigV4) and need execute-api:Invoke on the API.
   */
  readonly public: boolean;
  /** @default functions/query/handler.ts */
  readonly entry?: string;
}

/**
 * The read-only query API: an HTTP API in front of one function that can only read the table.
 * IAM authorization unless deployed public, JSON access logs, and stage-wide throttling.
 */
export class QueryApi extends Construct {
  readonly function: BorderwatchFunction;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    this.function = new BorderwatchFunction(this, 'QueryFunction', {
      entry: props.entry ?? DEFAULT_QUERY_ENTRY,
      description: 'borderwatch query API: series, observations, snapshots, announcements, alerts, Atom feed, charts (read-only)',
      // API Gateway gives up after 30 s; a query is a handful of single-partition Query calls.
      timeout: Duration.seconds(15),
      memorySize: 512,
      logRetention: props.logRetention,
    });
    this.function.bindTableReadOnly(props.table);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'borderwatch query API (read-only)',
      createDefaultStage: false,
      defaultAuthorizer: props.public ? new apigw.HttpNoneAuthorizer() : new HttpIamAuthorizer(),
      ...(props.public ? { corsPreflight: { allowOrigins: ['*'], allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.HEAD] } } : {}),
    });
    const integration = new HttpLambdaIntegration('QueryIntegration', this.function);
    for (const path of ['/', '/{proxy+}']) {
      this.api.addRoutes({ path, methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD], integration });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: QUERY_API_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    if (props.public) {
      for (const route of this.node.findAll().filter((c): c is CfnResource => c instanceof apigw.CfnRoute)) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public read-only mode was chosen with the borderwatch:queryApiPublic context flag: the routes only answer GET/HEAD with data that is already public (official statistics and announcements), the function can only read the table, and the stage is throttled.',
        });
      }
    }
  }

  get url(): string {
    return this.stage.url;
  }
}
