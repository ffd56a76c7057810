import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import type { StorePoint } from '../../src/db/entities/store.js';
import { buildPricefeedItem, currentPrice, OfferWriteError } from '../../src/kaspi/offer-writes.js';
import { offerListResponse, parseKaspi } from '../../src/kaspi/schemas.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/kaspi/cabinet-offer-view-list.json', import.meta.url), 'utf8'));
const offer = parseKaspi(offerListResponse, fixture, 'fixture').data[0]!;
const MERCHANT = '30297603';
const POINTS: StorePoint[] = [
  { storeId: '30297603_PP1', code: 'PP1', name: 'PP1', cityId: '750000000', cityName: 'Алматы', enabled: true },
  { storeId: '30297603_PP2', code: 'PP2', name: 'PP2', cityId: '710000000', cityName: 'Астана', enabled: true },
  { storeId: '30297603_PP3', code: 'PP3', name: 'PP3', cityId: '750000000', cityName: 'Алматы', enabled: true },
];

const capturedEnable = JSON.parse(readFileSync(new URL('../fixtures/kaspi/pricefeed-batch-enable.json', import.meta.url), 'utf8'))[0];

describe('buildPricefeedItem', () => {
  it('builds the same batch item the cabinet’s «Выставить на продажу» sends, plus the base price', () => {
    const read = parseKaspi(offerListResponse, {
      data: [
        {
          sku: capturedEnable.sku,
          masterSku: '133206576',
          model: capturedEnable.model,
          price: 1120,
          availabilities: [{ storeId: '30067228_PP2', available: 'no' }],
        },
      ],
      total: 1,
    }, 'fixture').data[0]!;
    const points: StorePoint[] = [{ storeId: '30067228_PP2', code: 'PP2', name: 'PP2', cityId: '511010000', cityName: 'Шымкент', enabled: true }];
    const { price, ...item } = buildPricefeedItem('30067228', read, { available: true }, points, { batch: true });
    expect(item).toEqual(capturedEnable);
    expect(price).toBe(1120);
  });

  it('parses the recorded cabinet item and reads its price (minPrice when price is 0)', () => {
    expect(offer.sku).toBe('061077339');
    expect(offer.price).toBe(0);
    expect(currentPrice(offer)).toBe(24990);
  });

  it('single write: echoes every availability exactly as read and changes only the price', () => {
    const item = buildPricefeedItem(MERCHANT, offer, { price: 23990 }, POINTS, { batch: false });
    expect(item).toEqual({
      merchantUid: MERCHANT,
      sku: '061077339',
      model: 'Наушники X белые',
      price: 23990,
      availabilities: fixture.data[0].availabilities,
      cityPrices: [
        { cityId: '710000000', value: 23990 },
        { cityId: '750000000', value: 23990 },
      ],
    });
  });

  it('batch write: never sends stockCount, keeps every point and everything else as read', () => {
    const item = buildPricefeedItem(MERCHANT, offer, { available: false }, POINTS, { batch: true });
    expect(item.availabilities).toHaveLength(3);
    for (const availability of item.availabilities) {
      expect(availability).not.toHaveProperty('stockCount');
      expect(availability.available).toBe('no');
    }
    expect(item.availabilities.map((availability) => availability.storeId)).toEqual(['30297603_PP1', '30297603_PP2', '30297603_PP3']);
    expect(item.availabilities[1]).toEqual({ storeId: '30297603_PP2', available: 'no', preOrder: 5, stockSpecified: false });
    expect(item.price).toBe(24990);
  });

  it('sets preorder days on one point only', () => {
    const item = buildPricefeedItem(MERCHANT, offer, { preOrderDays: { '30297603_PP3': 14 } }, POINTS, { batch: true });
    expect(item.availabilities.map((availability) => availability.preOrder)).toEqual([0, 5, 14]);
    expect(item.availabilities.map((availability) => availability.available)).toEqual(['yes', 'yes', 'no']);
  });

  it('prefixes bare point ids with the merchant', () => {
    const bare = { ...offer, availabilities: [{ storeId: 'PP1', available: 'yes' as const }] };
    expect(buildPricefeedItem(MERCHANT, bare, { price: 100 }, POINTS, { batch: true }).availabilities[0]!.storeId).toBe('30297603_PP1');
  });

  it.each([
    [{ price: 9 }, /≥ 10/],
    [{ price: 99.5 }, /whole number/],
    [{ price: Number.NaN }, /whole number/],
    [{ preOrderDays: { '30297603_PP1': 31 } }, /0–30/],
    [{ preOrderDays: { '30297603_PP1': -1 } }, /0–30/],
    [{ preOrderDays: { '30297603_PP9': 3 } }, /no point/],
  ])('refuses %j', (change, message) => {
    expect(() => buildPricefeedItem(MERCHANT, offer, change, POINTS, { batch: true })).toThrow(message);
  });

  it('refuses to write an offer with no points or unknown cities', () => {
    expect(() => buildPricefeedItem(MERCHANT, { ...offer, availabilities: [] }, { price: 100 }, POINTS, { batch: true })).toThrow(OfferWriteError);
    expect(() => buildPricefeedItem(MERCHANT, offer, { price: 100 }, [], { batch: true })).toThrow(/cities/);
  });
});
