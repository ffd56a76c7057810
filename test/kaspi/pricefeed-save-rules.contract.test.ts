import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { buildPointSave, buildPricefeedItem, validationForEnable } from '../../src/kaspi/offer-writes.js';
import { refusalCodes } from '../../src/kaspi/refusals.js';
import type { SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { buildPriceListFile, priceListFileMisfit, PRICE_LIST_COLUMNS } from '../../src/preorders/price-list-file.js';
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
  PROCESS,
  tracksStock,
  VALIDATE,
  waitFor,
} from './pricefeed-rules-world.js';

/**
 * Each rule of the single-point save, validate/v2 and price-list file of the Kaspi sandbox (src/kaspi-sandbox/pricefeed.ts), twice: (a) a raw request built here, the
 * way a careless client would send it, is punished the way Kaspi punishes it — so the sandbox is not agreeing
 * with our client by construction; (b) our real client's write for the same action passes the rule.
 */

const { world, paced, raw, live, readOffer, pick, writeItem, uploadFile } = pricefeedRulesWorld();

describe('Kaspi’s point-save, validation and price-list file rules: the sandbox punishes each bad write, our client’s write passes', () => {
  it('the single-point save takes one point, only its city, after a validate/v2; ours does all three', async () => {
    const bad = pick('on sale, priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const writesBefore = world.sandbox.writes(MERCHANT).length;
    const save = (
      availabilities: { available: 'yes'; storeId: string }[],
      cityPrices: { cityId: string; value: number }[],
    ) => raw(PROCESS, { merchantUid: MERCHANT, availabilities, cityPrices, sku: bad.sku, model: bad.model });
    const astana = priceIn(bad, ASTANA) - 10;
    const refusal = (errorCode: string) => ({ status: 400, json: { errorCode, errorData: { sku: bad.sku } } });
    expect(
      await save(
        [
          { available: 'yes', storeId: PP1 },
          { available: 'yes', storeId: PP2 },
        ],
        [{ cityId: ASTANA, value: astana }],
      ),
    ).toEqual(refusal('ONE_POINT_REQUIRED'));
    expect(await save([{ available: 'yes', storeId: PP2 }], [{ cityId: ALMATY, value: astana }])).toEqual(
      refusal('POINT_CITY_ONLY'),
    );
    expect(await save([{ available: 'yes', storeId: PP2 }], ownCityPrices(bad))).toEqual(refusal('POINT_CITY_ONLY'));
    expect(await save([{ available: 'yes', storeId: PP2 }], [{ cityId: ASTANA, value: astana }])).toEqual(
      refusal('VALIDATION_REQUIRED'),
    );
    expect(world.sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
    expect(live(bad.sku)).toEqual(bad);

    const good = pick('on sale, priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const price = priceIn(good, ASTANA) - 10;
    const pointSave = buildPointSave(MERCHANT, await readOffer(good.sku), PP2, price, world.points);
    const result = await paced(() => world.kaspi.cabinet.savePoint(world.jar, MERCHANT, pointSave));
    expect(result.refused).toBeUndefined();
    expect(result.sent).toHaveLength(1);
    expect(world.sandbox.writes(MERCHANT).slice(writesBefore)).toEqual([
      expect.objectContaining({ endpoint: 'process', body: pointSave.body }),
    ]);
    await waitFor(() => priceIn(live(good.sku), ASTANA) === price, 'our point save applied');
    expect(priceIn(live(good.sku), ALMATY)).toBe(priceIn(good, ALMATY));
    expect(live(good.sku).availabilities).toEqual(good.availabilities); // a tracked point keeps its count
    expect(live(good.sku).stocks).toEqual(good.stocks);
  });

  it('validate/v2 takes unprefixed point codes with their own city, and refuses a blocked offer; ours validates as the cabinet does', async () => {
    const offer = pick('on sale', onSaleEverywhere);
    const ask = (availabilities: unknown[]) =>
      raw(VALIDATE, {
        merchantUid: MERCHANT,
        action: 'ON_SALE__PRICE_SAVE',
        offers: [{ masterSku: offer.masterSku, availabilities }],
      });
    const price = priceIn(offer, ASTANA);
    const unknownPoint = {
      status: 200,
      json: { valid: false, errorOffers: [{ masterSku: offer.masterSku, errors: ['UNKNOWN_POINT'] }] },
    };
    expect(await ask([{ storeId: PP2, cityId: ASTANA, available: 'yes', price }])).toEqual(unknownPoint); // prefixed
    expect(await ask([{ storeId: 'PP2', cityId: ALMATY, available: 'yes', price }])).toEqual(unknownPoint); // another city
    expect(await ask([{ storeId: 'PP2', cityId: ASTANA, available: 'yes', price }])).toEqual({
      status: 200,
      json: { valid: true },
    });

    const blocked = pick('on sale', onSaleEverywhere);
    world.sandbox.blockOffer(MERCHANT, blocked.sku);
    const writesBefore = world.sandbox.writes(MERCHANT).length;
    const result = await world.kaspi.cabinet.savePoint(
      world.jar,
      MERCHANT,
      buildPointSave(MERCHANT, await readOffer(blocked.sku), PP1, priceIn(blocked, ALMATY) - 10, world.points),
    );
    expect(result.sent).toEqual([]);
    expect(refusalCodes(result.refused)).toEqual(['OFFER_BLOCKED']);
    expect(world.sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
  });

  it('a batch that puts a point on sale without a validate/v2 is refused (VALIDATION_REQUIRED); ours validates first', async () => {
    const offSale = (offer: SandboxOffer) =>
      offer.availabilities.every((availability) => availability.available === 'no');
    const bad = pick('off sale', offSale);
    const writesBefore = world.sandbox.writes(MERCHANT).length;
    const answer = await raw(BATCH, [
      {
        merchantUid: MERCHANT,
        sku: bad.sku,
        availabilities: bad.availabilities.map(({ storeId, preOrder }) => ({
          available: 'yes',
          storeId,
          ...(preOrder ? { preOrder } : {}),
        })),
        model: bad.model,
        cityPrices: ownCityPrices(bad),
      },
    ]);
    expect(answer).toEqual({ status: 400, json: { errorCode: 'VALIDATION_REQUIRED', errorData: { sku: bad.sku } } });
    expect(world.sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
    expect(live(bad.sku).available).toBe(false);

    const good = pick('off sale', offSale);
    const read = await readOffer(good.sku);
    const item = buildPricefeedItem(MERCHANT, read, { available: true }, world.points);
    expect(
      (
        await world.kaspi.cabinet.validate(world.jar, MERCHANT, 'ON_SALE__BATCH', [
          validationForEnable(MERCHANT, read, item, world.points),
        ])
      ).valid,
    ).toBe(true);
    await writeItem(item);
    await waitFor(() => onSaleEverywhere(live(good.sku)), 'our enable applied');
    expect(live(good.sku).allCityPrices).toEqual(good.allCityPrices);
    expect(live(good.sku).stocks).toEqual(good.stocks);
  });

  it('a price-list file: `yes` on a tracked point untracks it and its price is every city’s; ours echoes the count and never carries city prices', async () => {
    const bad = pick(
      'on sale, tracked at PP1, priced apart',
      (offer) => onSaleEverywhere(offer) && tracksStock(offer, PP1) && pricedApart(offer),
    );
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('prices');
    sheet.addRow([...PRICE_LIST_COLUMNS]);
    sheet.addRow([bad.sku, bad.model, bad.brand, priceIn(bad, ALMATY), 'yes', 'yes', '', '', '', 2]);
    await uploadFile(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(point(live(bad.sku), PP1)).toMatchObject({
      available: 'yes',
      stockSpecified: false,
      stockCount: 0,
      preOrder: 2,
    });
    expect(live(bad.sku).stocks?.[0]?.stockLevel[PP1]).toBeUndefined();
    expect(priceIn(live(bad.sku), ASTANA)).toBe(priceIn(bad, ALMATY)); // Astana's own price is gone

    // An offer priced apart never goes by file: the preorder path sends it by the price feed instead.
    const apartRead = await readOffer(pick('priced apart', pricedApart).sku);
    expect(
      priceListFileMisfit(
        MERCHANT,
        apartRead,
        [PP1, PP2].map((storeId) => ({ storeId, days: 2 })),
        world.points,
      ),
    ).toBe('city-prices');

    const good = pick(
      'on sale, tracked at PP1, one price',
      (offer) => onSaleEverywhere(offer) && tracksStock(offer, PP1) && !pricedApart(offer),
    );
    const read = await readOffer(good.sku);
    expect(
      priceListFileMisfit(
        MERCHANT,
        read,
        [PP1, PP2].map((storeId) => ({ storeId, days: 4 })),
        world.points,
      ),
    ).toBeUndefined();
    await uploadFile(await buildPriceListFile(MERCHANT, [{ offer: read, preorderDays: 4 }], world.points));
    expect(live(good.sku).availabilities).toEqual(
      good.availabilities.map((availability) => ({ ...availability, preOrder: 4 })),
    );
    expect(live(good.sku).stocks).toEqual(good.stocks);
    expect(live(good.sku).allCityPrices).toEqual(good.allCityPrices);
  });

  it('none of the above made Kaspi answer 429', () => {
    expect(world.sandbox.stats().cabinet429).toBe(world.cabinet429AtStart);
  });
});
