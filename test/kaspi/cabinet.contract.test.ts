import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { CookieJar } from '../../src/kaspi/cookie-jar.js';
import { KaspiRateLimitedError, KaspiSchemaError, KaspiSessionExpiredError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { buildPointSave, buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { buildPriceListFile } from '../../src/preorders/price-list-file.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { renderMetrics } from '../../src/metrics.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { metricSum } from '../helpers/metrics.js';

const MERCHANT = '30067228';
const ALMATY = '750000000';
const ASTANA = '710000000';
const TIME_SCALE = 200;

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
let database: Database;
let dropDatabase: () => Promise<void>;
let sessions: KaspiSessionManager;
let storeId: number;
const secretBox = new SecretBox(randomBytes(32));
const { logger } = captureLogger('warn');

const waitFor = async (check: () => boolean, timeoutMs = 5_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

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
  const testDb = await createTestDatabase();
  dropDatabase = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  await migrate(database);
  sessions = new KaspiSessionManager(database.orm, secretBox, kaspi.cabinet, logger);

  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: 42, chatId: 42 });
  await em.flush();
  const pending = await kaspi.smsLogin.start('+7 701 000 00 01');
  const loggedIn = await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
  const store = await sessions.connectStore({
    sellerId: seller.id,
    merchantUid: MERCHANT,
    cookies: loggedIn.cookies,
    loginMethod: 'sms',
    identity: pending.phone,
  });
  storeId = store.id;
});
afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
  await database?.close();
  await dropDatabase?.();
});

