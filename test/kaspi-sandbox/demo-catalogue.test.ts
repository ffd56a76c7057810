import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MERCHANTS, SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox, type SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { SANDBOX_DEFAULTS } from '../../src/sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * The world `npm run sandbox` creates, as a newcomer reads it: the README's figures are what they get, and each
 * store sells what its name says at prices a Kazakh shop would ask.
 */

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
const ELECTRONICS = '30067228';
const HOME = '30463421';

/** What a product of each category costs in Kazakhstan, from the cheapest seller to the dearest (₸). */
const PRICE_RANGES: Record<string, [number, number]> = {
  'Master - Smartphones': [50_000, 700_000],
  'Master - Headphones': [10_000, 200_000],
  'Master - Notebooks': [150_000, 900_000],
  'Master - TVs': [80_000, 1_000_000],
  'Master - Smart watches': [10_000, 100_000],
  'Master - Hair dryers': [8_000, 60_000],
  'Master - Vacuum cleaners': [150_000, 600_000],
  'Master - Kettles': [7_000, 35_000],
  'Master - Wet wipes': [200, 2_000],
  'Master - Coffee machines': [60_000, 700_000],
  'Master - Frying pans': [5_000, 35_000],
  'Master - Irons': [8_000, 110_000],
};
const STORE_CATEGORIES: Record<string, string[]> = {
  [ELECTRONICS]: [
    'Master - Smartphones',
    'Master - Headphones',
    'Master - Notebooks',
    'Master - TVs',
    'Master - Smart watches',
    'Master - Hair dryers',
  ],
  [HOME]: [
    'Master - Vacuum cleaners',
    'Master - Kettles',
    'Master - Wet wipes',
    'Master - Coffee machines',
    'Master - Frying pans',
    'Master - Irons',
  ],
};

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: SANDBOX_DEFAULTS.seed,
    productsPerMerchant: SANDBOX_DEFAULTS.productsPerMerchant,
    rivalTickMs: 0,
    logger: captureLogger('silent').logger,
  });
});
afterAll(() => sandbox?.close());

const storeName = (uid: string) => MERCHANTS.find((merchant) => merchant.uid === uid)!.name;

describe('the demo catalogue of `npm run sandbox`', () => {
  it.each([ELECTRONICS, HOME])('has as many products in store %s as the README says', (uid) => {
    const figure = new RegExp(`${storeName(uid)} \\((\\d+) products`).exec(README)?.[1];
    expect(figure, `README names ${storeName(uid)} with its product count`).toBeDefined();
    expect(sandbox.catalogue(uid)).toHaveLength(Number(figure));
  });

  it('sells what each store is named for, priced as its category is', () => {
    for (const [uid, categories] of Object.entries(STORE_CATEGORIES)) {
      const offers: SandboxOffer[] = sandbox.catalogue(uid);
      expect(new Set(offers.map((offer) => offer.masterCategory))).toEqual(new Set(categories));
      for (const offer of offers) {
        const [low, high] = PRICE_RANGES[offer.masterCategory]!;
        for (const { price } of Object.values(offer.allCityPrices))
          expect(price, `${offer.model} in ${storeName(uid)}`).toSatisfy((p: number) => p >= low && p <= high);
        // The recorded product keeps Kaspi's own names.
        if (offer.masterSku !== SAMPLE_MASTER_SKU)
          expect(offer.model.startsWith(offer.masterTitle), offer.model).toBe(true);
      }
    }
  });

  it('lists each model once in a store', () => {
    for (const uid of [ELECTRONICS, HOME]) {
      const models = sandbox.catalogue(uid).map((offer) => offer.model);
      expect(new Set(models).size, storeName(uid)).toBe(models.length);
    }
  });

  it('keeps rivals near our price, so cheap goods meet cheap rivals', () => {
    const wipes = sandbox.catalogue(HOME).filter((offer) => offer.masterCategory === 'Master - Wet wipes');
    expect(wipes.length).toBeGreaterThan(0);
    for (const offer of wipes) {
      const city = MERCHANTS.find((merchant) => merchant.uid === HOME)!.points[0]!.cityId;
      const rivals = (sandbox.storefront(offer.masterSku, city) as { merchantId: string; price: number }[]).filter(
        (rival) => rival.merchantId !== HOME,
      );
      for (const rival of rivals) expect(rival.price).toBeLessThan(3_000);
    }
  });
});
