import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import type { StorePoint } from '../../src/db/entities/store.js';
import {
  buildPointSave,
  buildPricefeedItem,
  cityPriceOf,
  currentPrice,
  offerCityPrices,
  OfferWriteError,
  trackedStock,
  validationForEnable,
} from '../../src/kaspi/offer-writes.js';
import { offerListResponse, parseKaspi, type CabinetOffer } from '../../src/kaspi/schemas.js';
import { buildPriceListFile, priceListFileMisfit, PRICE_LIST_COLUMNS } from '../../src/preorders/price-list-file.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/cabinet-offer-view-list.json', import.meta.url), 'utf8'),
);
/** The recorded list item: PP1 tracked (stock 7 in `stocks`), PP2 on preorder 5 days, PP3 off sale and tracked. */
const offer = parseKaspi(offerListResponse, fixture, 'fixture').data[0]!;
/** The recorded item with some fields replaced, read as the client reads a list item. */
const variant = (changes: Record<string, unknown>): CabinetOffer =>
  parseKaspi(offerListResponse, { data: [{ ...fixture.data[0], ...changes }], total: 1 }, 'fixture').data[0]!;
const MERCHANT = '30297603';
const ALMATY = '750000000';
const ASTANA = '710000000';
const SHYMKENT = '511010000';
const POINTS: StorePoint[] = [
  { storeId: '30297603_PP1', code: 'PP1', name: 'PP1', cityId: ALMATY, cityName: 'Алматы', enabled: true },
  { storeId: '30297603_PP2', code: 'PP2', name: 'PP2', cityId: ASTANA, cityName: 'Астана', enabled: true },
  { storeId: '30297603_PP3', code: 'PP3', name: 'PP3', cityId: ALMATY, cityName: 'Алматы', enabled: true },
];
/** The cabinet's own batch body, field for field (REFERENCE §3.4). */
const ITEM_KEYS = ['merchantUid', 'sku', 'availabilities', 'model', 'cityPrices'];
const STOCK_ECHOES = ['stockCount', 'stockSpecified', 'stockEnabled'];

const capturedEnable = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/pricefeed-batch-enable.json', import.meta.url), 'utf8'),
)[0];

/** The fixture priced apart: Almaty 24 990, Astana 26 490, and a city without a point of this merchant. */
const apart = variant({
  allCityPrices: {
    [ALMATY]: { price: 24_990, oldPrice: null, discount: 0 },
    [ASTANA]: { price: 26_490, oldPrice: null, discount: 0 },
    [SHYMKENT]: { price: 23_000, oldPrice: null, discount: 0 },
  },
});

/** The fixture with one price in both of its cities, as Kaspi reports it per city. */
const same = variant({
  allCityPrices: {
    [ALMATY]: { price: 24_990, oldPrice: null, discount: 0 },
    [ASTANA]: { price: 24_990, oldPrice: null, discount: 0 },
  },
});

const cityPriceMap = (item: { cityPrices: { cityId: string; value: number }[] }) =>
  Object.fromEntries(item.cityPrices.map((entry) => [entry.cityId, entry.value]));

