import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StorePoint } from '../../src/db/entities/store.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import { KaspiLoginError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import {
  buildPointSave,
  buildPricefeedItem,
  OfferWriteError,
  validationForEnable,
} from '../../src/kaspi/offer-writes.js';
import { refusalCodes } from '../../src/kaspi/refusals.js';
import type { CabinetOffer } from '../../src/kaspi/schemas.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox, type SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { buildPriceListFile, priceListFileMisfit, PRICE_LIST_COLUMNS } from '../../src/preorders/price-list-file.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

/**
 * Each write rule of the Kaspi sandbox (src/kaspi-sandbox/pricefeed.ts), twice: (a) a raw request built here, the
 * way a careless client would send it, is punished the way Kaspi punishes it — so the sandbox is not agreeing
 * with our client by construction; (b) our real client's write for the same action passes the rule.
 */

const MERCHANT = '30067228';
const PP1 = `${MERCHANT}_PP1`;
const PP2 = `${MERCHANT}_PP2`;
const ALMATY = '750000000';
const ASTANA = '710000000';
const SHYMKENT = '511010000';
const TIME_SCALE = 200; // Kaspi's apply delay of 2 s becomes 10 ms
const BATCH = '/pricefeed/upload/merchant/process/process/batch';
const PROCESS = '/pricefeed/upload/merchant/process';
const VALIDATE = '/offer-validation-api/merchant/offer/validate/v2';
/** Kaspi blocks a merchant above 3 writes a second; raw and client writes here keep this far apart. */
const WRITE_GAP_MS = 450;

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
let jar: CookieJar;
let points: StorePoint[];
let cabinet429AtStart: number;
let lastWriteAt = 0;
const used = new Set<string>();
const { logger } = captureLogger('warn');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in time`);
    await sleep(10);
  }
}

/** Runs one write no sooner than WRITE_GAP_MS after the previous one ended. */
async function paced<T>(write: () => Promise<T>): Promise<T> {
  await sleep(Math.max(0, lastWriteAt + WRITE_GAP_MS - Date.now()));
  try {
    return await write();
  } finally {
    lastWriteAt = Date.now();
  }
}

/** A request to the cabinet built by hand, with the session's cookies (and the ones Kaspi refreshes on the way). */
async function raw(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return paced(async () => {
    const response = await fetch(`${sandbox.mcUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-auth-version': '3',
        cookie: jar.header()!,
      },
      body: JSON.stringify(body),
    });
    jar.absorb(response.headers.getSetCookie());
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  });
}

const live = (sku: string) => sandbox.catalogue(MERCHANT).find((offer) => offer.sku === sku)!;
const priceIn = (offer: SandboxOffer, cityId: string) => offer.allCityPrices[cityId]!.price;
const point = (offer: SandboxOffer, storeId: string) =>
  offer.availabilities.find((availability) => availability.storeId === storeId)!;
const onSaleEverywhere = (offer: SandboxOffer) =>
  offer.availabilities.every((availability) => availability.available === 'yes');
const tracksStock = (offer: SandboxOffer, storeId: string) =>
  point(offer, storeId).stockSpecified === true && (point(offer, storeId).stockCount ?? 0) > 0;
const pricedApart = (offer: SandboxOffer) => priceIn(offer, ALMATY) !== priceIn(offer, ASTANA);
const readOffer = async (sku: string): Promise<CabinetOffer> => (await kaspi.cabinet.findOffer(jar, MERCHANT, sku))!;
/** Every city of the offer at its own price, as the cabinet lists it. */
const ownCityPrices = (offer: SandboxOffer) =>
  [ALMATY, ASTANA].map((cityId) => ({ cityId, value: priceIn(offer, cityId) }));

/** An offer of the demo store not used by another test here, sold at both points. */
function pick(what: string, test: (offer: SandboxOffer) => boolean): SandboxOffer {
  const found = sandbox
    .catalogue(MERCHANT)
    .find(
      (offer) =>
        offer.masterSku !== SAMPLE_MASTER_SKU &&
        !used.has(offer.sku) &&
        offer.availabilities.length === 2 &&
        test(offer),
    );
  if (!found) throw new Error(`the sandbox catalogue has no unused offer that is ${what}`);
  used.add(found.sku);
  return found;
}

/** Our client's batch write of one item, applied. */
async function writeItem(item: ReturnType<typeof buildPricefeedItem>) {
  const result = await paced(() => kaspi.cabinet.writeBatch(jar, MERCHANT, [item]));
  expect(result.sent).toHaveLength(1);
  return result;
}

async function uploadFile(file: Buffer): Promise<void> {
  const upload = await paced(() => kaspi.cabinet.uploadPriceList(jar, MERCHANT, file, 'prices.xlsx', 1));
  if (!('fileId' in upload)) throw new Error('Kaspi was still processing an earlier file');
  let status = 'PROCESSING';
  for (let tries = 0; status === 'PROCESSING' && tries < 200; tries++) {
    await sleep(20);
    status = (await kaspi.cabinet.priceListStatus(jar, MERCHANT, upload.fileId)).status;
  }
  expect(status).toBe('FLUSHED');
}

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 11,
    timeScale: TIME_SCALE,
    rivalTickMs: 0,
    productsPerMerchant: 130,
    applyDelayMs: 2_000,
    logger: captureLogger('silent').logger,
  });
  kaspi = kaspiFor(sandbox, logger, { KASPI_PRICEFEED_RPS: '2' });
  let pending;
  try {
    pending = await kaspi.smsLogin.start('+7 701 000 00 01');
  } catch (error) {
    if (!(error instanceof KaspiLoginError) || error.errorCode !== 'MFA_SEND_FLOOD') throw error;
    await sleep(60_000 / TIME_SCALE + 50);
    pending = await kaspi.smsLogin.start('+7 701 000 00 01');
  }
  jar = new CookieJar((await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!)).cookies);
  points = (await kaspi.cabinet.getMerchant(jar, MERCHANT)).points;
  cabinet429AtStart = sandbox.stats().cabinet429;
});
afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
});

