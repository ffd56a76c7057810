import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';

const sample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/storefront-offers-102298404.json', import.meta.url), 'utf8'),
);
const ALMATY = '750000000';
const MERCHANT = '30067228';

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 21,
    timeScale: 100,
    rivalTickMs: 0,
    productsPerMerchant: 20,
    applyDelayMs: 1_000,
    logger: captureLogger('silent').logger,
  });
});
afterAll(() => sandbox?.close());

/** Raw HTTP from a chosen source address, cookies by hand: what any client would see. */
function raw(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    cookies?: Record<string, string>;
    headers?: Record<string, string>;
    from?: string;
  } = {},
) {
  return new Promise<{
    status: number;
    json: unknown;
    text: string;
    setCookies: Record<string, string>;
    location?: string;
  }>((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(options.cookies
            ? {
                cookie: Object.entries(options.cookies)
                  .map(([name, value]) => `${name}=${value}`)
                  .join('; '),
              }
            : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const setCookies: Record<string, string> = {};
          for (const header of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = header.split(';');
            const at = pair.indexOf('=');
            setCookies[pair.slice(0, at)] = pair.slice(at + 1);
          }
          resolve({ status: response.statusCode ?? 0, json, text, setCookies, location: response.headers.location });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The whole SMS login by hand: page → phone → code → OAuth hops → cabinet cookies. */
async function loginByHand(phone = '+7 (701) 000-00-01') {
  const jar: Record<string, string> = {};
  const page = await raw(`${sandbox.idmcUrl}/login`);
  Object.assign(jar, page.setCookies);
  let sent = await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: phone }, cookies: jar });
  const flood = sent.json as { errorCode?: string; errorData?: { breakTimeSeconds: number } };
  if (flood.errorCode === 'MFA_SEND_FLOOD') {
    await new Promise((resolve) => setTimeout(resolve, flood.errorData!.breakTimeSeconds * 1000));
    sent = await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: phone }, cookies: jar });
  }
  expect(sent.json).toEqual({ phone });
  const stepTwoCookie = jar.MS_AUTH_SSO;
  Object.assign(jar, sent.setCookies);
  expect(jar.MS_AUTH_SSO).not.toBe(stepTwoCookie);
  const verified = await raw(`${sandbox.idmcUrl}/api/p/login`, {
    method: 'POST',
    body: { _c: sandbox.lastCode(phone) },
    cookies: jar,
  });
  expect(verified.json).toEqual({ redirectUrl: '/' });
  Object.assign(jar, verified.setCookies);
  let url = `${sandbox.mcUrl}/oauth2/authorization/1?redirectUrl=${encodeURIComponent(`${sandbox.shopUrl}/mc/`)}`;
  for (let hop = 0; hop < 5; hop++) {
    const step = await raw(url, { cookies: jar });
    Object.assign(jar, step.setCookies);
    if (step.status !== 302 || !step.location) break;
    url = new URL(step.location, url).toString();
  }
  return jar;
}

