import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { fieldOfEveryItem, formatChanges, rawKey, readItems } from '../../src/kaspi/item-reads.js';
import { currentPrice } from '../../src/kaspi/offer-writes.js';
import {
  cabinetOffer,
  getMerchantResponse,
  merchantPoint,
  offerListPage,
  storefrontOffer,
  storefrontOffersResponse,
} from '../../src/kaspi/schemas.js';

/**
 * The recorded answers (../shared/kaspi/samples) with the fields public clients treat as optional taken out or
 * nulled one at a time: each still reads, and the price falls back as public clients do (REFERENCE §2.2).
 */
const listSample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/cabinet-offer-view-list.json', import.meta.url), 'utf8'),
);
const storefrontSample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/storefront-offers-102298404.json', import.meta.url), 'utf8'),
);
const item = listSample.data[0] as Record<string, unknown>;

const without = (source: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(source).filter(([key]) => key !== field));

describe('cabinet list items', () => {
  const optional = Object.keys(item).filter((field) => !['sku', 'masterSku', 'availabilities'].includes(field));

  it.each(optional)('reads the recorded item without `%s`, and with it null', (field) => {
    expect(cabinetOffer.safeParse(without(item, field)).success).toBe(true);
    expect(cabinetOffer.safeParse({ ...item, [field]: null }).success).toBe(true);
  });

  it('reads points without `preOrder` or with it null, and an item without points as having none', () => {
    const points = item.availabilities as Record<string, unknown>[];
    const read = cabinetOffer.parse({ ...item, availabilities: points.map((point) => ({ ...point, preOrder: null })) });
    expect(read.availabilities.map((point) => point.preOrder)).toEqual([undefined, undefined, undefined]);
    expect(cabinetOffer.parse(without(item, 'availabilities')).availabilities).toEqual([]);
  });

  it('takes the price from `price`, else `minPrice`, else the cheapest city; 0 when there is none', () => {
    const cities = {
      allCityPrices: { '750000000': { price: 25_500, oldPrice: null, discount: 0 }, '710000000': { price: 24_700 } },
    };
    expect(currentPrice(cabinetOffer.parse({ ...item, price: 26_000 }))).toBe(26_000);
    expect(currentPrice(cabinetOffer.parse(item))).toBe(24_990); // the recorded `price: 0`
    expect(currentPrice(cabinetOffer.parse(without(item, 'price')))).toBe(24_990);
    expect(currentPrice(cabinetOffer.parse({ ...item, price: null, minPrice: null, ...cities }))).toBe(24_700);
    expect(
      currentPrice(
        cabinetOffer.parse({
          ...without(without(item, 'price'), 'minPrice'),
          allCityPrices: { '750000000': { price: null } },
        }),
      ),
    ).toBe(0);
  });

  it('a label of the wrong type is read as missing; a field something is decided on is not', () => {
    expect(cabinetOffer.parse({ ...item, brand: 17, shopLink: { path: '/p' } })).toMatchObject({
      brand: undefined,
      shopLink: undefined,
    });
    expect(cabinetOffer.safeParse({ ...item, minPrice: '24990' }).success).toBe(false);
    expect(
      cabinetOffer.safeParse({ ...item, availabilities: [{ storeId: '30297603_PP1', available: 'maybe' }] }).success,
    ).toBe(false);
  });

  it('reads a page item by item: an odd item is reported with its SKU and field, the others are kept', () => {
    const page = offerListPage.parse({
      data: [item, without({ ...item, sku: 'b' }, 'masterSku'), { ...item, sku: 'c' }, { price: 1 }],
    });
    expect(page.total).toBeUndefined(); // `total` may be missing: the caller cannot verify the read
    const { read, problems } = readItems(cabinetOffer, page.data, 'data', (raw) => rawKey(raw, 'sku'));
    expect(read.map(({ item: offer }) => offer.sku)).toEqual(['061077339', 'c']);
    expect(problems).toEqual([
      { key: 'b', field: 'data.1.masterSku', message: expect.any(String) },
      { key: undefined, field: 'data.3.sku', message: expect.any(String) },
    ]);
  });
});

describe('format changes', () => {
  it('is a field missing on more than half of the items, named for every item', () => {
    expect(fieldOfEveryItem('data.17.availabilities.0.storeId')).toBe('data.*.availabilities.*.storeId');
    const problems = [{ field: 'data.0.masterSku' }, { field: 'data.4.masterSku' }, { field: 'data.2.sku' }];
    expect(formatChanges(problems, 5)).toEqual([]);
    expect(formatChanges(problems, 3)).toEqual([{ field: 'data.*.masterSku', missing: 2, of: 3 }]);
    expect(formatChanges([{ field: 'data.0.price' }], 1)).toEqual([{ field: 'data.*.price', missing: 1, of: 1 }]);
  });
});

describe('storefront offers', () => {
  const offers = storefrontSample.offers as Record<string, unknown>[];
  const optional = [...new Set(offers.flatMap((offer) => Object.keys(offer)))].filter(
    (field) => !['merchantId', 'price'].includes(field),
  );

  it.each(optional)('reads every recorded offer without `%s`, and with it null', (field) => {
    for (const offer of offers) {
      expect(storefrontOffer.safeParse(without(offer, field)).success).toBe(true);
      expect(storefrontOffer.safeParse({ ...offer, [field]: null }).success).toBe(true);
    }
  });

  it('reads the answer without `total` or `offersCount`; not without `offers`', () => {
    expect(storefrontOffersResponse.safeParse(without(without(storefrontSample, 'total'), 'offersCount')).success).toBe(
      true,
    );
    expect(storefrontOffersResponse.safeParse(without(storefrontSample, 'offers')).success).toBe(false);
  });
});

describe('getMerchant', () => {
  it('reads a merchant without name or logo, and points without their city, name or flags', () => {
    const answer = {
      data: {
        merchant: { id: 30067228, points: [{ id: '30067228_PP1' }, { id: '30067228_PP2', city: null, enabled: null }] },
      },
    };
    const merchant = getMerchantResponse.parse(answer).data.merchant;
    expect([merchant.id, merchant.name, merchant.logo]).toEqual(['30067228', undefined, undefined]);
    const points = (merchant.points ?? []).map((point) => merchantPoint.parse(point));
    expect(points.map((point) => [point.id, point.city, point.enabled])).toEqual([
      ['30067228_PP1', undefined, undefined],
      ['30067228_PP2', undefined, undefined],
    ]);
    expect(merchantPoint.safeParse({ name: 'PP1' }).success).toBe(false); // a point is its id
  });
});
