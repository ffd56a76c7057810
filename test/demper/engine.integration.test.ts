import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { mainCityOf } from '../../src/catalog/city-prices.js';
import { PriceChangeSchema, ProductSchema, StoreSchema, type Product } from '../../src/db/entities/index.js';
import { OfferActions } from '../../src/catalog/offer-actions.js';
import { emptySummary } from '../../src/demper/engine.js';
import { RecordingNotifier } from '../../src/demper/notifier.js';
import { createLogger } from '../../src/logger.js';
import { KaspiRateLimitedError } from '../../src/kaspi/errors.js';
import { buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { renderMetrics } from '../../src/metrics.js';
import { metricSum } from '../helpers/metrics.js';
import {
  arrangeMarket,
  BATCH_REQUESTS,
  catalogueOffer,
  changesOf,
  cityOf,
  enableDemper,
  engineFor,
  makeDue,
  MERCHANT,
  openWorld,
  productPool,
  productRow,
  SANDBOX_MERCHANTS,
  sellOnlyAtFirstPoint,
  sleep,
  storeOf,
  waitUntil,
  type World,
} from './world.js';

describe('demper engine against the Kaspi sandbox and PostgreSQL', () => {
  let world: World;
  let pool: Product[];
  let bothCities: Product;
  const takeProduct = () => {
    const product = pool.shift();
    if (!product) throw new Error('the product pool is empty; raise productsPerMerchant');
    return product;
  };
  const writeCount = () => world.sandbox.writes(MERCHANT).length;

  beforeAll(async () => {
    world = await openWorld({ productsPerMerchant: 30 }, { KASPI_PRICEFEED_RPS: '5', KASPI_OFFERS_RPS: '10' });
    const candidates = await productPool(world);
    // The last candidate stays on sale in both cities, for the per-city test.
    bothCities = candidates.pop()!;
    await sellOnlyAtFirstPoint(world, candidates);
    const refreshed = new Map((await productPool(world)).map((product) => [product.id, product]));
    pool = candidates
      .map((product) => refreshed.get(product.id))
      .filter((product): product is Product => product !== undefined);
  });
  afterAll(async () => {
    await world?.close();
  });
  afterEach(async () => {
    // Each test enables its own products; nothing it left behind may be picked up by the next one.
    world.sandbox.injectFaults({ target: 'cabinet', dropWrites: false, delayedRequests: 0 });
    const em = world.database.orm.em.fork();
    await em.nativeUpdate(ProductSchema, { id: { $gt: 0 } }, { demperEnabled: false });
    await em.nativeUpdate(
      PriceChangeSchema,
      { status: { $in: ['planned', 'sent'] } },
      { status: 'failed', error: 'left over by a test' },
    );
    await em.nativeUpdate(StoreSchema, { id: world.storeId }, { demperEnabled: true, demperDryRun: false });
  });

  it('takes first place: plans the change, sends one batch echoing the read availabilities, settles it as applied by read-back', async () => {
    const product = takeProduct();
    const price = product.price;
    const { leader } = await arrangeMarket(world, product, price - 300, price + 2_000);
    await enableDemper(world, product, { minPrice: price - 1_000, maxPrice: price + 5_000, step: 7 });
    const expected = price - 300 - 7;
    const before = catalogueOffer(world, product.sku);
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier, { verifyAfterMs: 100 });
    const metricsBefore = (await renderMetrics()).body;

    const first = await engine.runOnce();
    expect(first).toMatchObject({
      stores: 1,
      checked: 1,
      held: 0,
      planned: 1,
      sent: 1,
      deferred: 0,
      applied: 0,
      failed: 0,
      errors: [],
    });

    const changes = await changesOf(world, product.id);
    expect(changes).toHaveLength(1);
    const change = changes[0]!;
    expect(change).toMatchObject({
      status: 'sent',
      source: 'demper',
      oldPrice: price,
      newPrice: expected,
      reasonCode: 'undercut_leader',
      cheapestRivalPrice: price - 300,
    });
    expect(change.reasonText).toContain(leader.merchantName);
    expect(change.sentAt).toBeInstanceOf(Date);
    expect(change.settledAt).toBeNull();

    const writes = world.sandbox.writes(MERCHANT).slice(writesBefore);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endpoint).toBe('batch');
    const items = writes[0]!.body as Record<string, unknown>[];
    expect(items).toHaveLength(1);
    // The cabinet's own item: no top-level price, every point with only `available`/`storeId` (and its preorder days).
    expect(Object.keys(items[0]!).sort()).toEqual(['availabilities', 'cityPrices', 'merchantUid', 'model', 'sku']);
    expect(items[0]).toMatchObject({ merchantUid: MERCHANT, sku: product.sku });
    expect(before.availabilities.some((read) => 'stockCount' in read)).toBe(true);
    expect(items[0]!.availabilities).toEqual(
      before.availabilities.map((read) => ({
        available: read.available,
        storeId: read.storeId,
        ...(read.preOrder ? { preOrder: read.preOrder } : {}),
      })),
    );
    // Almaty moves; Astana, where the offer is off sale, keeps its own price.
    const city = await cityOf(world, product);
    const otherCities = Object.keys(before.allCityPrices).filter((cityId) => cityId !== city);
    expect(items[0]!.cityPrices).toEqual(
      [
        { cityId: city, value: expected },
        ...otherCities.map((cityId) => ({ cityId, value: before.allCityPrices[cityId]!.price })),
      ].sort((a, b) => a.cityId.localeCompare(b.cityId)),
    );
    expect(change.cityId).toBe(city);

    expect(notifier.digests).toEqual([
      {
        storeId: world.storeId,
        dryRun: false,
        lines: [
          {
            productId: product.id,
            sku: product.sku,
            title: product.title,
            oldPrice: price,
            newPrice: expected,
            reason: change.reasonText,
            decision: expect.objectContaining({ action: 'change', price: expected, reason: 'undercut_leader' }),
            rivalName: leader.merchantName,
            rivalPrice: price - 300,
            cityId: city,
            cityName: 'Алматы',
          },
        ],
      },
    ]);
    expect(notifier.alerts).toEqual([]);

    // Kaspi applies writes after a delay; only a read-back showing the new price makes the change `applied`.
    expect((await productRow(world, product.id)).price).toBe(price);
    await waitUntil(() => catalogueOffer(world, product.sku).price === expected, 'Kaspi applies the batch');
    await waitUntil(() => Date.now() - change.sentAt!.getTime() > 150, 'verifyAfterMs passes');
    const second = await engine.runOnce();
    expect(second).toMatchObject({ checked: 0, planned: 0, sent: 0, applied: 1, failed: 0, errors: [] });
    const [settled] = await changesOf(world, product.id);
    expect(settled).toMatchObject({ status: 'applied', newPrice: expected });
    expect(settled!.settledAt).toBeInstanceOf(Date);
    const after = await productRow(world, product.id);
    expect(after.price).toBe(expected);
    expect(after.lastCutAt).toBeInstanceOf(Date);
    expect(writeCount()).toBe(writesBefore + 1);
    expect(notifier.digests).toHaveLength(1);

    // /metrics counts the same run: one product sent, then applied; one batch write that Kaspi took.
    const metricsAfter = (await renderMetrics()).body;
    const grew = (name: string, labels: Record<string, string>) =>
      metricSum(metricsAfter, name, labels) - metricSum(metricsBefore, name, labels);
    expect(grew('kaspi_bot_demper_products_total', { result: 'sent' })).toBe(1);
    expect(grew('kaspi_bot_demper_products_total', { result: 'applied' })).toBe(1);
    expect(grew('kaspi_bot_demper_store_runs_total', { outcome: 'ok' })).toBe(1);
    expect(grew('kaspi_bot_kaspi_requests_total', { endpoint: 'cabinet.pricefeed-batch', status: '200' })).toBe(1);
  });

  it('never goes below the floor: takes the best place above it, says once what first place would take, then holds', async () => {
    const product = takeProduct();
    const price = product.price;
    const floor = price - 100;
    const { leader, city } = await arrangeMarket(world, product, price - 400, price + 2_000);
    await enableDemper(world, product, { minPrice: floor, maxPrice: price + 5_000, step: 1 });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier, { verifyAfterMs: 100 });
    // Just under the next seller above the floor, never at the floor losing.
    const expected = price + 2_000 - 1;

    const first = await engine.runOnce();
    expect(first).toMatchObject({ stores: 1, checked: 1, held: 0, planned: 1, sent: 1, errors: [] });
    expect(notifier.alerts).toEqual([
      {
        storeId: world.storeId,
        alert: {
          kind: 'floor-reached',
          productId: product.id,
          sku: product.sku,
          title: product.title,
          cityName: 'Алматы',
          decision: expect.objectContaining({ reason: 'unreachable_first', price: expected, place: 2 }),
          details: {
            floor,
            rivalPrice: price - 400,
            rivalName: leader.merchantName,
            old: price,
            place: 2,
            price: expected,
            action: 'change',
            needFloor: price - 400,
            city: 'Алматы',
          },
        },
      },
    ]);
    const [change] = await changesOf(world, product.id);
    expect(change).toMatchObject({
      status: 'sent',
      oldPrice: price,
      newPrice: expected,
      reasonCode: 'unreachable_first',
    });
    expect(change!.reasonText).toContain('только при мин. ниже');
    expect(change!.newPrice).toBeGreaterThanOrEqual(floor);
    const held = await productRow(world, product.id);
    expect(held.demperAlerts.floorReached).toBe(true);
    expect(held.lastCheapestRivalPrice).toBe(price - 400);

    // Applied; the same market at the next check: held, and the seller is not told a second time.
    await waitUntil(
      () => catalogueOffer(world, product.sku).allCityPrices[city]?.price === expected,
      'Kaspi applies the batch',
    );
    await waitUntil(() => Date.now() - change!.sentAt!.getTime() > 150, 'verifyAfterMs passes');
    await engine.runOnce();
    await makeDue(world, [product.id]);
    const second = await engine.runOnce();
    expect(second).toMatchObject({ checked: 1, held: 1, planned: 0, sent: 0 });
    expect(notifier.alerts).toHaveLength(1);
    expect(await changesOf(world, product.id)).toHaveLength(1);
    expect(writeCount()).toBe(writesBefore + 1);
    expect(catalogueOffer(world, product.sku).allCityPrices[city]?.price).toBe(expected);
  });

  it('never undercuts its own offer when it is the cheapest in the market', async () => {
    const product = takeProduct();
    const price = product.price;
    const { city } = await arrangeMarket(world, product, price + 1, price + 500);
    expect(world.sandbox.storefront(product.masterSku, city)[0]!.merchantId).toBe(MERCHANT);
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();

    const summary = await engineFor(world, notifier).runOnce();
    // One tenge under the cheapest rival is exactly where we are; counting our own offer would cut below it.
    expect(summary).toMatchObject({ checked: 1, held: 1, planned: 0, sent: 0 });
    expect(await changesOf(world, product.id)).toEqual([]);
    expect(writeCount()).toBe(writesBefore);
    expect(notifier.digests).toEqual([]);
  });

  it('never undercuts another store of the same seller', async () => {
    const product = takeProduct();
    const price = product.price;
    const { city, leader } = await arrangeMarket(world, product, price - 200, price + 1);
    expect(world.sandbox.storefront(product.masterSku, city)[0]!.merchantId).toBe(leader.merchantId);
    const em = world.database.orm.em.fork();
    // The cheapest merchant in this market is the seller's second Kaspi store.
    const second = em.create(StoreSchema, {
      seller: world.sellerId,
      merchantUid: leader.merchantId,
      name: 'Second store',
      loginMethod: 'sms',
    });
    await em.flush();
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier);
    try {
      const summary = await engine.runOnce();
      expect(summary).toMatchObject({ checked: 1, held: 1, planned: 0, sent: 0 });
      expect(await changesOf(world, product.id)).toEqual([]);
      expect(writeCount()).toBe(writesBefore);
      expect(notifier.digests).toEqual([]);
    } finally {
      await em.nativeDelete(StoreSchema, { id: second.id });
    }
    // Control: the same market with that merchant as a stranger is a cut (proposed only, nothing sent).
    await makeDue(world, [product.id]);
    const control = await engine.runOnce({ dryRun: true });
    expect(control).toMatchObject({ checked: 1, planned: 1, sent: 0 });
    expect(notifier.digests.map((digest) => digest.lines.map((line) => line.newPrice))).toEqual([[price - 201]]);
    expect(writeCount()).toBe(writesBefore);
  });

  it('a write Kaspi accepted but dropped stays sent, then fails after the verify timeout with a not-applied alert; never re-sent', async () => {
    const product = takeProduct();
    const price = product.price;
    await arrangeMarket(world, product, price - 100, price + 2_000);
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    world.sandbox.injectFaults({ target: 'cabinet', dropWrites: true });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier, { verifyAfterMs: 100, verifyTimeoutMs: 1_500 });

    expect(await engine.runOnce()).toMatchObject({ planned: 1, sent: 1, failed: 0 });
    expect(writeCount()).toBe(writesBefore + 1);
    const [sent] = await changesOf(world, product.id);
    expect(sent).toMatchObject({ status: 'sent', newPrice: price - 101 });

    // Read back within the timeout: Kaspi still shows the old price, so the change is neither applied nor failed.
    await sleep(400);
    expect(await engine.runOnce()).toMatchObject({ applied: 0, failed: 0 });
    expect((await changesOf(world, product.id))[0]!.status).toBe('sent');
    expect(notifier.alerts).toEqual([]);

    await waitUntil(() => Date.now() - sent!.sentAt!.getTime() > 1_600, 'verifyTimeoutMs passes');
    expect(await engine.runOnce()).toMatchObject({ applied: 0, failed: 1 });
    const [failed] = await changesOf(world, product.id);
    expect(failed).toMatchObject({ status: 'failed', error: `Kaspi did not apply the price (shows ${price})` });
    expect(failed!.settledAt).toBeInstanceOf(Date);
    expect((await productRow(world, product.id)).price).toBe(price);
    expect(notifier.alerts).toEqual([
      {
        storeId: world.storeId,
        alert: {
          kind: 'not-applied',
          productId: product.id,
          sku: product.sku,
          title: product.title,
          cityName: 'Алматы',
          details: { old: price, newPrice: price - 101, shown: price },
        },
      },
    ]);
    expect(writeCount()).toBe(writesBefore + 1);
    expect(catalogueOffer(world, product.sku).price).toBe(price);
  });

  it('settles a manual change Kaspi dropped without a demper alert: its own follow-up edits the seller’s report', async () => {
    const product = takeProduct();
    const price = product.price;
    await arrangeMarket(world, product, price + 1_000, price + 2_000);
    world.sandbox.injectFaults({ target: 'cabinet', dropWrites: true });
    const offers = new OfferActions(
      world.database.orm,
      world.sessions,
      world.kaspi.cabinet,
      createLogger({ level: 'silent' }),
    );
    const result = await offers.setPrice(product.id, price - 50, { reasonText: 'manual' });
    expect(result.status).toBe('sent');
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier, { verifyAfterMs: 100, verifyTimeoutMs: 1_500 });

    await sleep(1_700);
    await engine.verifyPending(emptySummary(), world.storeId);
    const [failed] = await changesOf(world, product.id);
    expect(failed).toMatchObject({ source: 'manual', status: 'failed', newPrice: price - 50 });
    expect(notifier.alerts).toEqual([]);
  });

  it('recovers an interrupted run: a stale planned change becomes sent without being re-sent, and read-back settles it', async () => {
    const [reached, lost, recent] = [takeProduct(), takeProduct(), takeProduct()];
    const store = await storeOf(world);
    // The dead run's write of `reached` got to Kaspi; the one of `lost` never did.
    const reachedPrice = reached.price - 11;
    await world.sessions.withSession(world.storeId, async ({ jar, merchantUid }) => {
      const read = await world.kaspi.cabinet.findOffer(jar, merchantUid, reached.sku);
      await world.kaspi.cabinet.writeBatch(jar, merchantUid, [
        buildPricefeedItem(
          merchantUid,
          read!,
          { cityPrices: { [mainCityOf(reached, store.points)!]: reachedPrice } },
          store.points,
        ),
      ]);
    });
    await waitUntil(
      () => catalogueOffer(world, reached.sku).price === reachedPrice,
      'Kaspi applies the dead run’s write',
    );

    const em = world.database.orm.em.fork();
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const plant = async (product: Product, newPrice: number, createdAt: Date) =>
      (await em.insert(PriceChangeSchema, {
        store: world.storeId,
        product: product.id,
        oldPrice: product.price,
        newPrice,
        reasonCode: 'undercut_leader',
        reasonText: 'test',
        source: 'demper',
        status: 'planned',
        idempotencyKey: `demper:${product.id}:interrupted`,
        createdAt,
      } as never)) as number;
    const reachedId = await plant(reached, reachedPrice, sixMinutesAgo);
    const lostId = await plant(lost, lost.price - 13, sixMinutesAgo);
    // A minute-old planned change may belong to a run that is still sending it: not touched.
    const recentId = await plant(recent, recent.price - 17, new Date(Date.now() - 60_000));
    const writesBefore = writeCount();
    const change = (id: number) => world.database.orm.em.fork().findOneOrFail(PriceChangeSchema, id);

    const notifier = new RecordingNotifier();
    const recovering = await engineFor(world, notifier, { verifyAfterMs: 10 * 60_000 }).runOnce();
    expect(recovering).toMatchObject({ stores: 0, planned: 0, sent: 0, applied: 0, failed: 0 });
    for (const id of [reachedId, lostId]) {
      const recovered = await change(id);
      expect(recovered.status).toBe('sent');
      expect(recovered.sentAt?.getTime()).toBe(sixMinutesAgo.getTime());
      expect(recovered.error).toMatch(/interrupted run/);
    }
    expect((await change(recentId)).status).toBe('planned');
    expect(writeCount()).toBe(writesBefore);

    const settling = await engineFor(world, notifier, { verifyAfterMs: 100, verifyTimeoutMs: 60_000 }).runOnce();
    expect(settling).toMatchObject({ applied: 1, failed: 1, sent: 0 });
    expect(await change(reachedId)).toMatchObject({ status: 'applied' });
    expect((await productRow(world, reached.id)).price).toBe(reachedPrice);
    expect(await change(lostId)).toMatchObject({
      status: 'failed',
      error: `Kaspi did not apply the price (shows ${lost.price})`,
    });
    expect((await productRow(world, lost.id)).price).toBe(lost.price);
    expect(notifier.alerts.map(({ alert }) => [alert.kind, alert.productId])).toEqual([['not-applied', lost.id]]);
    expect((await change(recentId)).status).toBe('planned');
    expect(writeCount()).toBe(writesBefore);
    expect(catalogueOffer(world, lost.sku).price).toBe(lost.price);
  });

  it('a dry-run store gets a dry-run digest and nothing else: no write, no price_change row', async () => {
    const product = takeProduct();
    const price = product.price;
    await arrangeMarket(world, product, price - 100, price + 2_000);
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    await world.database.orm.em.fork().nativeUpdate(StoreSchema, { id: world.storeId }, { demperDryRun: true });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();

    const summary = await engineFor(world, notifier).runOnce();
    expect(summary).toMatchObject({ checked: 1, planned: 1, sent: 0, failed: 0 });
    expect(notifier.digests).toHaveLength(1);
    expect(notifier.digests[0]).toMatchObject({
      storeId: world.storeId,
      dryRun: true,
      lines: [{ productId: product.id, oldPrice: price, newPrice: price - 101 }],
    });
    expect(await changesOf(world, product.id)).toEqual([]);
    await sleep(200); // longer than Kaspi's apply delay: a write, had there been one, would show by now
    expect(writeCount()).toBe(writesBefore);
    expect(catalogueOffer(world, product.sku).price).toBe(price);
  });

  it('panic stop: the seller switches the demper off between decision and send; planned changes fail, nothing is sent', async () => {
    const product = takeProduct();
    const price = product.price;
    await arrangeMarket(world, product, price - 100, price + 2_000);
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    const writesBefore = writeCount();
    const batchRequestsBefore = world.sandbox.stats().requests[BATCH_REQUESTS] ?? 0;
    const notifier = new RecordingNotifier();
    // The re-read of the offer before the write is slow: the seller presses «Остановить» meanwhile.
    world.sandbox.injectFaults({ target: 'cabinet', delayMs: 800, delayedRequests: 1 });

    const running = engineFor(world, notifier).runOnce();
    const em = world.database.orm.em.fork();
    await waitUntil(
      async () => (await em.fork().count(PriceChangeSchema, { product: product.id, status: 'planned' })) === 1,
      'the change is planned',
    );
    await em.nativeUpdate(StoreSchema, { id: world.storeId }, { demperEnabled: false });
    const summary = await running;

    expect(summary).toMatchObject({ checked: 1, planned: 1, sent: 0, failed: 1, errors: [] });
    const changes = await changesOf(world, product.id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ status: 'failed', error: 'stopped by the seller', sentAt: null });
    expect(changes[0]!.settledAt).toBeInstanceOf(Date);
    expect(notifier.digests).toEqual([]);
    await sleep(200);
    expect(writeCount()).toBe(writesBefore);
    expect(world.sandbox.stats().requests[BATCH_REQUESTS] ?? 0).toBe(batchRequestsBefore);
    expect(catalogueOffer(world, product.sku).price).toBe(price);
  });

  it('an expired session is reported for the store, marked on it and told to the seller once; nothing is written', async () => {
    const product = takeProduct();
    const price = product.price;
    await arrangeMarket(world, product, price - 100, price + 2_000);
    await enableDemper(world, product, { minPrice: price - 1_000, step: 1 });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier);
    world.sandbox.expireSessions(MERCHANT);
    try {
      const summary = await engine.runOnce();
      expect(summary).toMatchObject({ stores: 1, checked: 1, sent: 0 });
      expect(summary.errors).toEqual([{ storeId: world.storeId, message: expect.stringMatching(/answered 401/) }]);
      expect((await storeOf(world)).sessionState).toBe('expired');
      expect(notifier.alerts).toEqual([{ storeId: world.storeId, alert: { kind: 'session-expired' } }]);
      const changes = await changesOf(world, product.id);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/^not sent: .*401/) });
      expect(writeCount()).toBe(writesBefore);

      // The store waits for the seller to log in again: the next run leaves it alone and says nothing more.
      await makeDue(world, [product.id]);
      expect(await engine.runOnce()).toMatchObject({ stores: 0, checked: 0, errors: [] });
      expect(notifier.alerts).toHaveLength(1);
    } finally {
      await world.relogin();
    }
    expect((await storeOf(world)).sessionState).toBe('active');
  });

  it('decides each city on its own: Almaty moves, Astana keeps its own price, one batch item carries both', async () => {
    const product = bothCities;
    const [almaty, astana] = ['750000000', '710000000'];
    const before = catalogueOffer(world, product.sku);
    const almatyPrice = before.allCityPrices[almaty]!.price;
    const astanaPrice = before.allCityPrices[astana]!.price;
    expect(before.availabilities.every((point) => point.available === 'yes')).toBe(true);
    // Almaty: a rival 300 ₸ under us. Astana: every rival far above, and a ceiling of its own at today's price.
    const { leader } = await arrangeMarket(world, product, almatyPrice - 300, almatyPrice + 2_000);
    for (const rival of world.sandbox
      .storefront(product.masterSku, astana)
      .filter((offer) => !SANDBOX_MERCHANTS.has(String(offer.merchantId)))) {
      world.sandbox.setRivalPrice(product.masterSku, astana, String(rival.merchantId), astanaPrice + 5_000);
    }
    await enableDemper(world, product, { minPrice: Math.min(almatyPrice, astanaPrice) - 1_000, step: 7 });
    await world.database.orm.em
      .fork()
      .nativeUpdate(ProductSchema, { id: product.id }, { cityOverrides: { [astana]: { maxPrice: astanaPrice } } });
    const writesBefore = writeCount();
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier, { verifyAfterMs: 100 });

    const first = await engine.runOnce();
    expect(first).toMatchObject({ stores: 1, checked: 2, held: 1, planned: 1, sent: 1, errors: [] });
    const changes = await changesOf(world, product.id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      cityId: almaty,
      oldPrice: almatyPrice,
      newPrice: almatyPrice - 307,
      status: 'sent',
    });
    const [write] = world.sandbox.writes(MERCHANT).slice(writesBefore);
    const [item] = write!.body as { cityPrices: { cityId: string; value: number }[] }[];
    expect(item!.cityPrices).toEqual([
      { cityId: astana, value: astanaPrice },
      { cityId: almaty, value: almatyPrice - 307 },
    ]);
    expect(notifier.digests[0]!.lines).toEqual([
      expect.objectContaining({ cityId: almaty, cityName: 'Алматы', rivalName: leader.merchantName }),
    ]);

    await waitUntil(
      () => catalogueOffer(world, product.sku).allCityPrices[almaty]!.price === almatyPrice - 307,
      'Kaspi applies the batch',
    );
    expect(catalogueOffer(world, product.sku).allCityPrices[astana]!.price).toBe(astanaPrice);
    await waitUntil(() => Date.now() - changes[0]!.sentAt!.getTime() > 150, 'verifyAfterMs passes');
    expect(await engine.runOnce()).toMatchObject({ applied: 1, failed: 0 });
    const after = await productRow(world, product.id);
    expect(after.cityPrices).toEqual([
      { cityId: astana, price: astanaPrice },
      { cityId: almaty, price: almatyPrice - 307 },
    ]);
    expect(after.cityStates[astana]).toMatchObject({ lastPlace: 1 });
  });

  // Last in this block: it leaves the store only the reserve of its Kaspi change window.
  it("spends the store's change budget where it is worth most: the rest wait, are told in the digest, and go at a later run", async () => {
    const products = [takeProduct(), takeProduct(), takeProduct(), takeProduct()];
    // The same cut on each; the margin over the floor differs, and so does what each change is worth.
    const margins = [50, 900, 300, 2_000];
    for (const [index, product] of products.entries()) {
      await arrangeMarket(world, product, product.price - 100, product.price + 2_000);
      await enableDemper(world, product, {
        minPrice: product.price - 100 - margins[index]!,
        maxPrice: product.price + 5_000,
        step: 1,
      });
    }
    // Spent elsewhere (the seller's own edits, on/off): 12 changes left, 10 kept for the seller, 2 for this run.
    const left = await world.kaspi.limits.changesLeft(MERCHANT);
    await world.kaspi.limits.takeChanges(MERCHANT, left - 12);
    const notifier = new RecordingNotifier();
    const engine = engineFor(world, notifier);

    const first = await engine.runOnce();
    expect(first).toMatchObject({ checked: 4, planned: 2, sent: 2, deferred: 2, waited: 2, errors: [] });
    const sentIds = (
      await world.database.orm.em
        .fork()
        .find(PriceChangeSchema, { product: { $in: products.map((product) => product.id) }, status: 'sent' })
    ).map((change) => change.product.id);
    // The two widest margins went first.
    expect(sentIds.sort()).toEqual([products[1]!.id, products[3]!.id].sort());
    expect(notifier.digests).toHaveLength(1);
    expect(notifier.digests[0]).toMatchObject({ waited: 2 });
    expect(notifier.digests[0]!.lines.map((line) => line.productId).sort()).toEqual(sentIds.sort());
    // The two that waited were not recorded and are due at the next run.
    for (const product of [products[0]!, products[2]!]) {
      expect(await changesOf(world, product.id)).toEqual([]);
      expect((await productRow(world, product.id)).nextCheckAt!.getTime()).toBeLessThanOrEqual(Date.now());
    }
    // Never more than the budget allows: the reserve stays free for the seller.
    expect(await world.kaspi.limits.changesLeft(MERCHANT)).toBeGreaterThanOrEqual(10);
  });
});