describe('Kaspi’s price-feed rules: the sandbox punishes each bad write, our client’s write passes', () => {
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
      points,
    );
    // The client refuses to send a batch item with a stock count at all.
    const withStock = {
      ...item,
      availabilities: item.availabilities.map((availability) => ({ ...availability, stockCount: 1 })),
    };
    await expect(kaspi.cabinet.writeBatch(jar, MERCHANT, [withStock])).rejects.toThrow(/stockCount/);
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
      points,
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
      buildPricefeedItem(MERCHANT, await readOffer(good.sku), { cityPrices: { [ASTANA]: newPrice } }, points),
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
        points,
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
    const item = buildPricefeedItem(MERCHANT, await readOffer(good.sku), { cityPrices: { [ASTANA]: astana } }, points);
    expect(item).not.toHaveProperty('price');
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ASTANA) === astana, 'our Astana price applied');
    expect(priceIn(live(good.sku), ALMATY)).toBe(priceIn(good, ALMATY));
    expect(live(good.sku).availabilities).toEqual(good.availabilities);
  });

  it('cityPrices naming a city without a point is refused (CITY_NOT_SOLD); ours lists only the points’ cities', async () => {
    const bad = pick('on sale', onSaleEverywhere);
    const writesBefore = sandbox.writes(MERCHANT).length;
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
    expect(sandbox.writes(MERCHANT)).toHaveLength(writesBefore);

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
    expect(() => buildPricefeedItem(MERCHANT, wide, { cityPrices: { [SHYMKENT]: 900 } }, points)).toThrow(
      OfferWriteError,
    );
    const newPrice = priceIn(good, ALMATY) - 10;
    const item = buildPricefeedItem(MERCHANT, wide, { cityPrices: { [ALMATY]: newPrice } }, points);
    expect(item.cityPrices.map((entry) => entry.cityId).sort()).toEqual([ASTANA, ALMATY].sort());
    await writeItem(item);
    await waitFor(() => priceIn(live(good.sku), ALMATY) === newPrice, 'our price applied');
    expect(priceIn(live(good.sku), ASTANA)).toBe(priceIn(good, ASTANA));
  });

  it('the single-point save takes one point, only its city, after a validate/v2; ours does all three', async () => {
    const bad = pick('on sale, priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const writesBefore = sandbox.writes(MERCHANT).length;
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
    expect(sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
    expect(live(bad.sku)).toEqual(bad);

    const good = pick('on sale, priced apart', (offer) => onSaleEverywhere(offer) && pricedApart(offer));
    const price = priceIn(good, ASTANA) - 10;
    const pointSave = buildPointSave(MERCHANT, await readOffer(good.sku), PP2, price, points);
    const result = await paced(() => kaspi.cabinet.savePoint(jar, MERCHANT, pointSave));
    expect(result.refused).toBeUndefined();
    expect(result.sent).toHaveLength(1);
    expect(sandbox.writes(MERCHANT).slice(writesBefore)).toEqual([
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
    sandbox.blockOffer(MERCHANT, blocked.sku);
    const writesBefore = sandbox.writes(MERCHANT).length;
    const result = await kaspi.cabinet.savePoint(
      jar,
      MERCHANT,
      buildPointSave(MERCHANT, await readOffer(blocked.sku), PP1, priceIn(blocked, ALMATY) - 10, points),
    );
    expect(result.sent).toEqual([]);
    expect(refusalCodes(result.refused)).toEqual(['OFFER_BLOCKED']);
    expect(sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
  });

  it('a batch that puts a point on sale without a validate/v2 is refused (VALIDATION_REQUIRED); ours validates first', async () => {
    const offSale = (offer: SandboxOffer) =>
      offer.availabilities.every((availability) => availability.available === 'no');
    const bad = pick('off sale', offSale);
    const writesBefore = sandbox.writes(MERCHANT).length;
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
    expect(sandbox.writes(MERCHANT)).toHaveLength(writesBefore);
    expect(live(bad.sku).available).toBe(false);

    const good = pick('off sale', offSale);
    const read = await readOffer(good.sku);
    const item = buildPricefeedItem(MERCHANT, read, { available: true }, points);
    expect(
      (
        await kaspi.cabinet.validate(jar, MERCHANT, 'ON_SALE__BATCH', [
          validationForEnable(MERCHANT, read, item, points),
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
        points,
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
        points,
      ),
    ).toBeUndefined();
    await uploadFile(await buildPriceListFile(MERCHANT, [{ offer: read, preorderDays: 4 }], points));
    expect(live(good.sku).availabilities).toEqual(
      good.availabilities.map((availability) => ({ ...availability, preOrder: 4 })),
    );
    expect(live(good.sku).stocks).toEqual(good.stocks);
    expect(live(good.sku).allCityPrices).toEqual(good.allCityPrices);
  });

  it('none of the above made Kaspi answer 429', () => {
    expect(sandbox.stats().cabinet429).toBe(cabinet429AtStart);
  });
});
