import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateWorld, rivalKey } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import type { MarketView } from '../../src/kaspi/storefront-client.js';
import { startInterposer } from '../faults/interposer.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * Sellers who deliver to the buyer's city only from another one (issue 15: ignored by default). Read from the
 * storefront answer: `deliveryOptions[*].interCity` when Kaspi sends it, else no `pickup` and no points with stock
 * while other offers of the answer have them (the recorded capture's Tehno Trade).
 */
const sample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/storefront-offers-102298404.json', import.meta.url), 'utf8'),
) as { offers: Record<string, unknown>[] };
const ALMATY = '750000000';
const OURS = '30067228';
const SEED = 5;
const PRODUCTS = 60;
const SAMPLE_SKU = '102298404';
const TEHNO_KEYS = Object.keys(sample.offers.find((offer) => offer.merchantName === 'Tehno Trade')!);

let sandbox: KaspiSandbox;

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: SEED,
    timeScale: 20,
    rivalTickMs: 0,
    productsPerMerchant: PRODUCTS,
    logger: captureLogger('silent').logger,
  });
});
afterAll(async () => {
  await sandbox?.close();
});

const byName = (view: MarketView) =>
  Object.fromEntries(view.offers.map((offer) => [offer.merchantName, offer.intercity]));

/** The recorded product's answer passed through `rewrite` on its way to the client. */
async function readRewritten(rewrite: (offers: Record<string, unknown>[]) => Record<string, unknown>[], reads = 1) {
  const interposer = await startInterposer(sandbox.shopUrl);
  const logs = captureLogger('warn');
  const kaspi = kaspiFor({ ...sandbox, shopUrl: interposer.url }, logs.logger);
  try {
    interposer.add({
      method: 'POST',
      path: new RegExp(`^/yml/offer-view/offers/${SAMPLE_SKU}$`),
      action: 'rewrite-after',
      times: reads,
      rewrite: (json) => ({
        ...(json as object),
        offers: rewrite((json as { offers: Record<string, unknown>[] }).offers),
      }),
    });
    const views: MarketView[] = [];
    for (let read = 0; read < reads; read++) views.push(await kaspi.storefront.offers(SAMPLE_SKU, ALMATY));
    const after = await kaspi.storefront.offers(SAMPLE_SKU, ALMATY); // rules used up: Kaspi's own answer again
    return { views, after, logs };
  } finally {
    await kaspi.close();
    await interposer.close();
  }
}

