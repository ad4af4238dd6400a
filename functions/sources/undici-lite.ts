import type { Dispatcher } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import requestOn from 'undici/lib/api/api-request.js';

/**
 * The two pieces of undici the fetcher uses, imported from undici's own modules: the package index
 * also loads fetch, WebSocket, EventSource, caches and mocks (523 KB of a 1.3 MB bundle, and their
 * evaluation at every cold start); these two bring the HTTP/1.1 client and little else.
 */
export const Agent = AgentClass;

/**
 * undici's `request(url, options)`: the index wraps Dispatcher.prototype.request the same way,
 * splitting the URL into origin and path. Also works with any dispatcher, e.g. a MockAgent in tests.
 */
export function request(url: URL, options: { method: Dispatcher.HttpMethod; headers: Record<string, string>; dispatcher: Dispatcher }): Promise<Dispatcher.ResponseData> {
  return requestOn.call(options.dispatcher, {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: options.method,
    headers: options.headers,
  });
}