describe('Kaspi sandbox, spoken to by hand', () => {
  it('replays the recorded storefront answer field for field', async () => {
    const answer = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, id: '102298404', limit: 64, page: 0, sortOption: 'PRICE' },
      })
    ).json as {
      offers: Record<string, unknown>[];
      total: number;
    };
    const rivals = answer.offers.filter((offer) => offer.merchantId !== MERCHANT);
    expect(rivals).toEqual(sample.offers);
    expect(rivals.map((offer) => Object.keys(offer))).toEqual(sample.offers.map((offer: object) => Object.keys(offer)));
    // The one deliberate difference: the sample says total 20 because it was trimmed to four offers.
    expect(answer.total).toBe(answer.offers.length);
  });

  it('answers GET with 405, a limit above 64 with 400, and paginates', async () => {
    expect((await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`)).status).toBe(405);
    expect(
      (
        await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
          method: 'POST',
          body: { cityId: ALMATY, limit: 65 },
        })
      ).status,
    ).toBe(400);
    const first = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, limit: 2, page: 0 },
      })
    ).json as { offers: unknown[]; total: number };
    const second = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, limit: 2, page: 1 },
      })
    ).json as { offers: unknown[] };
    expect(first.offers).toHaveLength(2);
    expect(second.offers).toHaveLength(2);
    expect(first.total).toBe(5);
    expect(
      (await raw(`${sandbox.shopUrl}/yml/offer-view/offers/999`, { method: 'POST', body: { cityId: ALMATY } })).json,
    ).toMatchObject({ offers: [], total: 0 });
  });

  it('blocks one source IP above 15 requests per second while another is fine, then lets it back', async () => {
    const url = `${sandbox.shopUrl}/yml/offer-view/offers/102298404`;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 403).length).toBeGreaterThanOrEqual(5);
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.3' })).status).toBe(200);
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' })).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 10_000 / 100 + 50));
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' })).status).toBe(200);
  });

  it('walks the SMS login and OAuth hand-off by hand, ending with cabinet cookies that work', async () => {
    const jar = await loginByHand();
    expect(Object.keys(jar)).toEqual(expect.arrayContaining(['mc-session', 'mc-sid', 'mc_arr', 'MS_AUTH_SSO']));
    const merchants = await raw(`${sandbox.mcUrl}/s/m`, { cookies: jar, headers: { 'x-auth-version': '3' } });
    expect(merchants.json).toEqual({ merchants: [{ uid: MERCHANT, name: 'Sandbox Electronics' }] });
    expect((await raw(`${sandbox.mcUrl}/s/m`, { cookies: jar })).status).toBe(400); // x-auth-version: 3 is required
    const foreign = await raw(`${sandbox.mcUrl}/bff/offer-view/list?m=30463421&p=0&l=10&a=true`, {
      cookies: jar,
      headers: { 'x-auth-version': '3' },
    });
    expect(foreign.status).toBe(403);
    expect(
      (
        await raw(`${sandbox.mcUrl}/bff/offer-view/list?m=${MERCHANT}&p=0&l=101&a=true`, {
          cookies: jar,
          headers: { 'x-auth-version': '3' },
        })
      ).status,
    ).toBe(400);
  });

  it('refuses the login API without its session cookie, and the code step with the cookie from before the SMS', async () => {
    expect(
      (await raw(`${sandbox.idmcUrl}/api/p/login`, { method: 'POST', body: { _ph: '+7 (701) 000-00-01' } })).json,
    ).toEqual({ errorCode: 'NO_SESSION' });
    const page = await raw(`${sandbox.idmcUrl}/login`);
    await new Promise((resolve) => setTimeout(resolve, 60_000 / 100 + 20)); // past the previous SMS's resend pause
    const sent = await raw(`${sandbox.idmcUrl}/api/p/login`, {
      method: 'POST',
      body: { _ph: '+7 (701) 000-00-02' },
      cookies: page.setCookies,
    });
    expect(sent.status).toBe(200);
    const stale = await raw(`${sandbox.idmcUrl}/api/p/login`, {
      method: 'POST',
      body: { _c: sandbox.lastCode('+7 (701) 000-00-02') },
      cookies: page.setCookies,
    });
    expect(stale.json).toEqual({ errorCode: 'NO_SESSION' });
    expect(
      (
        await raw(`${sandbox.idmcUrl}/api/p/login`, {
          method: 'POST',
          body: { _ph: '77010000001' },
          cookies: sent.setCookies,
        })
      ).json,
    ).toEqual({ errorCode: 'PHONE_INVALID' });
  });

  it('reproduces the write pitfalls that took real offers off sale', async () => {
    const jar = await loginByHand('+7 (701) 000-00-02');
    const headers = { 'x-auth-version': '3' };
    const [withStock, missingPoint] = sandbox
      .catalogue(MERCHANT)
      .filter((offer) => offer.availabilities.every((a) => a.available === 'yes'));
    expect(withStock && missingPoint).toBeTruthy();
    const item = (offer: typeof withStock, availabilities: unknown[]) => ({
      merchantUid: MERCHANT,
      sku: offer!.sku,
      model: offer!.model,
      price: offer!.price,
      availabilities,
    });
    const batch = [
      item(
        withStock,
        withStock!.availabilities.map((a) => ({ storeId: a.storeId, available: 'yes', stockCount: 1 })),
      ),
      item(missingPoint, [{ storeId: missingPoint!.availabilities[0]!.storeId, available: 'yes' }]),
    ];
    const accepted = await raw(`${sandbox.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
      method: 'POST',
      body: batch,
      cookies: jar,
      headers,
    });
    expect(accepted.json).toMatchObject({ id: expect.any(String) });
    const bare = [item(withStock, [{ storeId: 'PP1', available: 'yes' }])];
    expect(
      (
        await raw(`${sandbox.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
          method: 'POST',
          body: bare,
          cookies: jar,
          headers,
        })
      ).json,
    ).toMatchObject({
      errorCode: 'INVALID_STORE_ID',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000 / 100 + 50));
    const after = sandbox.catalogue(MERCHANT);
    expect(after.find((offer) => offer.sku === withStock!.sku)!.availabilities.every((a) => a.available === 'no')).toBe(
      true,
    );
    const partly = after.find((offer) => offer.sku === missingPoint!.sku)!.availabilities;
    expect(partly[0]!.available).toBe('yes');
    expect(partly[1]).toMatchObject({ available: 'no', stockCount: 0 });
    expect(sandbox.writes(MERCHANT)).toHaveLength(1);
  });

  it('blocks a merchant’s writes for 30 (scaled) minutes above 3 per second, and above 250 changes in 30 minutes', async () => {
    const local = await startKaspiSandbox({
      seed: 22,
      timeScale: 600,
      rivalTickMs: 0,
      productsPerMerchant: 3,
      limits: { changesPer30Min: 5 },
      logger: captureLogger('silent').logger,
    });
    try {
      const jar = await (async () => {
        const previous = sandbox;
        sandbox = local;
        try {
          return await loginByHand();
        } finally {
          sandbox = previous;
        }
      })();
      const offer = local.catalogue(MERCHANT)[0]!;
      const body = [
        {
          merchantUid: MERCHANT,
          sku: offer.sku,
          model: offer.model,
          price: offer.price,
          availabilities: offer.availabilities.map(({ storeId, available }) => ({ storeId, available })),
        },
      ];
      const write = () =>
        raw(`${local.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
          method: 'POST',
          body,
          cookies: jar,
          headers: { 'x-auth-version': '3' },
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await write()).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[3]).toBe(429);
      expect(local.stats().cabinet429).toBeGreaterThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, (30 * 60_000) / 600 + 100)); // block and change window both over
      expect((await write()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the per-second window, within the 30-minute one
      // 5 changes per window here: one is spent, so a batch of five exceeds it.
      const changes = await raw(`${local.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
        method: 'POST',
        body: [...body, ...body, ...body, ...body, ...body],
        cookies: jar,
        headers: { 'x-auth-version': '3' },
      });
      expect(changes.json).toEqual({ errorCode: 'TOO_MANY_CHANGES' });
    } finally {
      await local.close();
    }
  });

  it('is deterministic for a seed', async () => {
    const again = await startKaspiSandbox({
      seed: 21,
      rivalTickMs: 0,
      productsPerMerchant: 20,
      logger: captureLogger('silent').logger,
    });
    const other = await startKaspiSandbox({
      seed: 99,
      rivalTickMs: 0,
      productsPerMerchant: 20,
      logger: captureLogger('silent').logger,
    });
    try {
      const skus = (box: KaspiSandbox) => box.catalogue('30463421').map((offer) => [offer.sku, offer.price]);
      expect(skus(again)).toEqual(skus(sandbox));
      expect(skus(other)).not.toEqual(skus(sandbox));
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('moves rivals: dempers answer an undercut, never below their floor', async () => {
    const box = await startKaspiSandbox({
      seed: 23,
      rivalTickMs: 0,
      productsPerMerchant: 30,
      logger: captureLogger('silent').logger,
    });
    try {
      let answered = 0;
      for (const offer of box
        .catalogue(MERCHANT)
        .filter((candidate) => candidate.available)
        .slice(0, 30)) {
        const before = box.storefront(offer.masterSku, ALMATY).filter((o) => o.merchantId !== MERCHANT);
        box.tickRivals();
        const after = box.storefront(offer.masterSku, ALMATY).filter((o) => o.merchantId !== MERCHANT);
        const ours = offer.allCityPrices[ALMATY]?.price ?? offer.price;
        for (const rival of after) {
          const previous = before.find((candidate) => candidate.merchantId === rival.merchantId);
          if (previous && (rival.price as number) < (previous.price as number) && (rival.price as number) < ours)
            answered++;
        }
      }
      expect(answered).toBeGreaterThan(0);
    } finally {
      await box.close();
    }
  });

  it('hands out the sent codes and takes faults over its own HTTP endpoints (for other processes)', async () => {
    await loginByHand('+7 (701) 000-00-01');
    const code = await raw(`${sandbox.idmcUrl}/_sandbox/code?identity=${encodeURIComponent('+7 (701) 000-00-01')}`);
    expect(code.json).toEqual({ code: sandbox.lastCode('+7 (701) 000-00-01') });
    expect((await raw(`${sandbox.idmcUrl}/_sandbox/code?identity=nobody`)).status).toBe(404);
    expect(
      (
        await raw(`${sandbox.idmcUrl}/_sandbox/faults`, {
          method: 'POST',
          body: { target: 'storefront', serverErrors: 1 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
          method: 'POST',
          body: { cityId: ALMATY },
          from: '127.0.0.5',
        })
      ).status,
    ).toBe(502);
    expect((await raw(`${sandbox.idmcUrl}/_sandbox/faults`, { method: 'POST', body: { target: 'moon' } })).status).toBe(
      400,
    );
  });

  it('injects each fault kind on demand', async () => {
    const url = `${sandbox.shopUrl}/yml/offer-view/offers/102298404`;
    sandbox.injectFaults({ target: 'storefront', serverErrors: 1 });
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).status).toBe(502);
    sandbox.injectFaults({ target: 'storefront', htmlWall: 1 });
    const wall = await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' });
    expect([wall.status, wall.text.startsWith('<!doctype html>')]).toEqual([200, true]);
    sandbox.injectFaults({ target: 'storefront', resets: 1 });
    await expect(raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).status).toBe(200);
  });
});