describe('buildPricefeedItem (batch)', () => {
  it('builds exactly the item the cabinet’s «Выставить на продажу» sends', () => {
    const read = parseKaspi(
      offerListResponse,
      {
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
      },
      'fixture',
    ).data[0]!;
    const points: StorePoint[] = [
      { storeId: '30067228_PP2', code: 'PP2', name: 'PP2', cityId: SHYMKENT, cityName: 'Шымкент', enabled: true },
    ];
    const item = buildPricefeedItem('30067228', read, { available: true }, points);
    expect(item).toEqual(capturedEnable);
    expect(Object.keys(item)).toEqual(ITEM_KEYS);
    expect(JSON.stringify(item)).toBe(JSON.stringify(capturedEnable)); // the cabinet's field order too
  });

  it('parses the recorded cabinet item and reads its price (minPrice when price is 0)', () => {
    expect(offer.sku).toBe('061077339');
    expect(offer.price).toBe(0);
    expect(currentPrice(offer)).toBe(24990);
  });

  it('has no top-level price and no stock echoes; lists every point with only available, storeId and a real preorder', () => {
    const item = buildPricefeedItem(MERCHANT, same, {}, POINTS);
    expect(Object.keys(item)).toEqual(ITEM_KEYS);
    expect(item).not.toHaveProperty('price');
    expect(item.availabilities).toEqual([
      { available: 'yes', storeId: '30297603_PP1' },
      { available: 'yes', storeId: '30297603_PP2', preOrder: 5 },
      { available: 'no', storeId: '30297603_PP3' },
    ]);
    for (const availability of item.availabilities) {
      for (const echo of STOCK_ECHOES) expect(availability).not.toHaveProperty(echo);
      expect(Object.keys(availability).every((key) => ['available', 'storeId', 'preOrder'].includes(key))).toBe(true);
    }
    // Both cities of the offer's points at the price the read shows; nothing moved.
    expect(item.cityPrices).toEqual([
      { cityId: ASTANA, value: 24990 },
      { cityId: ALMATY, value: 24990 },
    ]);
  });

  it('takes every point off sale, keeping each point’s preorder as read', () => {
    const item = buildPricefeedItem(MERCHANT, same, { available: false }, POINTS);
    expect(item.availabilities).toEqual([
      { available: 'no', storeId: '30297603_PP1' },
      { available: 'no', storeId: '30297603_PP2', preOrder: 5 },
      { available: 'no', storeId: '30297603_PP3' },
    ]);
    expect(cityPriceMap(item)).toEqual({ [ALMATY]: 24990, [ASTANA]: 24990 });
  });

  it('sends preOrder where the change sets one (0 included, to end a preorder) and keeps the others as read', () => {
    const item = buildPricefeedItem(MERCHANT, same, { preOrderDays: { '30297603_PP3': 14 } }, POINTS);
    expect(item.availabilities.map((availability) => availability.preOrder)).toEqual([undefined, 5, 14]);
    expect(item.availabilities.map((availability) => availability.available)).toEqual(['yes', 'yes', 'no']);
    const ended = buildPricefeedItem(MERCHANT, same, { preOrderDays: { '30297603_PP2': 0 } }, POINTS);
    expect(ended.availabilities[1]).toEqual({ available: 'yes', storeId: '30297603_PP2', preOrder: 0 });
    expect(ended.availabilities[0]).not.toHaveProperty('preOrder');
  });

  it('keeps each city at its own price and moves only the decided city', () => {
    const untouched = buildPricefeedItem(MERCHANT, apart, {}, POINTS);
    expect(cityPriceMap(untouched)).toEqual({ [ALMATY]: 24_990, [ASTANA]: 26_490 });
    const astana = buildPricefeedItem(MERCHANT, apart, { cityPrices: { [ASTANA]: 25_990 } }, POINTS);
    expect(cityPriceMap(astana)).toEqual({ [ALMATY]: 24_990, [ASTANA]: 25_990 });
    const almaty = buildPricefeedItem(MERCHANT, apart, { cityPrices: { [ALMATY]: 23_990 } }, POINTS);
    expect(cityPriceMap(almaty)).toEqual({ [ALMATY]: 23_990, [ASTANA]: 26_490 });
    // A city of allCityPrices without a point of this merchant is never written (a national list broke offers).
    for (const item of [untouched, astana, almaty])
      expect(item.cityPrices.map((entry) => entry.cityId)).not.toContain(SHYMKENT);
  });

  it('refuses a change for a city the offer is not sold in', () => {
    expect(() => buildPricefeedItem(MERCHANT, apart, { cityPrices: { [SHYMKENT]: 22_000 } }, POINTS)).toThrow(
      /not sold in city 511010000/,
    );
    expect(() => buildPricefeedItem(MERCHANT, apart, { cityPrices: { [SHYMKENT]: 22_000 } }, POINTS)).toThrow(
      OfferWriteError,
    );
  });

  it('prefixes bare point ids with the merchant', () => {
    const bare = variant({ availabilities: [{ storeId: 'PP1', available: 'yes' }] });
    const item = buildPricefeedItem(MERCHANT, bare, { cityPrices: { [ALMATY]: 100 } }, POINTS);
    expect(item.availabilities).toEqual([{ available: 'yes', storeId: '30297603_PP1' }]);
    expect(item.cityPrices).toEqual([{ cityId: ALMATY, value: 100 }]);
  });

  it.each([
    [{ cityPrices: { [ALMATY]: 9 } }, /≥ 10/],
    [{ cityPrices: { [ALMATY]: 99.5 } }, /whole number/],
    [{ cityPrices: { [ASTANA]: Number.NaN } }, /whole number/],
    [{ preOrderDays: { '30297603_PP1': 31 } }, /0–30/],
    [{ preOrderDays: { '30297603_PP1': -1 } }, /0–30/],
    [{ preOrderDays: { '30297603_PP1': 2.5 } }, /0–30/],
    [{ preOrderDays: { '30297603_PP9': 3 } }, /no point/],
  ])('refuses %j', (change, message) => {
    expect(() => buildPricefeedItem(MERCHANT, same, change, POINTS)).toThrow(message);
  });

  it('refuses to write an offer with no points, unknown cities or a price it cannot tell', () => {
    expect(() => buildPricefeedItem(MERCHANT, { ...offer, availabilities: [] }, {}, POINTS)).toThrow(OfferWriteError);
    expect(() => buildPricefeedItem(MERCHANT, offer, {}, [])).toThrow(/cities/);
    // Without its model a write could rename the offer.
    expect(() =>
      buildPricefeedItem(MERCHANT, variant({ ...same, model: undefined, title: 'Другое имя' }), {}, POINTS),
    ).toThrow(/model/);
    expect(() => buildPointSave(MERCHANT, variant({ model: undefined }), '30297603_PP1', 100, POINTS)).toThrow(/model/);
    const priceless = variant({ price: 0, minPrice: 0 });
    expect(() => buildPricefeedItem(MERCHANT, priceless, { cityPrices: { [ALMATY]: 100 } }, POINTS)).toThrow(
      /cannot tell the price/,
    );
  });
});

