import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeRouter, type RouterDeps } from './router';

export interface QueryServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the query API on localhost with node:http (for `borderwatch serve` and the browser test):
 * the same router the Lambda runs, so what you see locally is what is deployed.
 */
export async function startQueryServer(deps: RouterDeps, options: { port?: number; host?: string } = {}): Promise<QueryServer> {
  const route = makeRouter(deps);
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${host}`);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
    route({ method: request.method ?? 'GET', path: url.pathname, query, baseUrl: `http://${request.headers.host ?? host}` }).then(
      (result) => response.writeHead(result.status, result.headers).end(result.body),
      (error: unknown) => {
        deps.log?.({ level: 'error', event: 'serve-failed', error: String(error) });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
