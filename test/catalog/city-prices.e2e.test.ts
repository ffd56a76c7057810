import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OfferActions } from '../../src/catalog/offer-actions.js';
import { CatalogSync } from '../../src/catalog/sync.js';
import { PriceChangeSchema, ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { KaspiRateLimitedError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox, type SandboxOffer } from '../../src/kaspi-sandbox/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * A seller's own price and on/off actions on an offer priced differently in Almaty and Astana, from the database
 * through our real Kaspi client to the Kaspi sandbox and back: each city moves only when it is the one decided.
 */

const MERCHANT = '30067228';
const ALMATY = '750000000';
const ASTANA = '710000000';
const PHONE = '+7 701 000 00 01';

let sandbox: KaspiSandbox;
let kaspi: Kaspi;
let database: Database;
let dropDatabase: () => Promise<void>;
let actions: OfferActions;
let storeId: number;
const used = new Set<string>();
const { logger } = captureLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached in time`);
    await sleep(20);
  }
}

const live = (sku: string) => sandbox.catalogue(MERCHANT).find((offer) => offer.sku === sku)!;
const priceIn = (offer: SandboxOffer, cityId: string) => offer.allCityPrices[cityId]!.price;
const onSale = (offer: SandboxOffer) => offer.availabilities.every((availability) => availability.available === 'yes');
const offSale = (offer: SandboxOffer) => offer.availabilities.every((availability) => availability.available === 'no');
const pricedApart = (offer: SandboxOffer) => priceIn(offer, ALMATY) !== priceIn(offer, ASTANA);

/** A product of the synced store not used by another test here, sold at both points. */
async function pick(
  what: string,
  test: (offer: SandboxOffer) => boolean,
): Promise<{ product: Product; offer: SandboxOffer }> {
  const offer = sandbox
    .catalogue(MERCHANT)
    .find(
      (candidate) =>
        candidate.masterSku !== SAMPLE_MASTER_SKU &&
        !used.has(candidate.sku) &&
        candidate.availabilities.length === 2 &&
        test(candidate),
    );
  if (!offer) throw new Error(`the sandbox catalogue has no unused offer that is ${what}`);
  used.add(offer.sku);
  return {
    product: await database.orm.em.fork().findOneOrFail(ProductSchema, { store: storeId, sku: offer.sku }),
    offer,
  };
}

const changesOf = (productId: number) =>
  database.orm.em.fork().find(PriceChangeSchema, { product: productId }, { orderBy: { id: 'ASC' } });
const productRow = (productId: number) => database.orm.em.fork().findOneOrFail(ProductSchema, productId);
const cityPricesOf = (product: Product) =>
  Object.fromEntries(product.cityPrices.map((entry) => [entry.cityId, entry.price]));
const writesAbout = (sku: string, from: number) =>
  sandbox
    .writes(MERCHANT)
    .slice(from)
    .filter((write) => JSON.stringify(write.body).includes(sku));

beforeAll(async () => {
  // timeScale 60: Kaspi's apply delay of 6 s becomes 100 ms.
  sandbox = await startKaspiSandbox({
    seed: 5,
    timeScale: 60,
    rivalTickMs: 0,
    applyDelayMs: 6_000,
    logger: captureLogger('silent').logger,
  });
  kaspi = kaspiFor(sandbox, logger);
  const testDb = await createTestDatabase();
  dropDatabase = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  await migrate(database);
  const sessions = new KaspiSessionManager(database.orm, new SecretBox(randomBytes(32)), kaspi.cabinet, logger);
  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: 7_700_301, chatId: 7_700_301 });
  await em.flush();
  const pending = await kaspi.smsLogin.start(PHONE);
  const loggedIn = await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
  const store = await sessions.connectStore({
    sellerId: seller.id,
    merchantUid: MERCHANT,
    cookies: loggedIn.cookies,
    loginMethod: 'sms',
    identity: pending.phone,
  });
  storeId = store.id;
  await new CatalogSync(database.orm, sessions, kaspi.cabinet, logger).sync(storeId);
  actions = new OfferActions(database.orm, sessions, kaspi.cabinet, logger);
});
afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
  await database?.close();
  await dropDatabase?.();
});

describe('OfferActions on an offer priced per city, against the Kaspi sandbox', () => {
  it('sets Astana’s price alone: only Astana moves at Kaspi, one change recorded for Astana', async () => {
    const { product, offer } = await pick(
      'on sale, priced apart',
      (candidate) => onSale(candidate) && pricedApart(candidate),
    );
    expect(cityPricesOf(product)).toEqual({ [ALMATY]: priceIn(offer, ALMATY), [ASTANA]: priceIn(offer, ASTANA) }); // synced per city
    const newPrice = priceIn(offer, ASTANA) - 30;
    const writesBefore = sandbox.writes(MERCHANT).length;

    const result = await actions.setPrice(product.id, newPrice, { cityId: ASTANA, reasonText: 'test: Astana only' });
    if (result.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(result)}`);
    expect(result.cities).toEqual([{ cityId: ASTANA, oldPrice: priceIn(offer, ASTANA) }]);
    // The cabinet's single-point save: one point, its city only.
    const writes = writesAbout(offer.sku, writesBefore);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      endpoint: 'process',
      body: { availabilities: [{ storeId: `${MERCHANT}_PP2` }], cityPrices: [{ cityId: ASTANA, value: newPrice }] },
    });

    await waitFor(() => priceIn(live(offer.sku), ASTANA) === newPrice, 'Astana’s new price at Kaspi');
    expect(priceIn(live(offer.sku), ALMATY)).toBe(priceIn(offer, ALMATY));
    expect(live(offer.sku).availabilities).toEqual(offer.availabilities);
    expect((await actions.verifyPriceChange(result.changeIds, 60_000)).outcome).toBe('applied');

    const changes = await changesOf(product.id);
    expect(changes.map((change) => [change.cityId, change.oldPrice, change.newPrice, change.status])).toEqual([
      [ASTANA, priceIn(offer, ASTANA), newPrice, 'applied'],
    ]);
    expect(cityPricesOf(await productRow(product.id))).toEqual({
      [ALMATY]: priceIn(offer, ALMATY),
      [ASTANA]: newPrice,
    });
  });

  it('sets a price without a city: every city moves, one change per city from its own old price', async () => {
    const { product, offer } = await pick(
      'on sale, priced apart',
      (candidate) => onSale(candidate) && pricedApart(candidate),
    );
    const newPrice = Math.min(priceIn(offer, ALMATY), priceIn(offer, ASTANA)) - 40;
    const writesBefore = sandbox.writes(MERCHANT).length;

    const result = await actions.setPrice(product.id, newPrice, { reasonText: 'test: every city' });
    if (result.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(result)}`);
    const writes = writesAbout(offer.sku, writesBefore);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endpoint).toBe('batch');
    const [item] = writes[0]!.body as { cityPrices: { cityId: string; value: number }[] }[];
    expect(Object.fromEntries(item!.cityPrices.map((entry) => [entry.cityId, entry.value]))).toEqual({
      [ALMATY]: newPrice,
      [ASTANA]: newPrice,
    });

    await waitFor(
      () => priceIn(live(offer.sku), ALMATY) === newPrice && priceIn(live(offer.sku), ASTANA) === newPrice,
      'both cities at the new price',
    );
    expect(live(offer.sku).availabilities).toEqual(offer.availabilities);
    expect(live(offer.sku).stocks).toEqual(offer.stocks);
    expect((await actions.verifyPriceChange(result.changeIds, 60_000)).outcome).toBe('applied');
    const changes = await changesOf(product.id);
    expect(changes.map((change) => [change.cityId, change.oldPrice, change.newPrice, change.status]).sort()).toEqual(
      [
        [ALMATY, priceIn(offer, ALMATY), newPrice, 'applied'],
        [ASTANA, priceIn(offer, ASTANA), newPrice, 'applied'],
      ].sort(),
    );
  });

  it('takes an offer off sale without moving its price in any city', async () => {
    const { product, offer } = await pick(
      'on sale, priced apart',
      (candidate) => onSale(candidate) && pricedApart(candidate),
    );
    const result = await actions.setAvailability(storeId, [product.id], false);
    expect(result.sent.map((sent) => sent.id)).toEqual([product.id]);
    await waitFor(() => offSale(live(offer.sku)), 'off sale at every point');
    expect(live(offer.sku).allCityPrices).toEqual(offer.allCityPrices);
    expect(live(offer.sku).stocks).toEqual(offer.stocks);
    expect(await changesOf(product.id)).toEqual([]);
    expect((await actions.verifyAvailability(storeId, [product.id], false)).applied).toEqual([product.id]);
  });

  it('skips a product Kaspi refuses to put on sale (refused:OFFER_BLOCKED) and writes nothing for it; puts the others on sale', async () => {
    const blocked = await pick('off sale', offSale);
    const allowed = await pick('off sale, priced apart', (candidate) => offSale(candidate) && pricedApart(candidate));
    sandbox.blockOffer(MERCHANT, blocked.offer.sku);
    const writesBefore = sandbox.writes(MERCHANT).length;

    const result = await actions.setAvailability(storeId, [blocked.product.id, allowed.product.id], true);
    expect(result.skipped.map((skipped) => [skipped.product.id, skipped.why])).toEqual([
      [blocked.product.id, 'refused:OFFER_BLOCKED'],
    ]);
    expect(result.sent.map((sent) => sent.id)).toEqual([allowed.product.id]);
    expect(writesAbout(blocked.offer.sku, writesBefore)).toEqual([]);
    expect(writesAbout(allowed.offer.sku, writesBefore)).toHaveLength(1);

    await waitFor(() => onSale(live(allowed.offer.sku)), 'the allowed offer on sale');
    expect(live(allowed.offer.sku).allCityPrices).toEqual(allowed.offer.allCityPrices);
    await sleep(300); // three times Kaspi's apply delay: a write for the blocked offer would have landed
    expect(live(blocked.offer.sku)).toEqual(blocked.offer);
  });
  it('a write refused before it is sent (writes frozen after a 429) is settled as failed, never left planned', async () => {
    const { product, offer } = await pick('on sale', onSale);
    await kaspi.limits.freezeMerchant(
      MERCHANT,
      new KaspiRateLimitedError('test freeze', 'cabinet.pricefeed-batch', 60_000, 'merchant-writes'),
    );
    try {
      await expect(
        actions.setPrice(product.id, priceIn(offer, ALMATY) - 10, { reasonText: 'test: frozen' }),
      ).rejects.toBeInstanceOf(KaspiRateLimitedError);
      const changes = await changesOf(product.id);
      expect(changes.length).toBeGreaterThan(0);
      for (const change of changes)
        expect(change).toMatchObject({ status: 'failed', error: expect.stringMatching(/^not sent: /) });
      // Nothing waits for a read-back that can never come: the same price may be asked for again.
      await expect(
        actions.setPrice(product.id, priceIn(offer, ALMATY) - 10, { reasonText: 'test: frozen' }),
      ).rejects.toBeInstanceOf(KaspiRateLimitedError);
    } finally {
      await kaspi.limits.freezeMerchant(
        MERCHANT,
        new KaspiRateLimitedError('thaw', 'cabinet.pricefeed-batch', 0, 'merchant-writes'),
      );
    }
  });
});