describe('city prices as read', () => {
  it('reads each city’s own price from allCityPrices, the cityPrices variant, else the one price', () => {
    expect(Object.fromEntries(offerCityPrices(MERCHANT, apart, POINTS))).toEqual({
      [ALMATY]: 24_990,
      [ASTANA]: 26_490,
    });
    const listed = variant({
      cityPrices: [
        { cityId: ASTANA, value: 27_000 },
        { cityId: ALMATY, value: 25_000 },
      ],
    });
    expect(Object.fromEntries(offerCityPrices(MERCHANT, listed, POINTS))).toEqual({
      [ALMATY]: 25_000,
      [ASTANA]: 27_000,
    });
    // No city prices at all: the one price stands for a one-city offer only; across cities it could be any city's.
    expect(
      Object.fromEntries(
        offerCityPrices(
          MERCHANT,
          offer,
          POINTS.filter((point) => point.cityId === ALMATY),
        ),
      ),
    ).toEqual({ [ALMATY]: 24_990 });
    expect(() => offerCityPrices(MERCHANT, offer, POINTS)).toThrow(/cannot tell the price of offer 061077339/);
    expect(() => buildPricefeedItem(MERCHANT, offer, { available: false }, POINTS)).toThrow(OfferWriteError);
    // Where Kaspi reports some cities, one it leaves out has no price we could know: never the offer's one price.
    const partial = variant({ cityPrices: [{ cityId: ASTANA, value: 27_000 }] });
    expect(() => offerCityPrices(MERCHANT, partial, POINTS)).toThrow(
      /cannot tell the price of offer 061077339 in city 750000000/,
    );
    expect(() => buildPricefeedItem(MERCHANT, partial, { cityPrices: { [ASTANA]: 26_000 } }, POINTS)).toThrow(
      OfferWriteError,
    );
    expect(cityPriceOf(MERCHANT, apart, POINTS, ASTANA)).toBe(26_490);
    expect(cityPriceOf(MERCHANT, apart, POINTS, SHYMKENT)).toBeUndefined();
    expect(cityPriceOf(MERCHANT, apart, [], ALMATY)).toBeUndefined();
  });

  it('tells a tracked point’s count (stocks first, then the availability) and nothing for an untracked one', () => {
    const [pp1, pp2, pp3] = offer.availabilities;
    expect(trackedStock(MERCHANT, offer, pp1!)).toBe(7);
    expect(trackedStock(MERCHANT, offer, pp2!)).toBeUndefined();
    expect(trackedStock(MERCHANT, offer, pp3!)).toBe(10);
    // Tracked, but the answer carried no count: unknown, never 0 — a save would wipe the real stock.
    const unread = variant({
      ...apart,
      stocks: undefined,
      availabilities: [{ storeId: '30297603_PP1', available: 'yes', stockSpecified: true, stockCount: null }],
    });
    expect(trackedStock(MERCHANT, unread, unread.availabilities[0]!)).toBeNull();
    expect(() => buildPointSave(MERCHANT, unread, '30297603_PP1', 24_000, POINTS)).toThrow(/count was not read/);
    expect(() =>
      buildPriceListFile(MERCHANT, [{ offer: unread, preorderDays: 1 }], POINTS.slice(0, 1)),
    ).rejects.toThrow(OfferWriteError);
  });
});

