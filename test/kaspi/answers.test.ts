import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  answerRow,
  answerShape,
  KASPI_ANSWERS,
  looksLikeHtml,
  type AnswerMeaning,
  type KaspiAnswerRow,
  type KaspiService,
} from '../../src/kaspi/answers.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import {
  isKaspiError,
  KaspiSessionExpiredError,
  sellerMessageOf,
  type KaspiErrorKind,
} from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { KaspiHttp, type KaspiRequest } from '../../src/kaspi/http.js';
import { EXPIRED_SESSION_SHAPES, startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { loginPageHtml } from '../../src/kaspi-sandbox/login-page.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

/** A real server answering each path the way Kaspi answers; one or more paths per row of the table. */
const routes: Record<string, (response: ServerResponse) => void> = {
  '/526': (r) => html(r, 526, '<html><body>526 Invalid SSL certificate</body></html>'),
  '/503': (r) => json(r, 503, { error: 'down' }),
  '/429': (r) => json(r, 429, { errorCode: 'TOO_MANY_REQUESTS' }, { 'retry-after': '90' }),
  '/to-login': (r) => moved(r, 'https://idmc.shop.kaspi.kz/login'),
  '/to-oauth': (r) => moved(r, '/oauth2/authorization/1?redirectUrl=https%3A%2F%2Fkaspi.kz%2Fmc%2F'),
  '/to-elsewhere': (r) => moved(r, '/mc/#/products'),
  '/401': (r) => json(r, 401, { errorCode: 'UNAUTHORIZED' }),
  '/403-json': (r) =>
    json(r, 403, {
      timestamp: '2026-12-06T10:00:00Z',
      status: 403,
      error: 'Forbidden',
      message: 'Access Denied',
      path: '/s/m',
    }),
  '/login-page': (r) => html(r, 200, loginPageHtml('https://mc.shop.kaspi.kz', 'https://kaspi.kz')),
  '/403-html': (r) => html(r, 403, '<html><body>Access denied</body></html>'),
  '/405-html': (r) => html(r, 405, '<html>Method Not Allowed</html>'),
  '/400': (r) => json(r, 400, { errorCode: 'INVALID_STORE_ID', errorData: { storeId: 'PP2' } }),
  '/wall': (r) => html(r, 200, '<!doctype html><html><body><h1>Проверка браузера</h1></body></html>'),
  '/garbage': (r) => text(r, 200, '{"truncated": '),
  '/empty': (r) => text(r, 200, ''),
  '/ok': (r) => json(r, 200, { ok: true }),
};

/** Each case: what is asked, and what it must mean. Every row of the table must be met by at least one. */
const CASES: { path: string; service: KaspiService; expect: KaspiRequest['expect']; meaning: AnswerMeaning }[] = [
  { path: '/526', service: 'storefront', expect: 'json', meaning: 'ip-blocked' },
  { path: '/526', service: 'cabinet', expect: 'json', meaning: 'ip-blocked' },
  { path: '/503', service: 'cabinet', expect: 'json', meaning: 'transient' },
  { path: '/429', service: 'cabinet', expect: 'json', meaning: 'rate-limited' },
  { path: '/to-login', service: 'login', expect: 'redirect', meaning: 'pass' },
  { path: '/to-login', service: 'cabinet', expect: 'json', meaning: 'session-expired' },
  { path: '/to-oauth', service: 'cabinet', expect: 'text', meaning: 'session-expired' },
  { path: '/to-elsewhere', service: 'cabinet', expect: 'json', meaning: 'bad-request' },
  { path: '/401', service: 'cabinet', expect: 'json', meaning: 'session-expired' },
  { path: '/403-json', service: 'cabinet', expect: 'json', meaning: 'session-expired' },
  { path: '/login-page', service: 'cabinet', expect: 'json', meaning: 'session-expired' },
  { path: '/login-page', service: 'cabinet', expect: 'text', meaning: 'session-expired' },
  { path: '/403-html', service: 'cabinet', expect: 'json', meaning: 'ip-blocked' },
  { path: '/405-html', service: 'storefront', expect: 'json', meaning: 'ip-blocked' },
  { path: '/403-html', service: 'login', expect: 'json', meaning: 'ip-blocked' },
  { path: '/401', service: 'login', expect: 'json', meaning: 'pass' },
  { path: '/403-json', service: 'storefront', expect: 'json', meaning: 'ip-blocked' },
  { path: '/400', service: 'cabinet', expect: 'json', meaning: 'bad-request' },
  { path: '/401', service: 'storefront', expect: 'json', meaning: 'bad-request' },
  { path: '/wall', service: 'cabinet', expect: 'json', meaning: 'ip-blocked' },
  { path: '/wall', service: 'login', expect: 'json', meaning: 'ip-blocked' },
  { path: '/garbage', service: 'cabinet', expect: 'json', meaning: 'transient' },
  { path: '/empty', service: 'storefront', expect: 'json', meaning: 'transient' },
  { path: '/ok', service: 'cabinet', expect: 'json', meaning: 'pass' },
  { path: '/wall', service: 'login', expect: 'text', meaning: 'pass' },
];

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
function html(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  response.end(body);
}
function text(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body);
}
function moved(response: ServerResponse, location: string) {
  response.writeHead(302, { location });
  response.end();
}

