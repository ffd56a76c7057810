import { describe, expect, it } from 'vitest';

import { buildPricefeedItem, OfferWriteError } from '../../src/kaspi/offer-writes.js';
import type { CabinetOffer } from '../../src/kaspi/schemas.js';
import type { SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import {
  ALMATY,
  ASTANA,
  BATCH,
  MERCHANT,
  onSaleEverywhere,
  ownCityPrices,
  point,
  PP1,
  PP2,
  priceIn,
  pricedApart,
  pricefeedRulesWorld,
  SHYMKENT,
  tracksStock,
  waitFor,
} from './pricefeed-rules-world.js';

/**
 * Each batch-write rule of the Kaspi sandbox (src/kaspi-sandbox/pricefeed.ts), twice: (a) a raw request built here, the
 * way a careless client would send it, is punished the way Kaspi punishes it — so the sandbox is not agreeing
 * with our client by construction; (b) our real client's write for the same action passes the rule.
 */

const { world, raw, live, readOffer, pick, writeItem } = pricefeedRulesWorld();

describe('Kaspi’s price-feed batch rules: the sandbox punishes each bad batch write, our client’s write passes', () => {
  it('a batch item with stockCount takes the offer off sale everywhere; ours carries no stock and keeps it on sale, stock tracked', async () => {
    const bad = pick('on sale with a tracked stock', (offer) => onSaleEverywhere(offer) && tracksStock(offer, PP1));
    const answer = await raw(BATCH, [
      {
        merchantUid: MERCHANT,
        sku: bad.sku,
        availabilities: bad.availabilities.map((availability) => ({
          available: availability.available,
          storeId: availability.storeId,
          stockCount: availability.stockCount ?? 0,
        })),
        model: bad.model,
        cityPrices: ownCityPrices(bad),
      },
    ]);
    expect(answer.status).toBe(200); // Kaspi takes it, then «Не указано наличие в прайс-листе»
    await waitFor(() => live(bad.sku).available === false, 'the offer off sale');
    expect(live(bad.sku).availabilities.map((availability) => availability.available)).toEqual(['no', 'no']);

    const good = pick('on sale with a tracked stock', (offer) => onSaleEverywhere(offer) && tracksStock(offer, PP1));
    const newPrice = priceIn(good, ALMATY) - 10;
    const item = buildPricefeedItem(
      MERCHANT,
      await readOffer(good.sku),
      { cityPrices: { [ALMATY]: newPrice } },
      world.points,
    );
    // The client refuses to send a batch item with a stock count at all.
    const withStock = {
      ...item,
      availabilities: item.availabilities.map((availability) => ({ ...availability, stockCount: 1 })),
    };
    await expect(world.kaspi.cabinet.writeBatch(world.jar, MERCHANT, [withStock])).rejects.toThrow(/stockCount/);
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ALMATY) === newPrice, 'our price applied');
    expect(live(good.sku).availabilities).toEqual(good.availabilities);
    expect(live(good.sku).stocks).toEqual(good.stocks);
  });

  it('a point left out of a batch item becomes unspecified (off sale, stock 0); ours lists every point', async () => {
    const wanted = (offer: SandboxOffer) => onSaleEverywhere(offer) && tracksStock(offer, PP2);
    const bad = pick('on sale, tracked at PP2', wanted);
    const answer = await raw(BATCH, [
      {
        merchantUid: MERCHANT,
        sku: bad.sku,
        availabilities: [{ available: 'yes', storeId: PP1 }],
        model: bad.model,
        cityPrices: [{ cityId: ALMATY, value: priceIn(bad, ALMATY) - 10 }],
      },
    ]);
    expect(answer.status).toBe(200);
    await waitFor(() => point(live(bad.sku), PP2).available === 'no', 'the left-out point off sale');
    expect(point(live(bad.sku), PP2).stockCount).toBe(0);
    expect(live(bad.sku).stocks?.[0]?.stockLevel[PP2]).toEqual({ value: 0 });
    expect(point(live(bad.sku), PP1).available).toBe('yes');

    const good = pick('on sale, tracked at PP2', wanted);
    const newPrice = priceIn(good, ALMATY) - 10;
    const item = buildPricefeedItem(
      MERCHANT,
      await readOffer(good.sku),
      { cityPrices: { [ALMATY]: newPrice } },
      world.points,
    );
    expect(item.availabilities.map((availability) => availability.storeId)).toEqual([PP1, PP2]);
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ALMATY) === newPrice, 'our price applied');
    expect(point(live(good.sku), PP2)).toEqual(point(good, PP2));
    expect(live(good.sku).stocks).toEqual(good.stocks);
  });

  it('a point echoed with stockEnabled or stockSpecified false loses its tracked stock; ours echoes neither', async () => {
    const wanted = (offer: SandboxOffer) => onSaleEverywhere(offer) && tracksStock(offer, PP1);
    const enabledEcho = pick('on sale, tracked at PP1', wanted);
    const specifiedEcho = pick('on sale, tracked at PP1', wanted);
    const echoed = (offer: SandboxOffer, field: 'stockEnabled' | 'stockSpecified') => ({
      merchantUid: MERCHANT,
      sku: offer.sku,
      availabilities: offer.availabilities.map((availability) => ({
        available: availability.available,
        storeId: availability.storeId,
        ...(availability.preOrder ? { preOrder: availability.preOrder } : {}),
        [field]: false,
      })),
      model: offer.model,
      cityPrices: ownCityPrices(offer),
    });
    const answer = await raw(BATCH, [echoed(enabledEcho, 'stockEnabled'), echoed(specifiedEcho, 'stockSpecified')]);
    expect(answer.status).toBe(200);
    for (const bad of [enabledEcho, specifiedEcho]) {
      await waitFor(() => point(live(bad.sku), PP1).stockSpecified === false, 'tracked stock lost');
      expect(point(live(bad.sku), PP1)).toMatchObject({ available: 'yes', stockCount: 0 }); // still on sale: the loss is silent
      expect(live(bad.sku).stocks?.[0]?.stockLevel[PP1]).toBeUndefined();
    }

    const good = pick('on sale, tracked at PP1', wanted);
    const newPrice = priceIn(good, ASTANA) - 10;
    await writeItem(
      buildPricefeedItem(MERCHANT, await readOffer(good.sku), { cityPrices: { [ASTANA]: newPrice } }, world.points),
    );
    await waitFor(() => priceIn(live(good.sku), ASTANA) === newPrice, 'our price applied');
    expect(live(good.sku).availabilities).toEqual(good.availabilities);
    expect(live(good.sku).stocks).toEqual(good.stocks);
  });

  it('a batch point without preOrder goes off preorder; ours sends the days the offer has and the days it sets', async () => {
    const onPreorder = (offer: SandboxOffer) =>
      onSaleEverywhere(offer) && (point(offer, PP1).preOrder ?? 0) > 0 && !point(offer, PP2).preOrder;
    const bad = pick('on preorder at PP1 only', onPreorder);
    const answer = await raw(BATCH, [
      {
        merchantUid: MERCHANT,
        sku: bad.sku,
        availabilities: bad.availabilities.map(({ available, storeId }) => ({ available, storeId })),
        model: bad.model,
        cityPrices: ownCityPrices(bad),
      },
    ]);
    expect(answer.status).toBe(200);
    await waitFor(() => point(live(bad.sku), PP1).preOrder === 0, 'the preorder dropped');

    const good = pick('on preorder at PP1 only', onPreorder);
    const newPrice = priceIn(good, ALMATY) - 10;
    await writeItem(
      buildPricefeedItem(
        MERCHANT,
        await readOffer(good.sku),
        { cityPrices: { [ALMATY]: newPrice }, preOrderDays: { [PP2]: 3 } },
        world.points,
      ),
    );
    await waitFor(() => priceIn(live(good.sku), ALMATY) === newPrice, 'our write applied');
    expect(point(live(good.sku), PP1)).toEqual(point(good, PP1)); // its own days kept
    expect(point(live(good.sku), PP2)).toEqual({ ...point(good, PP2), preOrder: 3 });
  });

  it('a bare price becomes every city’s price and cityPrices move only the cities listed; ours moves only the decided city', async () => {
    const bare = pick('priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const price = priceIn(bare, ALMATY) - 10;
    const availabilities = (offer: SandboxOffer) =>
      offer.availabilities.map(({ available, storeId, preOrder }) => ({
        available,
        storeId,
        ...(preOrder ? { preOrder } : {}),
      }));
    expect(
      (
        await raw(BATCH, [
          { merchantUid: MERCHANT, sku: bare.sku, availabilities: availabilities(bare), model: bare.model, price },
        ])
      ).status,
    ).toBe(200);
    await waitFor(() => priceIn(live(bare.sku), ALMATY) === price, 'the bare price applied');
    expect(priceIn(live(bare.sku), ASTANA)).toBe(price); // Astana's own price is gone

    const listed = pick('priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const almatyOnly = priceIn(listed, ALMATY) - 10;
    const body = [
      {
        merchantUid: MERCHANT,
        sku: listed.sku,
        availabilities: availabilities(listed),
        model: listed.model,
        cityPrices: [{ cityId: ALMATY, value: almatyOnly }],
      },
    ];
    expect((await raw(BATCH, body)).status).toBe(200);
    await waitFor(() => priceIn(live(listed.sku), ALMATY) === almatyOnly, 'the listed city applied');
    expect(priceIn(live(listed.sku), ASTANA)).toBe(priceIn(listed, ASTANA));

    const good = pick('priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const astana = priceIn(good, ASTANA) - 10;
    const item = buildPricefeedItem(
      MERCHANT,
      await readOffer(good.sku),
      { cityPrices: { [ASTANA]: astana } },
      world.points,
    );
    expect(item).not.toHaveProperty('price');
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ASTANA) === astana, 'our Astana price applied');
    expect(priceIn(live(good.sku), ALMATY)).toBe(priceIn(good, ALMATY));
    expect(live(good.sku).availabilities).toEqual(good.availabilities);
  });

  it('cityPrices naming a city without a point is refused (CITY_NOT_SOLD); ours lists only the points’ cities', async () => {
    const bad = pick('on sale', onSaleEverywhere);
    const writesBefore = world.sandbox.writes(MERCHANT).length;
    const national = [...ownCityPrices(bad), { cityId: SHYMKENT, value: priceIn(bad, ALMATY) }];
    const answer = await raw(BATCH, [
      {
        merchantUid: MERCHANT,
        sku: bad.sku,
        availabilities: bad.availabilities.map(({ available, storeId }) => ({ available, storeId })),
        model: bad.model,
        cityPrices: national,
      },
    ]);
    expect(answer).toEqual({ status: 400, json: { errorCode: 'CITY_NOT_SOLD', errorData: { sku: bad.sku } } });
    expect(world.sandbox.writes(MERCHANT)).toHaveLength(writesBefore);

    const good = pick('on sale', onSaleEverywhere);
    const read = await readOffer(good.sku);
    // Kaspi's allCityPrices spans ~200 cities: none without a point of ours may reach the write.
    const wide: CabinetOffer = {
      ...read,
      allCityPrices: {
        ...read.allCityPrices,
        [SHYMKENT]: { price: 1_000, oldPrice: undefined, discount: 0 },
        '151010000': { price: 2_000, oldPrice: undefined, discount: 0 },
      },
    };
    expect(() => buildPricefeedItem(MERCHANT, wide, { cityPrices: { [SHYMKENT]: 900 } }, world.points)).toThrow(
      OfferWriteError,
    );
    const newPrice = priceIn(good, ALMATY) - 10;
    const item = buildPricefeedItem(MERCHANT, wide, { cityPrices: { [ALMATY]: newPrice } }, world.points);
    expect(item.cityPrices.map((entry) => entry.cityId).sort()).toEqual([ASTANA, ALMATY].sort());
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ALMATY) === newPrice, 'our price applied');
    expect(priceIn(live(good.sku), ASTANA)).toBe(priceIn(good, ASTANA));
  });

  it('none of the above made Kaspi answer 429', () => {
    expect(world.sandbox.stats().cabinet429).toBe(world.cabinet429AtStart);
  });
});