describe('buildPointSave (the cabinet’s «Цена и остатки» save of one point)', () => {
  it('sends only that point and only its city; an untracked point gets no stockCount', () => {
    const { body, validation } = buildPointSave(MERCHANT, apart, '30297603_PP2', 25_990, POINTS);
    expect(body).toEqual({
      merchantUid: MERCHANT,
      // PP2 is on a 5-day preorder: its days travel with the save, or the point would lose them.
      availabilities: [{ available: 'yes', storeId: '30297603_PP2', preOrder: 5 }],
      cityPrices: [{ cityId: ASTANA, value: 25_990 }],
      sku: '061077339',
      model: 'Наушники X белые',
    });
    expect(Object.keys(body)).toEqual(['merchantUid', 'availabilities', 'cityPrices', 'sku', 'model']);
    expect(validation).toEqual({
      masterSku: 'm-123',
      availabilities: [{ storeId: 'PP2', cityId: ASTANA, available: 'yes', price: 25_990 }],
    });
  });

  it('a tracked point carries its stock count, in the body and as the validation’s stock level', () => {
    const { body, validation } = buildPointSave(MERCHANT, apart, '30297603_PP1', 23_990, POINTS);
    expect(body.availabilities).toEqual([{ available: 'yes', storeId: '30297603_PP1', stockCount: 7 }]);
    expect(body.cityPrices).toEqual([{ cityId: ALMATY, value: 23_990 }]);
    expect(validation.availabilities).toEqual([
      { storeId: 'PP1', cityId: ALMATY, available: 'yes', price: 23_990, stockLevel: 7 },
    ]);
    const offPoint = buildPointSave(MERCHANT, apart, '30297603_PP3', 23_990, POINTS);
    expect(offPoint.body.availabilities).toEqual([{ available: 'no', storeId: '30297603_PP3', stockCount: 10 }]);
    expect(offPoint.validation.availabilities[0]).toMatchObject({
      storeId: 'PP3',
      cityId: ALMATY,
      available: 'no',
      stockLevel: 10,
    });
  });

  it.each([
    ['30297603_PP9', 25_990, /no point/],
    ['30297603_PP2', 9, /≥ 10/],
    ['30297603_PP2', 100.5, /whole number/],
  ])('refuses point %s at %d', (storeId, price, message) => {
    expect(() => buildPointSave(MERCHANT, apart, storeId, price, POINTS)).toThrow(message);
  });

  it('refuses a point the store does not know (no city to price it in)', () => {
    expect(() =>
      buildPointSave(
        MERCHANT,
        apart,
        '30297603_PP2',
        25_990,
        POINTS.filter((point) => point.code !== 'PP2'),
      ),
    ).toThrow(/no point/);
  });
});

