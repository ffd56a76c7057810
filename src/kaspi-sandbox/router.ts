import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SandboxService } from './faults.js';
import { sendHtml, sendJson } from './http-util.js';
import type { SandboxWorld } from './state.js';

export type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

/**
 * One host's request listener: counts the request, lets a pending fault answer it first, then dispatches on
 * `METHOD /path` (or a `:param` pattern); a known path with another method is 405, anything else 404.
 */
export function hostHandler(service: SandboxService, routes: Record<string, Handler>, world: SandboxWorld) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const key = `${service} ${request.method} ${url.pathname}`;
    world.counters.requests[key] = (world.counters.requests[key] ?? 0) + 1;
    void (async () => {
      try {
        if (await world.faults.apply(service, response)) return;
        const route =
          routes[`${request.method} ${url.pathname}`] ?? patternRoute(routes, request.method ?? 'GET', url.pathname);
        if (!route) {
          if (Object.keys(routes).some((candidate) => candidate.endsWith(` ${url.pathname}`)))
            return sendHtml(response, 405, '<html>Method Not Allowed</html>');
          return sendJson(response, 404, { errorCode: 'NOT_FOUND' });
        }
        await route(request, response, url);
      } catch (error) {
        world.logger.error({ err: error, key }, 'sandbox route failed');
        if (!response.headersSent) sendJson(response, 500, { errorCode: 'INTERNAL' });
      }
    })();
  };
}

function patternRoute(routes: Record<string, Handler>, method: string, path: string): Handler | undefined {
  for (const [pattern, handler] of Object.entries(routes)) {
    const [routeMethod, routePath] = pattern.split(' ') as [string, string];
    if (routeMethod !== method || !routePath.includes(':')) continue;
    const regex = new RegExp(`^${routePath.replace(/:[a-z]+/gi, '[^/]+')}$`);
    if (regex.test(path)) return handler;
  }
  return undefined;
}

/** Starts `server` and answers its base URL (port 0 takes a free one). */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}
