import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Kaspi } from '../../src/kaspi/index.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';

/**
 * The sandbox leaves optional fields out of its list items and storefront offers, seeded per item, so every test
 * that reads through it exercises the forgiving reads. Spoken to over plain HTTP: what any client would see.
 */
const MERCHANT = '30067228';
const ALMATY = '750000000';

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
let cookie: string;

type Item = Record<string, unknown>;

async function listPage(onSale: boolean, page = 0): Promise<{ data: Item[]; total?: number }> {
  const response = await fetch(`${sandbox.mcUrl}/bff/offer-view/list?m=${MERCHANT}&p=${page}&l=100&a=${onSale}`, {
    headers: { cookie, 'x-auth-version': '3' },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data: Item[]; total?: number };
}

async function everyItem(): Promise<Item[]> {
  const items: Item[] = [];
  for (const onSale of [true, false]) {
    for (let page = 0; ; page++) {
      const { data } = await listPage(onSale, page);
      items.push(...data);
      if (data.length < 100) break;
    }
  }
  return items;
}

async function storefront(masterSku: string): Promise<Item[]> {
  await new Promise((resolve) => setTimeout(resolve, 100)); // under the sandbox's 15 requests per second per IP
  const response = await fetch(`${sandbox.shopUrl}/yml/offer-view/offers/${masterSku}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cityId: ALMATY, id: masterSku, limit: 64, page: 0, sortOption: 'PRICE' }),
  });
  return ((await response.json()) as { offers: Item[] }).offers;
}

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 41,
    timeScale: 100,
    rivalTickMs: 0,
    productsPerMerchant: 150,
    logger: captureLogger('silent').logger,
  });
  kaspi = kaspiFor(sandbox, captureLogger('silent').logger);
  const pending = await kaspi.smsLogin.start('+7 701 000 00 01');
  const login = await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
  cookie = new CookieJar(login.cookies).header(`${sandbox.mcUrl}/bff/offer-view/list`)!;
});
afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
});

describe('Kaspi sandbox answers with optional fields left out', () => {
  it('list items: some lack price (or carry 0 / null), minPrice, brand, preOrder; what only Kaspi knows is always there', async () => {
    const items = await everyItem();
    const catalogue = new Map(sandbox.catalogue(MERCHANT).map((offer) => [offer.sku, offer]));
    expect(items).toHaveLength(catalogue.size);
    const count = (test: (item: Item) => boolean) => items.filter(test).length;
    expect(count((item) => !('price' in item))).toBeGreaterThan(0);
    expect(count((item) => item.price === null)).toBeGreaterThan(0);
    expect(count((item) => item.price === 0)).toBeGreaterThan(0);
    expect(count((item) => !('minPrice' in item) || item.minPrice === null)).toBeGreaterThan(0);
    expect(count((item) => !('brand' in item))).toBeGreaterThan(0);
    expect(count((item) => (item.availabilities as Item[]).some((point) => !('preOrder' in point)))).toBeGreaterThan(0);
    expect(
      count(
        (item) =>
          'price' in item &&
          item.price !== null &&
          item.price !== 0 &&
          item.minPrice !== undefined &&
          item.minPrice !== null,
      ),
    ).toBeGreaterThan(items.length / 2);
    for (const item of items) {
      const offer = catalogue.get(String(item.sku))!;
      expect([item.masterSku, item.model, item.allCityPrices, item.stocks]).toEqual([
        offer.masterSku,
        offer.model,
        offer.allCityPrices,
        offer.stocks,
      ]);
      const points = item.availabilities as Item[];
      expect(points.map((point) => [point.storeId, point.available, point.stockCount, point.stockSpecified])).toEqual(
        offer.availabilities.map((point) => [point.storeId, point.available, point.stockCount, point.stockSpecified]),
      );
      // A preorder of some days is always spelled out; only «none» may be left out.
      expect(points.map((point) => point.preOrder ?? 0)).toEqual(
        offer.availabilities.map((point) => point.preOrder ?? 0),
      );
      // One price is always there: price, else minPrice, else every city's (then all the same).
      const prices = [item.price, item.minPrice, ...Object.values(offer.allCityPrices).map((entry) => entry.price)];
      expect(prices.some((price) => typeof price === 'number' && price > 0)).toBe(true);
    }
  });

  it('the same item reads the same on every request, so a product does not flip between syncs', async () => {
    expect(await listPage(true, 0)).toEqual(await listPage(true, 0));
    const again = await startKaspiSandbox({
      seed: 41,
      rivalTickMs: 0,
      productsPerMerchant: 150,
      logger: captureLogger('silent').logger,
    });
    try {
      const other = kaspiFor(again, captureLogger('silent').logger);
      const pending = await other.smsLogin.start('+7 701 000 00 01');
      const login = await other.smsLogin.verify(pending, again.lastCode('+7 (701) 000-00-01')!);
      const page = await fetch(`${again.mcUrl}/bff/offer-view/list?m=${MERCHANT}&p=0&l=100&a=true`, {
        headers: {
          'x-auth-version': '3',
          cookie: new CookieJar(login.cookies).header(`${again.mcUrl}/bff/offer-view/list`)!,
        },
      });
      expect(await page.json()).toEqual(await listPage(true, 0)); // seeded: the same seed, the same gaps
      await other.close();
    } finally {
      await again.close();
    }
  });

  it('storefront offers: some lack descriptive fields; merchantId, merchantName and price always there', async () => {
    const skus = [...new Set(sandbox.catalogue(MERCHANT).map((offer) => offer.masterSku))].slice(0, 30);
    const offers: Item[] = [];
    for (const sku of skus) offers.push(...(await storefront(sku)));
    expect(offers.length).toBeGreaterThan(100);
    for (const field of ['merchantSku', 'title', 'masterSku', 'kdPoints', 'deliveryType', 'delivery']) {
      expect(offers.filter((offer) => !(field in offer)).length, field).toBeGreaterThan(0);
    }
    for (const offer of offers) {
      expect(typeof offer.merchantId).toBe('string');
      expect(typeof offer.merchantName).toBe('string');
      expect(typeof offer.price).toBe('number');
      expect('deliveryDuration' in offer).toBe(true); // a decision input: its absence would mean something else
    }
    // `pickup` or `pointsWithAvailability` may be left out, never both: that is how a seller shipping from another
    // city reads (Tehno Trade in the recorded capture), and only the sandbox's intercity rivals look so.
    expect(offers.filter((offer) => !('pickup' in offer)).length).toBeGreaterThan(0);
    expect(offers.filter((offer) => !('pointsWithAvailability' in offer)).length).toBeGreaterThan(0);
    const fromElsewhere = offers.filter((offer) => !('pickup' in offer) && !('pointsWithAvailability' in offer));
    expect(fromElsewhere.length).toBeGreaterThan(0);
    for (const offer of fromElsewhere) expect(['TILL_5_DAYS', 'TILL_7_DAYS']).toContain(offer.deliveryDuration);
    // What tests read from the sandbox directly is what the storefront answers.
    expect(await storefront(skus[0]!)).toEqual(sandbox.storefront(skus[0]!, ALMATY).slice(0, 64));
  });

  it('renames a field of the cabinet list on demand (schema drift), like the storefront', async () => {
    sandbox.injectFaults({ target: 'cabinet', drift: { from: 'masterSku', to: 'masterSKU' } });
    try {
      const { data } = await listPage(true, 0);
      expect(data.every((item) => !('masterSku' in item) && 'masterSKU' in item)).toBe(true);
    } finally {
      sandbox.injectFaults({ target: 'cabinet', drift: null });
    }
    expect((await listPage(true, 0)).data.every((item) => 'masterSku' in item)).toBe(true);
  });
});
