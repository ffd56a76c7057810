import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import {
  KaspiBadRequestError,
  KaspiIpBlockedError,
  KaspiRateLimitedError,
  KaspiSessionExpiredError,
  KaspiTransientError,
} from '../../src/kaspi/errors.js';
import { KaspiHttp, type KaspiRequest } from '../../src/kaspi/http.js';
import { captureLogger } from '../helpers/logs.js';

/** A real server answering each path the way Kaspi answers in trouble. */
const hits = new Map<string, number>();
const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  '/ok': (_q, r) => json(r, 200, { ok: true }, { 'set-cookie': ['mc-session=refreshed; Path=/'] }),
  '/500': (_q, r) => json(r, 503, { error: 'down' }),
  '/flaky': (_q, r) => ((hits.get('/flaky') ?? 0) < 2 ? json(r, 502, {}) : json(r, 200, { ok: 'third time' })),
  '/429': (_q, r) => json(r, 429, { errorCode: 'TOO_MANY_REQUESTS' }, { 'retry-after': '120' }),
  '/429-changes': (_q, r) => json(r, 429, { errorCode: 'TOO_MANY_CHANGES' }),
  '/401': (_q, r) => json(r, 401, { errorCode: 'UNAUTHORIZED' }),
  '/to-login': (_q, r) => {
    r.writeHead(302, { location: 'https://idmc.shop.kaspi.kz/login' });
    r.end();
  },
  '/403-html': (_q, r) => html(r, 403, '<html><body>Access denied</body></html>'),
  '/403-json': (_q, r) => json(r, 403, { errorCode: 'FORBIDDEN' }),
  '/405': (_q, r) => html(r, 405, '<html>Method Not Allowed</html>'),
  '/wall': (_q, r) => html(r, 200, '<!doctype html><html><body>Проверка браузера…</body></html>'),
  '/400': (_q, r) => json(r, 400, { errorCode: 'INVALID_STORE_ID', errorData: { storeId: 'PP2' } }),
  '/reset': (q) => q.socket.destroy(),
  '/slow': (_q, r) => setTimeout(() => json(r, 200, {}), 1_500),
  '/garbage': (_q, r) => {
    r.writeHead(200, { 'content-type': 'application/json' });
    r.end('{"truncated": ');
  },
};

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
function html(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  response.end(body);
}

let base = '';
const server = createServer((request, response) => {
  const path = request.url ?? '/';
  hits.set(path, (hits.get(path) ?? 0) + 1);
  routes[path]?.(request, response);
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const http = new KaspiHttp({
  logger: captureLogger('warn').logger,
  baseBackoffMs: 10,
  maxBackoffMs: 20,
  timeoutMs: 500,
});

function send(path: string, overrides: Partial<KaspiRequest> = {}) {
  return http.send({
    endpoint: `test${path}`,
    service: 'cabinet',
    method: 'GET',
    url: `${base}${path}`,
    retry: true,
    expect: 'json',
    ...overrides,
  });
}

describe('KaspiHttp classifies every Kaspi failure', () => {
  it('returns JSON and keeps refreshed cookies in the jar', async () => {
    const jar = new CookieJar({ 'mc-session': 'old', 'mc-sid': 'sid' });
    const response = await send('/ok', { jar });
    expect(response.json).toEqual({ ok: true });
    expect([jar.get('mc-session'), jar.get('mc-sid')]).toEqual(['refreshed', 'sid']);
    expect(Object.keys(new CookieJar(jar.toJSON()).toJSON())).toHaveLength(2);
  });

  it('5xx → transient, retried for reads only', async () => {
    hits.clear();
    await expect(send('/500')).rejects.toBeInstanceOf(KaspiTransientError);
    expect(hits.get('/500')).toBe(3);
    hits.clear();
    await expect(send('/500', { method: 'POST', retry: false })).rejects.toBeInstanceOf(KaspiTransientError);
    expect(hits.get('/500')).toBe(1);
    hits.clear();
    expect((await send('/flaky')).json).toEqual({ ok: 'third time' });
  });

  it('429 → rate limited, with Retry-After or Kaspi’s 30-minute default, and the change-budget scope', async () => {
    await expect(send('/429')).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 120_000,
      scope: 'merchant-writes',
    });
    await expect(send('/429-changes')).rejects.toMatchObject({ retryAfterMs: 30 * 60_000, scope: 'store-changes' });
    await expect(send('/429', { service: 'storefront' })).rejects.toMatchObject({ scope: 'storefront' });
    hits.clear();
    await expect(send('/429')).rejects.toBeInstanceOf(KaspiRateLimitedError);
    expect(hits.get('/429')).toBe(1);
  });

  it('401 and a redirect to the login page → session expired', async () => {
    await expect(send('/401')).rejects.toBeInstanceOf(KaspiSessionExpiredError);
    await expect(send('/to-login')).rejects.toBeInstanceOf(KaspiSessionExpiredError);
  });

  it('403/405 HTML and a 200 HTML wall → IP blocked; a 403 JSON from the cabinet → session expired (see answers.test.ts)', async () => {
    await expect(send('/403-html')).rejects.toBeInstanceOf(KaspiIpBlockedError);
    await expect(send('/405', { service: 'storefront' })).rejects.toMatchObject({ kind: 'ip-blocked', status: 405 });
    await expect(send('/wall', { service: 'storefront' })).rejects.toMatchObject({ kind: 'ip-blocked', status: 200 });
    await expect(send('/403-json')).rejects.toBeInstanceOf(KaspiSessionExpiredError);
    await expect(send('/403-json', { service: 'storefront' })).rejects.toMatchObject({
      kind: 'ip-blocked',
      status: 403,
    });
  });

  it('4xx with Kaspi’s errorCode → bad request carrying the code and data', async () => {
    await expect(send('/400')).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof KaspiBadRequestError &&
        error.errorCode === 'INVALID_STORE_ID' &&
        (error.errorData as { errorData: unknown }).errorData !== undefined,
    );
  });

  it('connection resets, timeouts and broken JSON → transient', async () => {
    await expect(send('/reset', { retry: false })).rejects.toBeInstanceOf(KaspiTransientError);
    await expect(send('/slow', { retry: false })).rejects.toBeInstanceOf(KaspiTransientError);
    await expect(send('/garbage', { retry: false })).rejects.toBeInstanceOf(KaspiTransientError);
  });

  it('a redirect is an answer when the caller expects one (OAuth hand-off)', async () => {
    const response = await send('/to-login', { service: 'login', expect: 'redirect' });
    expect(response.status).toBe(302);
    expect(response.location).toBe('https://idmc.shop.kaspi.kz/login');
  });
});