describe('intercity sellers on the storefront', () => {
  it('the recorded capture: Tehno Trade (TO_DOOR, no pickup, no stock at a point here) is intercity, the others are not', async () => {
    const kaspi = kaspiFor(sandbox, captureLogger('silent').logger);
    try {
      const view = await kaspi.storefront.offers(SAMPLE_SKU, ALMATY);
      expect(byName(view)).toEqual({
        'Tehno Trade': true,
        'MOOD PLACE': false,
        ProUnit: false,
        'Gadgetkz АВТОРИЗОВАННЫЙ МАГАЗИН': false,
        'Sandbox Electronics': false,
      });
    } finally {
      await kaspi.close();
    }
  });

  it('`deliveryOptions`, when an offer has any, decide: intercity only when every option is interCity', async () => {
    const options: Record<string, unknown> = {
      'Tehno Trade': { kaspi: { deliveryType: 'TO_DOOR', interCity: false } }, // says local despite no pickup
      ProUnit: { express: { interCity: true }, door: { interCity: true } }, // says intercity despite its pickup
      'MOOD PLACE': { express: { interCity: true }, door: { interCity: false } }, // one way from here: local
      'Gadgetkz АВТОРИЗОВАННЫЙ МАГАЗИН': [{ interCity: true }], // as a list, as some answers may send it
      'Sandbox Electronics': {}, // no option: falls back to pickup / points
    };
    const { views } = await readRewritten((offers) =>
      offers.map((offer) =>
        String(offer.merchantName) in options
          ? { ...offer, deliveryOptions: options[String(offer.merchantName)] }
          : offer,
      ),
    );
    expect(byName(views[0]!)).toEqual({
      'Tehno Trade': false,
      'MOOD PLACE': false,
      ProUnit: true,
      'Gadgetkz АВТОРИЗОВАННЫЙ МАГАЗИН': true,
      'Sandbox Electronics': false,
    });
  });

  it('an answer where no offer carries `pickup` or points: nobody is intercity, and the change is logged once', async () => {
    const strip = (offers: Record<string, unknown>[]) =>
      offers.map(({ pickup: _pickup, pointsWithAvailability: _points, ...rest }) => rest);
    const { views, after, logs } = await readRewritten(strip, 3);
    for (const view of views) {
      expect(view.offers.length).toBe(5);
      expect(view.offers.every((offer) => offer.intercity === false)).toBe(true);
    }
    const changes = logs.lines().filter((line) => String(line.msg).startsWith('Kaspi changed the storefront offers'));
    expect(changes).toHaveLength(1);
    expect((changes[0]!.fields as { field: string }[]).map((change) => change.field).sort()).toEqual([
      'offers.*.pickup',
      'offers.*.pointsWithAvailability',
    ]);
    expect(changes[0]).toMatchObject({ masterSku: SAMPLE_SKU, cityId: ALMATY });
    // The fields are back: Tehno Trade reads as shipping from elsewhere again.
    expect(byName(after)['Tehno Trade']).toBe(true);
  });

  it('the sandbox serves cheap, weakly rated intercity sellers shaped like Tehno Trade, and the client reads them so', async () => {
    const world = generateWorld(SEED, PRODUCTS);
    const products = [...new Set(sandbox.catalogue(OURS).map((offer) => offer.masterSku))];
    const withIntercity = products.filter((sku) =>
      world.rivals.get(rivalKey(sku, ALMATY))?.some((rival) => rival.intercity),
    );
    expect(withIntercity.length).toBeGreaterThan(0);
    const slots = products.flatMap((sku) => world.rivals.get(rivalKey(sku, ALMATY)) ?? []);
    const share = slots.filter((rival) => rival.intercity).length / slots.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.1);

    const kaspi = kaspiFor(sandbox, captureLogger('silent').logger);
    try {
      for (const sku of withIntercity.slice(0, 8)) {
        const rivals = world.rivals.get(rivalKey(sku, ALMATY))!;
        const intercity = new Set(rivals.filter((rival) => rival.intercity).map((rival) => rival.merchantId));
        const cheapestLocal = Math.min(...rivals.filter((rival) => !rival.intercity).map((rival) => rival.price));
        for (const rival of rivals.filter((candidate) => candidate.intercity)) {
          expect(rival.rating).toBeGreaterThanOrEqual(3.0);
          expect(rival.rating).toBeLessThanOrEqual(3.6);
          expect(rival.reviews).toBeLessThanOrEqual(8);
          expect(rival.deliveryType).toBe('TO_DOOR');
          expect(['TILL_5_DAYS', 'TILL_7_DAYS']).toContain(rival.deliveryDuration);
          expect(rival.price).toBeLessThanOrEqual(Math.ceil(cheapestLocal * 0.97));
          expect(rival.price).toBeGreaterThanOrEqual(Math.floor(cheapestLocal * 0.92));
        }
        const answer = sandbox.storefront(sku, ALMATY);
        for (const offer of answer) {
          const local = 'pickup' in offer || 'pointsWithAvailability' in offer;
          expect(local, String(offer.merchantName)).toBe(!intercity.has(String(offer.merchantId)));
          if (local) continue;
          // Tehno Trade's fields in Tehno Trade's order (optional ones may be left out, as Kaspi does).
          const keys = Object.keys(offer);
          expect(TEHNO_KEYS.filter((key) => keys.includes(key))).toEqual(keys);
        }
        const view = await kaspi.storefront.offers(sku, ALMATY);
        expect(
          view.offers
            .filter((offer) => offer.intercity)
            .map((offer) => offer.merchantId)
            .sort(),
        ).toEqual([...intercity].sort());
        expect(view.offers.find((offer) => offer.merchantId === OURS)?.intercity ?? false).toBe(false);
      }
    } finally {
      await kaspi.close();
    }
  });
});