describe('cabinet client against the Kaspi sandbox', () => {
  it('connects the store with its name and pickup points (getMerchant), cookies sealed', async () => {
    const store = await database.orm.em.fork().findOneOrFail(StoreSchema, storeId);
    expect(store.name).toBe('Sandbox Electronics');
    expect(store.points.map((point) => [point.storeId, point.cityId])).toEqual([
      ['30067228_PP1', '750000000'],
      ['30067228_PP2', '710000000'],
    ]);
    expect(store.sessionState).toBe('active');
    expect(store.sessionSealed).not.toContain('mc-sid');
  });

  it('reads every offer, on sale and off sale, across pages, and agrees with Kaspi’s catalogue', async () => {
    const progress: number[] = [];
    const [onSale, offSale] = await sessions.withSession(storeId, async ({ jar, merchantUid }) => [
      await kaspi.cabinet.listOffers(jar, merchantUid, true, (step) => progress.push(step.fetched)),
      await kaspi.cabinet.listOffers(jar, merchantUid, false),
    ]);
    const catalogue = sandbox.catalogue(MERCHANT);
    expect(onSale.length + offSale.length).toBe(catalogue.length);
    expect(onSale.length).toBeGreaterThan(100); // more than one page
    expect(progress.length).toBeGreaterThan(1);
    expect(new Set([...onSale, ...offSale].map((offer) => offer.sku))).toEqual(
      new Set(catalogue.map((offer) => offer.sku)),
    );
    for (const offer of offSale)
      expect(offer.availabilities.every((availability) => availability.available === 'no')).toBe(true);
  });

  it('finds one offer and its details', async () => {
    const sku = sandbox.catalogue(MERCHANT)[3]!.sku;
    await sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const offer = await kaspi.cabinet.findOffer(jar, merchantUid, sku);
      expect(offer?.sku).toBe(sku);
      const details = await kaspi.cabinet.offerDetails(jar, merchantUid, sku);
      expect(details.masterSku).toBe(offer?.masterSku);
      expect(await kaspi.cabinet.findOffer(jar, merchantUid, 'no-such-sku')).toBeUndefined();
    });
  });

  it('changes one city’s price with the single-point save: validated first, applied after Kaspi’s delay, nothing else changed', async () => {
    const before = sandbox
      .catalogue(MERCHANT)
      .find((offer) => offer.availabilities.every((a) => a.available === 'yes') && offer.availabilities.length === 2)!;
    const store = await database.orm.em.fork().findOneOrFail(StoreSchema, storeId);
    const newPrice = before.allCityPrices[ALMATY]!.price - 7;
    const writesBefore = sandbox.writes(MERCHANT).length;
    await sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const read = (await kaspi.cabinet.findOffer(jar, merchantUid, before.sku))!;
      const save = buildPointSave(merchantUid, read, `${MERCHANT}_PP1`, newPrice, store.points);
      const result = await kaspi.cabinet.savePoint(jar, merchantUid, save);
      expect(result.refused).toBeUndefined();
      expect(result.jobId).not.toBe('');
      expect(sandbox.writes(MERCHANT).slice(writesBefore)).toEqual([
        expect.objectContaining({ endpoint: 'process', body: save.body }),
      ]);
    });
    await waitFor(
      () =>
        sandbox.catalogue(MERCHANT).find((offer) => offer.sku === before.sku)!.allCityPrices[ALMATY]!.price ===
        newPrice,
    );
    const after = sandbox.catalogue(MERCHANT).find((offer) => offer.sku === before.sku)!;
    expect(after.availabilities).toEqual(before.availabilities);
    expect(after.stocks).toEqual(before.stocks);
    expect(after.allCityPrices[ASTANA]).toEqual(before.allCityPrices[ASTANA]);
  });

  it('takes three offers off sale in one batch: off at every point, stock and other offers untouched', async () => {
    const catalogueBefore = sandbox.catalogue(MERCHANT);
    const targets = catalogueBefore
      .filter((offer) => offer.availabilities.every((a) => a.available === 'yes'))
      .slice(0, 3);
    expect(targets).toHaveLength(3);
    const store = await database.orm.em.fork().findOneOrFail(StoreSchema, storeId);
    await sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const items = [];
      for (const target of targets) {
        const read = (await kaspi.cabinet.findOffer(jar, merchantUid, target.sku))!;
        items.push(buildPricefeedItem(merchantUid, read, { available: false }, store.points));
      }
      const result = await kaspi.cabinet.writeBatch(jar, merchantUid, items);
      expect(result.sent).toHaveLength(3);
      expect(result.deferred).toHaveLength(0);
    });
    const skus = new Set(targets.map((target) => target.sku));
    await waitFor(() =>
      sandbox
        .catalogue(MERCHANT)
        .filter((offer) => skus.has(offer.sku))
        .every((offer) => offer.availabilities.every((a) => a.available === 'no')),
    );
    const catalogueAfter = sandbox.catalogue(MERCHANT);
    for (const target of targets) {
      const after = catalogueAfter.find((offer) => offer.sku === target.sku)!;
      expect(after.availabilities.map((a) => a.storeId)).toEqual(target.availabilities.map((a) => a.storeId));
      expect(after.availabilities.map((a) => a.stockCount)).toEqual(target.availabilities.map((a) => a.stockCount));
      expect(after.availabilities.map((a) => a.preOrder)).toEqual(target.availabilities.map((a) => a.preOrder));
      expect(after.stocks).toEqual(target.stocks);
      expect(after.allCityPrices).toEqual(target.allCityPrices); // an on/off never moves a price, in any city
    }
    const others = (list: typeof catalogueBefore) =>
      list.filter((offer) => !skus.has(offer.sku)).map((offer) => [offer.sku, offer.availabilities]);
    expect(others(catalogueAfter).filter(([sku]) => sku !== catalogueBefore[0]!.sku)).toEqual(
      others(catalogueBefore).filter(([sku]) => sku !== catalogueBefore[0]!.sku),
    );
  });

  it('validates offers', async () => {
    await sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const offer = sandbox.catalogue(MERCHANT)[0]!;
      const valid = await kaspi.cabinet.validate(jar, merchantUid, 'ON_SALE__BATCH', [
        {
          masterSku: offer.masterSku,
          availabilities: [{ storeId: 'PP1', cityId: '750000000', available: 'yes', price: 1_120 }],
        },
      ]);
      expect(valid.valid).toBe(true);
      const invalid = await kaspi.cabinet.validate(jar, merchantUid, 'ON_SALE__BATCH', [
        {
          masterSku: offer.masterSku,
          availabilities: [{ storeId: 'PP1', cityId: '750000000', available: 'yes', price: 5 }],
        },
      ]);
      expect(invalid.valid).toBe(false);
    });
  });

  it('uploads a price-list file and follows its status until Kaspi has processed it', async () => {
    // Real time here: Kaspi is still processing the first file when the second one arrives.
    const slow = await startKaspiSandbox({
      seed: 12,
      rivalTickMs: 0,
      productsPerMerchant: 5,
      applyDelayMs: 1_500,
      logger: captureLogger('silent').logger,
    });
    try {
      const client = kaspiFor(slow, logger, { KASPI_PRICEFEED_RPS: '5' });
      const pending = await client.smsLogin.start('+7 701 000 00 01');
      const jar = new CookieJar((await client.smsLogin.verify(pending, slow.lastCode('+7 (701) 000-00-01')!)).cookies);
      // One price in both cities: a file can say only one (an offer priced apart goes by the price feed).
      const offer = slow
        .catalogue(MERCHANT)
        .find(
          (candidate) =>
            candidate.availabilities.length === 2 &&
            new Set(Object.values(candidate.allCityPrices).map((entry) => entry.price)).size === 1,
        )!;
      const points = (await client.cabinet.getMerchant(jar, MERCHANT)).points;
      const file = await buildPriceListFile(
        MERCHANT,
        [{ offer: (await client.cabinet.findOffer(jar, MERCHANT, offer.sku))!, preorderDays: 9 }],
        points,
      );

      const upload = await client.cabinet.uploadPriceList(jar, MERCHANT, file, 'preorders.xlsx', 1);
      if (!('fileId' in upload)) throw new Error('expected a file id');
      expect(await client.cabinet.uploadPriceList(jar, MERCHANT, file, 'again.xlsx', 1)).toEqual({ unfinished: true });
      expect((await client.cabinet.priceListStatus(jar, MERCHANT, upload.fileId)).status).toBe('PROCESSING');
      await waitFor(() =>
        slow
          .catalogue(MERCHANT)
          .find((candidate) => candidate.sku === offer.sku)!
          .availabilities.every((a) => a.preOrder === 9),
      );
      expect((await client.cabinet.priceListStatus(jar, MERCHANT, upload.fileId)).status).toBe('FLUSHED');
      const after = slow.catalogue(MERCHANT).find((candidate) => candidate.sku === offer.sku)!;
      expect(after.availabilities).toEqual(
        offer.availabilities.map((availability) => ({ ...availability, preOrder: 9 })),
      ); // stock tracking kept
      expect(after.allCityPrices).toEqual(offer.allCityPrices);
      expect(slow.writes(MERCHANT).map((write) => write.endpoint)).toEqual(['upload']);
    } finally {
      await slow.close();
    }
  });

  it('saves the cookies Kaspi refreshes, so the session outlives the original cookie', async () => {
    const sealedBefore = (await database.orm.em.fork().findOneOrFail(StoreSchema, storeId)).sessionSealed;
    for (let i = 0; i < 40; i++) await sessions.withSession(storeId, ({ jar }) => kaspi.cabinet.listMerchants(jar));
    const sealedAfter = (await database.orm.em.fork().findOneOrFail(StoreSchema, storeId)).sessionSealed;
    expect(sealedAfter).not.toBe(sealedBefore);
    await new Promise((resolve) => setTimeout(resolve, 60_000 / TIME_SCALE + 100)); // the replaced cookie dies
    expect(await sessions.probe(storeId)).toBe('active');
  });

  it('refuses to act on a changed answer, naming the field, and counts it for the operator', async () => {
    const counted = async () =>
      metricSum((await renderMetrics()).body, 'kaspi_bot_kaspi_schema_errors_total', { endpoint: 'storefront.offers' });
    const before = await counted();
    sandbox.injectFaults({ target: 'storefront', drift: { from: 'price', to: 'cost' } });
    try {
      await expect(kaspi.storefront.offers('102298404', '750000000')).rejects.toSatisfy(
        (error: unknown) => error instanceof KaspiSchemaError && error.field === 'offers.0.price',
      );
      expect(await counted()).toBe(before + 1);
    } finally {
      sandbox.injectFaults({ target: 'storefront', drift: null });
    }
  });

  it('retries reads through 5xx bursts', async () => {
    sandbox.injectFaults({ target: 'cabinet', serverErrors: 2 });
    const merchants = await sessions.withSession(storeId, ({ jar }) => kaspi.cabinet.listMerchants(jar));
    expect(merchants.map((merchant) => merchant.uid)).toContain(MERCHANT);
  });

  it('marks the store expired on a 401 and tells the caller once', async () => {
    sandbox.expireSessions(MERCHANT);
    await expect(
      sessions.withSession(storeId, ({ jar, merchantUid }) => kaspi.cabinet.listOffers(jar, merchantUid, true)),
    ).rejects.toBeInstanceOf(KaspiSessionExpiredError);
    const store = await database.orm.em.fork().findOneOrFail(StoreSchema, storeId);
    expect(store.sessionState).toBe('expired');
    await expect(sessions.withSession(storeId, async () => 'never runs')).rejects.toBeInstanceOf(
      KaspiSessionExpiredError,
    );
    expect(await sessions.probe(storeId)).toBe('expired');
  });
});

