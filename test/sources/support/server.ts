import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => unknown;

export interface TestServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Requests per path (without query). */
  hits: Map<string, number>;
  /** Request headers of the last request per path. */
  lastHeaders: Map<string, IncomingMessage['headers']>;
  /** Most requests in flight at once, over the server's life. */
  peakInFlight: () => number;
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that serves recorded documents and
 * misbehaves on purpose. Unknown paths answer 404; robots.txt allows everything unless routed.
 */
export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const lastHeaders = new Map<string, IncomingMessage['headers']>();
  let inFlight = 0;
  let peak = 0;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    lastHeaders.set(path, req.headers);
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    const handler = routes.get(path) ?? (path === '/robots.txt' ? (_q, r) => r.end('User-agent: *\nDisallow:\n') : (_q, r) => ((r.statusCode = 404), r.end('not here')));
    Promise.resolve(handler(req, res, hit)).catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    lastHeaders,
    peakInFlight: () => peak,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