describe('demper engine when Kaspi answers 429', () => {
  let world: World;

  beforeAll(async () => {
    // One write per second per merchant: the engine's second batch of the run is over Kaspi's limit.
    world = await openWorld(
      { seed: 9, productsPerMerchant: 64, limits: { writeRpsPerMerchant: 1 } },
      { KASPI_PRICEFEED_RPS: '20', KASPI_OFFERS_RPS: '12' },
    );
    // One market per product (Almaty): the counts below are products, not products × cities.
    await sellOnlyAtFirstPoint(
      world,
      await world.database.orm.em.fork().find(ProductSchema, { store: world.storeId, onSale: true }),
    );
    await sleep(1_100);
  });
  afterAll(async () => {
    await world?.close();
  });

  it(
    'freezes the merchant: the refused batch fails with a reason, one rate-limited alert, no write reaches Kaspi during the freeze',
    { timeout: 90_000 },
    async () => {
      const products = (
        await world.database.orm.em.fork().find(ProductSchema, { store: world.storeId }, { orderBy: { id: 'ASC' } })
      ).filter((product) => product.masterSku !== SAMPLE_MASTER_SKU && product.price >= 2_000);
      expect(products.length).toBeGreaterThanOrEqual(58);
      for (const product of products) await arrangeMarket(world, product, product.price - 50, product.price + 1_000);
      // 56 changes: a full batch of 50, then 6 more. The rest join only after the freeze.
      const firstWave = products.slice(0, 56);
      const laterWave = products.slice(56);
      for (const product of firstWave) await enableDemper(world, product, { minPrice: 10, step: 1 });
      const notifier = new RecordingNotifier();
      const engine = engineFor(world, notifier, { verifyAfterMs: 100 });
      // The setup's own writes (taking the Astana points off sale) are not the engine's.
      const setupWrites = world.sandbox.writes(MERCHANT).length;
      const setupBatches = world.sandbox.stats().requests[BATCH_REQUESTS] ?? 0;

      const first = await engine.runOnce();
      expect(first).toMatchObject({ stores: 1, checked: 56, planned: 56, sent: 50, failed: 6, errors: [] });
      const changes = await world.database.orm.em.fork().find(PriceChangeSchema, { store: world.storeId });
      expect(changes.filter((change) => change.status === 'sent')).toHaveLength(50);
      const refused = changes.filter((change) => change.status === 'failed');
      expect(refused).toHaveLength(6);
      for (const change of refused) expect(change.error).toMatch(/^not sent: .*429/);
      expect(notifier.alerts).toEqual([
        { storeId: world.storeId, alert: { kind: 'rate-limited', details: { minutes: 30 } } },
      ]);
      expect(notifier.digests).toHaveLength(1);
      expect(notifier.digests[0]!.lines).toHaveLength(50);
      expect(world.sandbox.writes(MERCHANT)).toHaveLength(setupWrites + 1);
      expect(world.sandbox.stats().cabinet429).toBe(1);
      expect(world.sandbox.stats().requests[BATCH_REQUESTS]).toBe(setupBatches + 2);
      await expect(world.kaspi.limits.assertWritesAllowed(MERCHANT)).rejects.toBeInstanceOf(KaspiRateLimitedError);

      // During the freeze every product is due again, the refused ones and products never tried before.
      for (const product of laterWave) await enableDemper(world, product, { minPrice: 10, step: 1 });
      await makeDue(
        world,
        products.map((product) => product.id),
      );
      await sleep(200); // Kaspi applies the accepted batch
      const second = await engine.runOnce();
      expect(second).toMatchObject({ applied: 50, planned: 0, sent: 0, failed: 0, deferred: 6 + laterWave.length });
      expect(second.errors).toEqual([
        {
          storeId: world.storeId,
          message: `writes of merchant ${MERCHANT} are paused (Kaspi 429 on cabinet.pricefeed-batch)`,
        },
      ]);
      expect(world.sandbox.writes(MERCHANT)).toHaveLength(setupWrites + 1);
      expect(world.sandbox.stats().requests[BATCH_REQUESTS]).toBe(setupBatches + 2);
      expect(world.sandbox.stats().cabinet429).toBe(1);
      // The seller was told when the freeze began; repeating it on every tick of the freeze is noise.
      expect(notifier.alerts).toHaveLength(1);
      for (const product of laterWave) {
        expect(await changesOf(world, product.id)).toEqual([]);
        expect((await productRow(world, product.id)).nextCheckAt!.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
      }
    },
  );
});