describe('validationForEnable', () => {
  it('asks about each point going on sale with its unprefixed code, its city and that city’s price', () => {
    const item = buildPricefeedItem(MERCHANT, apart, { available: true }, POINTS);
    expect(validationForEnable(MERCHANT, apart, item, POINTS)).toEqual({
      masterSku: 'm-123',
      availabilities: [
        { storeId: 'PP1', cityId: ALMATY, available: 'yes', price: 24_990 },
        { storeId: 'PP2', cityId: ASTANA, available: 'yes', price: 26_490 },
        { storeId: 'PP3', cityId: ALMATY, available: 'yes', price: 24_990 },
      ],
    });
    const off = buildPricefeedItem(MERCHANT, apart, { available: false }, POINTS);
    expect(validationForEnable(MERCHANT, apart, off, POINTS).availabilities).toEqual([]);
  });
});

async function cellsOf(file: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as never);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('price-list file', () => {
  it('echoes each point: its count where tracked, yes where on sale untracked, no where off sale; only preorder changes', async () => {
    const onSaleTracked = variant({
      ...same,
      sku: 'tracked-1',
      availabilities: [
        { storeId: '30297603_PP1', available: 'yes', stockSpecified: true, stockCount: 3 },
        { storeId: '30297603_PP2', available: 'yes', stockSpecified: false, stockCount: 0 },
        { storeId: '30297603_PP3', available: 'yes', stockSpecified: true, stockCount: 0 },
      ],
      stocks: [{ stockLevel: { '30297603_PP1': { value: 7 } } }],
    });
    const file = await buildPriceListFile(
      MERCHANT,
      [
        { offer: same, preorderDays: 9 },
        { offer: onSaleTracked, preorderDays: 0 },
      ],
      POINTS,
    );
    const [header, recorded, tracked] = await cellsOf(file);
    expect(header).toEqual([...PRICE_LIST_COLUMNS]);
    // PP4 and PP5 are empty cells: the offer has no point there.
    expect(recorded!.slice(0, 7)).toEqual(['061077339', 'Наушники X белые', 'Acme', 24990, 7, 'yes', 'no']);
    expect(recorded![9]).toBe(9);
    expect(tracked!.slice(4, 7)).toEqual([7, 'yes', 0]); // a tracked count of 0 stays a count, never `yes`
    expect(tracked![9]).toBe(0);
  });

  it('is never built for an offer priced differently in its cities: its one price column would flatten them', async () => {
    await expect(buildPriceListFile(MERCHANT, [{ offer: apart, preorderDays: 3 }], POINTS)).rejects.toThrow(
      OfferWriteError,
    );
  });

  it('does not fit an offer priced differently in its cities, or with mixed days', () => {
    const allPoints = POINTS.map((point) => ({ storeId: point.storeId, days: 5 }));
    expect(priceListFileMisfit(MERCHANT, same, allPoints, POINTS)).toBeUndefined();
    expect(priceListFileMisfit(MERCHANT, apart, allPoints, POINTS)).toBe('city-prices');
    expect(
      priceListFileMisfit(MERCHANT, same, [...allPoints.slice(0, 2), { storeId: '30297603_PP3', days: 6 }], POINTS),
    ).toBe('mixed-days');
    // Cities that cannot be told (points unknown) are not a file's job either.
    expect(priceListFileMisfit(MERCHANT, offer, allPoints, [])).toBe('city-prices');
  });
});
