import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '../logger.js';
import { renderMetrics } from '../metrics.js';
import { checkHealth, type HealthCheck } from './health.js';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  healthChecks: Record<string, HealthCheck | undefined>;
  /** Extra routes by `METHOD path` (the webhook and metrics are added by the features that own them). */
  routes?: Record<string, RouteHandler>;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** The operator-facing HTTP server: `/healthz`, `/metrics` and whatever routes features add (the webhook); nothing else. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const routes: Record<string, RouteHandler> = {
    'GET /healthz': async (_request, response) => {
      const report = await checkHealth(options.healthChecks, options.logger);
      sendJson(response, report.status === 'ok' ? 200 : 503, report);
    },
    'GET /metrics': async (_request, response) => {
      const { contentType, body } = await renderMetrics();
      response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    },
    ...options.routes,
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const handler = routes[`${request.method} ${path}`];
    if (!handler) {
      sendJson(response, 404, { error: 'not found' });
      return;
    }
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      options.logger.error({ err: error, path }, 'http handler failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
    });
  });
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, 'http server listening');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
