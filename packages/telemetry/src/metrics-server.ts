import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { TelemetryError } from './errors.js';

export interface MetricsServerOptions {
  /** Address to bind. Default `0.0.0.0`: Prometheus scrapes from another container. */
  host?: string;
}

export interface MetricsServer {
  /** The port bound (the one asked for, or the one the OS chose for port 0). */
  readonly port: number;
  /** `http://<host>:<port>` (127.0.0.1 for a wildcard host), to reach /metrics and /health. */
  readonly url: string;
  /** Stops listening and drops open (keep-alive) scrape connections. */
  close(): Promise<void>;
}

const ROUTES = new Set(['/metrics', '/health']);

async function answer(registry: Registry, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (!ROUTES.has(path)) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`not found: ${path} (this server has /metrics and /health)\n`);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    response.end(`method ${request.method} not allowed on ${path}\n`);
    return;
  }
  if (path === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(request.method === 'HEAD' ? undefined : '{"status":"ok"}');
    return;
  }
  try {
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`collecting metrics failed: ${error instanceof Error ? error.message : error}\n`);
  }
}

/**
 * The worker's own HTTP server: GET /metrics (the registry, in its content type) and GET /health
 * (`{"status":"ok"}` while the process runs, for the container health check). node:http only.
 * @throws TelemetryError for a bad port or one already in use.
 */
export function startMetricsServer(
  registry: Registry,
  port: number,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    return Promise.reject(new TelemetryError(`metrics port must be 0..65535, got ${port}`));
  }
  const host = options.host ?? '0.0.0.0';
  const server = createServer((request, response) => {
    void answer(registry, request, response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new TelemetryError(`metrics port ${port} on ${host} is already in use`)
          : error,
      );
    });
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
      resolve({
        port: bound,
        url: `http://${shownHost}:${bound}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
