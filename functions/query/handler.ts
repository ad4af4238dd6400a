import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../core/clock';
import { Store } from '../store/repository';
import { makeRouter, type QueryRequest, type QueryResponse, type RouterDeps } from './router';

/** The parts of an API Gateway HTTP API (payload format 2.0) event the query API reads. */
export interface HttpApiEvent {
  rawPath: string;
  queryStringParameters?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
  requestContext: { domainName: string; http: { method: string } };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function toQueryRequest(event: HttpApiEvent): QueryRequest {
  return {
    method: event.requestContext.http.method,
    path: event.rawPath || '/',
    // API Gateway joins repeated parameters with commas; ids and dates never contain one, so a
    // repeated parameter fails validation rather than being half-read.
    query: { ...(event.queryStringParameters ?? {}) },
    baseUrl: `https://${event.requestContext.domainName}`,
  };
}

export function fromQueryResponse(response: QueryResponse): HttpApiResult {
  return { statusCode: response.status, headers: response.headers, body: response.body };
}

/** The query Lambda: wiring only. */
export function makeHandler(deps: RouterDeps) {
  const route = makeRouter(deps);
  return async (event: HttpApiEvent): Promise<HttpApiResult> => fromQueryResponse(await route(toQueryRequest(event)));
}

function defaultDeps(): RouterDeps {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('environment variable TABLE_NAME is required');
  return {
    store: new Store(new DynamoDBClient({}), { tableName }),
    clock: systemClock,
    log: (entry) => console.log(JSON.stringify(entry)),
  };
}

// Created once per container; environment read once and failing fast when missing.
let handlerInstance: ReturnType<typeof makeHandler> | undefined;
export const handler = async (event: HttpApiEvent): Promise<HttpApiResult> => {
  handlerInstance ??= makeHandler(defaultDeps());
  return handlerInstance(event);
};