describe('cabinet write limits against the sandbox', () => {
  it('never gets a 429 writing at the configured rate, just under Kaspi’s limit', async () => {
    const steady = kaspiFor(sandbox, logger, { KASPI_PRICEFEED_RPS: '2.5' });
    await new Promise((resolve) => setTimeout(resolve, 60_000 / TIME_SCALE + 50));
    const pending = await steady.smsLogin.start('+7 701 000 00 01');
    const jar = new CookieJar((await steady.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!)).cookies);
    const points = (await steady.cabinet.getMerchant(jar, MERCHANT)).points;
    const offers = (await steady.cabinet.listOffers(jar, MERCHANT, true)).slice(20, 28);
    const before = sandbox.stats().cabinet429;
    const started = performance.now();
    // Eight writes fired at once: the limiter spaces them 400 ms apart (2.5/s against Kaspi's 3/s).
    await Promise.all(
      offers.map((offer) =>
        steady.cabinet.writeBatch(jar, MERCHANT, [buildPricefeedItem(MERCHANT, offer, {}, points)]),
      ),
    );
    expect(sandbox.stats().cabinet429 - before).toBe(0);
    expect(performance.now() - started).toBeGreaterThan(7 * 400 * 0.95);
  });

  it('a 429 freezes every write of the merchant; nothing more reaches Kaspi until the block ends', async () => {
    const fast = kaspiFor(sandbox, logger, { KASPI_PRICEFEED_RPS: '50' });
    const pending = await fast.smsLogin.start('+7 701 000 00 02').catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60_000 / TIME_SCALE + 50));
      return fast.smsLogin.start('+7 701 000 00 02');
    });
    const login = await fast.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-02')!);
    const jar = new CookieJar(login.cookies);
    const merchant = '30463421';
    const points = (await fast.cabinet.getMerchant(jar, merchant)).points;
    const offer = (await fast.cabinet.listOffers(jar, merchant, true))[0]!;
    const item = buildPricefeedItem(merchant, offer, {}, points);

    let limited: KaspiRateLimitedError | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      await fast.cabinet.writeBatch(jar, merchant, [item]).catch((error: unknown) => {
        if (error instanceof KaspiRateLimitedError) limited = error;
        else throw error;
      });
    }
    expect(limited).toBeDefined();
    expect(sandbox.stats().cabinet429).toBe(1);
    const writesAtFreeze = sandbox.writes(merchant).length;
    await expect(fast.cabinet.writeBatch(jar, merchant, [item])).rejects.toMatchObject({
      kind: 'rate-limited',
      endpoint: 'limits.merchant-freeze',
    });
    expect(sandbox.writes(merchant).length).toBe(writesAtFreeze);
    expect(sandbox.stats().cabinet429).toBe(1);
  });

  it('spends the 30-minute change budget and defers the rest instead of triggering Kaspi’s block', async () => {
    const budgeted = kaspiFor(sandbox, logger, { KASPI_CHANGES_PER_30MIN: '4', KASPI_PRICEFEED_RPS: '2' });
    await new Promise((resolve) => setTimeout(resolve, 60_000 / TIME_SCALE + 50));
    const pending = await budgeted.smsLogin.start('+7 701 000 00 01');
    const login = await budgeted.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
    const jar = new CookieJar(login.cookies);
    const points = (await budgeted.cabinet.getMerchant(jar, MERCHANT)).points;
    const offers = (await budgeted.cabinet.listOffers(jar, MERCHANT, true)).slice(10, 16);
    const items = offers.map((offer) => buildPricefeedItem(MERCHANT, offer, {}, points));
    const first = await budgeted.cabinet.writeBatch(jar, MERCHANT, items);
    expect(first.sent).toHaveLength(4);
    expect(first.deferred).toHaveLength(2);
    expect(first.retryInMs).toBeGreaterThan(0);
    const second = await budgeted.cabinet.writeBatch(jar, MERCHANT, first.deferred);
    expect(second.sent).toHaveLength(0);
    expect(second.jobId).toBe('');
  });
});