const ERROR_MEANING: Record<KaspiErrorKind, AnswerMeaning | undefined> = {
  'session-expired': 'session-expired',
  'ip-blocked': 'ip-blocked',
  'rate-limited': 'rate-limited',
  'bad-request': 'bad-request',
  transient: 'transient',
  schema: undefined,
  login: undefined,
};

let base = '';
const server = createServer((request, response) => {
  const route = routes[request.url ?? '/'];
  if (route) route(response);
  else json(response, 404, {});
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const http = new KaspiHttp({ logger: captureLogger('silent').logger, attempts: 1 });

/** The row the table picks for this answer, read from the answer as it came over the wire. */
async function rowFor(path: string, service: KaspiService, expect: KaspiRequest['expect']): Promise<KaspiAnswerRow> {
  const response = await fetch(`${base}${path}`, { redirect: 'manual' });
  const body = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const isHtml = looksLikeHtml(contentType, body);
  let parsed: unknown;
  if (!isHtml && body.trim() !== '') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const shape = answerShape(
    response.status,
    body,
    isHtml,
    parsed,
    response.headers.get('location') ?? undefined,
    `${base}${path}`,
  );
  return answerRow(service, response.status, shape, expect);
}

describe('what each Kaspi answer means (one table, every row over real HTTP)', () => {
  it.each(CASES)(
    '$service $path (expects $expect) → $meaning',
    async ({ path, service, expect: expected, meaning }) => {
      const row = await rowFor(path, service, expected);
      expect(row.meaning).toBe(meaning);
      let outcome: AnswerMeaning = 'pass';
      try {
        await http.send({
          endpoint: `test${path}`,
          service,
          method: 'GET',
          url: `${base}${path}`,
          retry: false,
          expect: expected,
        });
      } catch (error) {
        if (!isKaspiError(error)) throw error;
        outcome = ERROR_MEANING[error.kind] ?? 'pass';
        // The client read it by that very row: its reason is in the message.
        expect(error.message).toContain(row.why);
      }
      expect(outcome).toBe(meaning);
    },
  );

  it('has a case for every row', async () => {
    const met = new Set<KaspiAnswerRow>();
    for (const { path, service, expect: expected } of CASES) met.add(await rowFor(path, service, expected));
    const missing = KASPI_ANSWERS.filter((row) => !met.has(row)).map(
      (row) => `${row.service} ${String(row.status)} ${String(row.shape)} → ${row.meaning}`,
    );
    expect(missing).toEqual([]);
  });

  it('a 429 carries its cool-down, and the seller reads «session expired», never «IP blocked», for each expiry', async () => {
    await expect(
      http.send({
        endpoint: 'test',
        service: 'cabinet',
        method: 'GET',
        url: `${base}/429`,
        retry: false,
        expect: 'json',
      }),
    ).rejects.toMatchObject({ retryAfterMs: 90_000 });
    for (const path of ['/401', '/403-json', '/to-login', '/login-page']) {
      const error = await http
        .send({
          endpoint: 'test',
          service: 'cabinet',
          method: 'GET',
          url: `${base}${path}`,
          retry: false,
          expect: 'json',
        })
        .catch((caught: unknown) => caught);
      expect(error, path).toBeInstanceOf(KaspiSessionExpiredError);
      expect(sellerMessageOf(error as KaspiSessionExpiredError).key).toBe('kaspi-error-session-expired');
    }
  });
});

describe('the Kaspi sandbox expires cabinet sessions in each shape Kaspi does, and our client reads each as expired', () => {
  let sandbox: KaspiSandbox;
  let kaspi: Kaspi;
  beforeAll(async () => {
    sandbox = await startKaspiSandbox({
      seed: 8,
      timeScale: 600,
      rivalTickMs: 0,
      productsPerMerchant: 3,
      logger: captureLogger('silent').logger,
    });
    kaspi = kaspiFor(sandbox, captureLogger('silent').logger);
  });
  afterAll(async () => {
    await kaspi?.close();
    await sandbox?.close();
  });

  async function freshSession(): Promise<CookieJar> {
    let pending = await kaspi.smsLogin.start('+7 701 000 00 01').catch(() => undefined);
    while (!pending) {
      await new Promise((resolve) => setTimeout(resolve, 120)); // Kaspi's pause between two SMS (scaled)
      pending = await kaspi.smsLogin.start('+7 701 000 00 01').catch(() => undefined);
    }
    return new CookieJar((await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!)).cookies);
  }

  it.each(EXPIRED_SESSION_SHAPES)('shape %s: a read and a write both say «session expired»', async (shape) => {
    const jar = await freshSession();
    expect((await kaspi.cabinet.listMerchants(jar)).map((merchant) => merchant.uid)).toEqual(['30067228']);
    sandbox.expireSessions('30067228', shape);
    const read = await kaspi.cabinet.listMerchants(jar).catch((error: unknown) => error);
    expect(read).toBeInstanceOf(KaspiSessionExpiredError);
    const offers = await kaspi.cabinet.listOffers(jar, '30067228', true).catch((error: unknown) => error);
    expect(offers).toBeInstanceOf(KaspiSessionExpiredError);
    expect(sellerMessageOf(offers as KaspiSessionExpiredError).key).toBe('kaspi-error-session-expired');
  });

  it('takes the shape over its own HTTP endpoint, refuses an unknown one, and answers each shape as Kaspi does', async () => {
    const jar = await freshSession();
    const expire = (query: string) => fetch(`${sandbox.idmcUrl}/_sandbox/expire-sessions?${query}`, { method: 'POST' });
    expect((await expire('shape=teapot')).status).toBe(400);
    expect((await expire('merchantUid=30067228&shape=redirect')).status).toBe(200);
    const raw = await fetch(`${sandbox.mcUrl}/s/m`, {
      redirect: 'manual',
      headers: { cookie: jar.header(`${sandbox.mcUrl}/s/m`)!, 'x-auth-version': '3' },
    });
    expect(raw.status).toBe(302);
    expect(new URL(raw.headers.get('location')!).origin).toBe(new URL(sandbox.idmcUrl).origin);
    await expect(kaspi.cabinet.listMerchants(jar)).rejects.toBeInstanceOf(KaspiSessionExpiredError);

    const other = await freshSession();
    await expire('shape=login-page');
    const page = await fetch(`${sandbox.mcUrl}/s/m`, {
      headers: { cookie: other.header(`${sandbox.mcUrl}/s/m`)!, 'x-auth-version': '3' },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="user_email_field"');
  });

  it('a sandbox whose sessions all expire as a login page; the WAF wall is still read as a block, not as expiry', async () => {
    const strict = await startKaspiSandbox({
      seed: 9,
      timeScale: 600,
      rivalTickMs: 0,
      productsPerMerchant: 2,
      expiredSessionShape: 'login-page',
      logger: captureLogger('silent').logger,
    });
    const client = kaspiFor(strict, captureLogger('silent').logger);
    try {
      await expect(
        client.cabinet.listMerchants(new CookieJar({ 'mc-session': 'forged', 'mc-sid': 'forged' })),
      ).rejects.toBeInstanceOf(KaspiSessionExpiredError);
      const pending = await client.smsLogin.start('+7 701 000 00 01');
      const jar = new CookieJar(
        (await client.smsLogin.verify(pending, strict.lastCode('+7 (701) 000-00-01')!)).cookies,
      );
      strict.injectFaults({ target: 'cabinet', htmlWall: 1 });
      await expect(client.cabinet.listMerchants(jar)).rejects.toMatchObject({ kind: 'ip-blocked' });
      expect((await client.cabinet.listMerchants(jar)).length).toBe(1);
    } finally {
      await client.close();
      await strict.close();
    }
  });
});
