import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CatalogSync } from '../../src/catalog/sync.js';
import { ProductSchema, SellerSchema, StoreSchema, type Product } from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { KaspiSchemaError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { currentPrice } from '../../src/kaspi/offer-writes.js';
import { cabinetOffer } from '../../src/kaspi/schemas.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { renderMetrics } from '../../src/metrics.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { startInterposer, type Interposer } from '../faults/interposer.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { metricSum } from '../helpers/metrics.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * The catalogue sync against the Kaspi sandbox (which leaves optional fields out of its items, seeded), with an
 * interposer in front of the cabinet for the answers the sandbox does not give on its own: one odd item, a field
 * gone from every item, a page short of Kaspi's total.
 */
const MERCHANT = '30067228';
const LIST = new RegExp(`^/bff/offer-view/list\\?m=${MERCHANT}&p=\\d+&l=100&a=`);
const ON_SALE_PAGE_0 = new RegExp(`^/bff/offer-view/list\\?m=${MERCHANT}&p=0&l=100&a=true$`);

let sandbox: KaspiSandbox;
let interposer: Interposer;
let kaspi: Kaspi;
let loginKaspi: Kaspi;
let database: Database;
let dropDatabase: () => Promise<void>;
let catalog: CatalogSync;
let sessions: KaspiSessionManager;
let storeId: number;
const logs = captureLogger('info');

type Page = { data: Record<string, unknown>[]; total: number };
const rewriteItems = (
  json: unknown,
  change: (item: Record<string, unknown>, index: number) => Record<string, unknown> | undefined,
) => {
  const page = json as Page;
  return { ...page, data: page.data.map(change).filter((item) => item !== undefined) };
};

async function products(): Promise<Map<string, Product>> {
  const list = await database.orm.em.fork().find(ProductSchema, { store: storeId });
  return new Map(list.map((product) => [product.sku, product]));
}

async function schemaErrors(): Promise<number> {
  return metricSum((await renderMetrics()).body, 'kaspi_bot_kaspi_schema_errors_total', {
    endpoint: 'cabinet.offer-list',
  });
}

/** A product Kaspi does not list: only a complete read may mark it removed. */
async function addGhost(sku: string): Promise<void> {
  const em = database.orm.em.fork();
  em.create(ProductSchema, {
    store: storeId,
    sku,
    masterSku: '100000001',
    title: 'Снят с Kaspi',
    brand: null,
    price: 1_000,
    onSale: true,
    shopLink: null,
    demperEnabled: true,
  });
  await em.flush();
}

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 31,
    timeScale: 200,
    rivalTickMs: 0,
    productsPerMerchant: 130,
    logger: captureLogger('silent').logger,
  });
  interposer = await startInterposer(sandbox.mcUrl);
  kaspi = kaspiFor({ ...sandbox, mcUrl: interposer.url }, logs.logger);
  // Logins go to the sandbox directly: its OAuth hand-off only redirects to its own cabinet address.
  loginKaspi = kaspiFor(sandbox, logs.logger);
  const testDb = await createTestDatabase();
  dropDatabase = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger: logs.logger });
  await migrate(database);
  sessions = new KaspiSessionManager(database.orm, new SecretBox(randomBytes(32)), loginKaspi.cabinet, logs.logger);
  catalog = new CatalogSync(database.orm, sessions, kaspi.cabinet, logs.logger);
  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: 4242, chatId: 4242 });
  await em.flush();
  const pending = await loginKaspi.smsLogin.start('+7 701 000 00 01');
  const loggedIn = await loginKaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
  storeId = (
    await sessions.connectStore({
      sellerId: seller.id,
      merchantUid: MERCHANT,
      cookies: loggedIn.cookies,
      loginMethod: 'sms',
      identity: pending.phone,
    })
  ).id;
}, 60_000);
afterEach(() => interposer.clear());
afterAll(async () => {
  await kaspi?.close();
  await loginKaspi?.close();
  await interposer?.close();
  await sandbox?.close();
  await database?.close();
  await dropDatabase?.();
});

describe('catalogue sync, forgiving reads', () => {
  it('reads items that leave optional fields out (price only as minPrice or the cities’ prices) as Kaspi shows them', async () => {
    const summary = await catalog.sync(storeId);
    const catalogue = sandbox.catalogue(MERCHANT);
    expect(summary).toMatchObject({ added: catalogue.length, removed: 0, skipped: 0, unpriced: 0, formatChanges: [] });
    expect(summary.incomplete).toBeUndefined();
    const synced = await products();
    for (const offer of catalogue) {
      const product = synced.get(offer.sku)!;
      expect(product.price, offer.sku).toBe(offer.price);
      expect(product.masterSku).toBe(offer.masterSku);
      expect(product.title).toBe(offer.model);
    }
    // The same items read the same way again: nothing flips between syncs.
    expect(await catalog.sync(storeId)).toMatchObject({
      added: 0,
      changed: 0,
      removed: 0,
      unchanged: catalogue.length,
    });
  });

  it('the sandbox really does leave fields out: some items come without price, minPrice, brand or preOrder', async () => {
    const seen = { price: 0, minPrice: 0, brand: 0, preOrder: 0 };
    interposer.add({
      method: 'GET',
      path: LIST,
      action: 'rewrite-after',
      times: 10,
      rewrite: (json) => {
        for (const item of (json as Page).data) {
          if (!(typeof item.price === 'number' && item.price > 0)) seen.price++;
          if (item.minPrice === undefined || item.minPrice === null) seen.minPrice++;
          if (!('brand' in item)) seen.brand++;
          if ((item.availabilities as Record<string, unknown>[]).some((point) => !('preOrder' in point)))
            seen.preOrder++;
          expect(currentPrice(cabinetOffer.parse(item))).toBeGreaterThan(0);
        }
        return json;
      },
    });
    await catalog.sync(storeId);
    expect(
      Object.values(seen).every((count) => count > 0),
      JSON.stringify(seen),
    ).toBe(true);
  });

  it('skips one odd item (no masterSku) and leaves its product as it was; the rest is updated', async () => {
    const before = await products();
    let odd: string | undefined;
    interposer.add({
      method: 'GET',
      path: ON_SALE_PAGE_0,
      action: 'rewrite-after',
      rewrite: (json) =>
        rewriteItems(json, (item, index) => {
          if (index !== 3) return item;
          odd = String(item.sku);
          const { masterSku: _gone, ...rest } = item;
          return { ...rest, price: 11 };
        }),
    });
    const errorsBefore = await schemaErrors();
    const summary = await catalog.sync(storeId);
    expect(summary).toMatchObject({ skipped: 1, removed: 0, formatChanges: [] });
    expect(summary.incomplete).toBeUndefined();
    const after = await products();
    expect(after.get(odd!)!.price).toBe(before.get(odd!)!.price);
    expect(after.get(odd!)!.removedAt).toBeNull();
    expect(await schemaErrors()).toBe(errorsBefore); // one odd item is not a format change
    const gap = logs
      .lines()
      .filter((line) => line.msg === 'catalog synced with gaps')
      .at(-1)!;
    expect(gap.unreadable).toEqual([{ sku: odd, field: 'data.3.masterSku', message: expect.any(String) }]);
  });

  it('keeps the last known price of an item Kaspi sends with no price at all, and says so', async () => {
    const before = await products();
    let bare: string | undefined;
    interposer.add({
      method: 'GET',
      path: ON_SALE_PAGE_0,
      action: 'rewrite-after',
      rewrite: (json) =>
        rewriteItems(json, (item, index) => {
          if (index !== 5) return item;
          bare = String(item.sku);
          const { price: _p, minPrice: _m, allCityPrices: _c, ...rest } = item;
          return rest;
        }),
    });
    const summary = await catalog.sync(storeId);
    expect(summary).toMatchObject({ unpriced: 1, skipped: 0, removed: 0 });
    const product = (await products()).get(bare!)!;
    expect(product.price).toBe(before.get(bare!)!.price);
    expect(product.price).toBeGreaterThan(0);
    expect(product.cityPrices).toEqual(before.get(bare!)!.cityPrices);
  });

  it('a needed field gone from every item: the sync finishes, names the field once per store, marks nothing removed', async () => {
    await addGhost('ghost-format');
    const rule = () =>
      interposer.add({
        method: 'GET',
        path: LIST,
        action: 'rewrite-after',
        times: 1_000,
        rewrite: (json) => rewriteItems(json, ({ masterSku: _gone, ...rest }) => rest),
      });
    const errorsBefore = await schemaErrors();
    const warningsBefore = logs
      .lines()
      .filter((line) => String(line.msg).startsWith('Kaspi changed the offer list')).length;
    rule();
    const first = await catalog.sync(storeId);
    const listed = sandbox.catalogue(MERCHANT).length;
    expect(first.formatChanges).toEqual([{ field: 'data.*.masterSku', missing: listed, of: listed }]);
    expect(first).toMatchObject({ total: 0, skipped: listed, removed: 0 });
    interposer.clear();
    rule();
    const second = await catalog.sync(storeId);
    expect(second.formatChanges).toEqual(first.formatChanges); // the seller is told with each sync's result…
    const warnings = logs
      .lines()
      .filter((line) => String(line.msg).startsWith('Kaspi changed the offer list'))
      .slice(warningsBefore);
    expect(warnings).toHaveLength(1); // …the operator once: one line with the path, one count, not one per item
    expect(warnings[0]!.msg).toContain('data.*.masterSku');
    expect(await schemaErrors()).toBe(errorsBefore + 1);
    const ghost = (await products()).get('ghost-format')!;
    expect(ghost.removedAt).toBeNull(); // 130 unreadable items are listed offers, not removed ones
    interposer.clear();
    const back = await catalog.sync(storeId); // Kaspi is back: the episode ends, and a complete read removes
    expect(back).toMatchObject({ formatChanges: [], removed: 1 });
    expect((await products()).get('ghost-format')!.removedAt).not.toBeNull();
  });

  it('a page short of Kaspi’s total is read again; still short, the sync updates what it read and removes nothing', async () => {
    await addGhost('ghost-short');
    const before = await products();
    const pageReads = () => interposer.applied()['rewrite-after'];
    let dropped: string | undefined;
    interposer.add({
      method: 'GET',
      path: ON_SALE_PAGE_0,
      action: 'rewrite-after',
      times: 1_000,
      rewrite: (json) =>
        rewriteItems(json, (item, index) => {
          if (index === 0) return void (dropped = String(item.sku));
          return item;
        }),
    });
    const start = pageReads();
    const summary = await catalog.sync(storeId);
    expect(pageReads() - start).toBe(2); // the short page once more
    const listed = sandbox.catalogue(MERCHANT).length;
    expect(summary.incomplete).toEqual({ reason: 'short', read: listed - 1, total: listed });
    expect(summary.removed).toBe(0);
    const after = await products();
    expect(after.get('ghost-short')!.removedAt).toBeNull();
    expect(after.get(dropped!)!.removedAt).toBeNull();
    expect(after.get(dropped!)!.price).toBe(before.get(dropped!)!.price);
  });

  it('a page that comes back whole on the second read completes the sync, and only then are offers removed', async () => {
    await addGhost('ghost-reread');
    interposer.add({
      method: 'GET',
      path: ON_SALE_PAGE_0,
      action: 'rewrite-after',
      times: 1,
      rewrite: (json) => rewriteItems(json, (item, index) => (index === 0 ? undefined : item)),
    });
    const summary = await catalog.sync(storeId);
    expect(summary.incomplete).toBeUndefined();
    const after = await products();
    for (const ghost of ['ghost-short', 'ghost-reread']) expect(after.get(ghost)!.removedAt, ghost).not.toBeNull();
    expect(after.get('ghost-reread')!.demperEnabled).toBe(false);
    expect(summary.removed).toBe(2);
  });

  it('without Kaspi’s total the read cannot be verified: updated, nothing removed, told why', async () => {
    await addGhost('ghost-total');
    interposer.add({
      method: 'GET',
      path: LIST,
      action: 'rewrite-after',
      times: 1_000,
      rewrite: (json) => ({ data: (json as Page).data }),
    });
    const summary = await catalog.sync(storeId);
    expect(summary.incomplete).toMatchObject({ reason: 'no-total', total: undefined });
    expect(summary.total).toBe(sandbox.catalogue(MERCHANT).length);
    expect((await products()).get('ghost-total')!.removedAt).toBeNull();
  });

  it('an item without even a SKU: nobody can tell which product it is, so nothing is removed', async () => {
    interposer.add({
      method: 'GET',
      path: ON_SALE_PAGE_0,
      action: 'rewrite-after',
      times: 2,
      rewrite: (json) => rewriteItems(json, (item, index) => (index === 2 ? { ...item, sku: null } : item)),
    });
    const summary = await catalog.sync(storeId);
    expect(summary.incomplete).toMatchObject({ reason: 'unidentified', unidentified: 1 });
    expect(summary).toMatchObject({ skipped: 1, removed: 0 });
    expect((await products()).get('ghost-total')!.removedAt).toBeNull();
  });
});

describe('store points, forgiving reads', () => {
  it('a point without its city is left out (never given a made-up city); the other points are kept', async () => {
    interposer.add({
      method: 'POST',
      path: /^\/mc\/facade\/graphql/,
      action: 'rewrite-after',
      rewrite: (json) => {
        const answer = json as { data: { merchant: { name?: string; points: Record<string, unknown>[] } } };
        delete answer.data.merchant.name;
        delete answer.data.merchant.points[1]!.city;
        return answer;
      },
    });
    const merchant = await sessions.withSession(storeId, ({ jar }) => kaspi.cabinet.getMerchant(jar, MERCHANT));
    const stored = (await database.orm.em.fork().findOneOrFail(StoreSchema, storeId)).points;
    expect(stored).toHaveLength(2);
    expect(merchant.name).toBe(MERCHANT);
    expect(merchant.points).toEqual([stored[0]]);
    const warning = logs
      .lines()
      .find((line) => line.msg === 'getMerchant: some pickup points could not be read and were left out')!;
    expect(warning.withoutCity).toEqual([stored[1]!.storeId]);
  });
});

describe('one offer read before a write, forgiving reads', () => {
  it('finds the offer when another item of the search is odd; refuses, naming the field, when that offer is unreadable', async () => {
    const target = sandbox
      .catalogue(MERCHANT)
      .find((offer) => offer.availabilities.some((point) => point.available === 'yes'))!;
    const search = new RegExp(`^/bff/offer-view/list\\?m=${MERCHANT}&p=0&l=100&a=true&t=`);
    interposer.add({
      method: 'GET',
      path: search,
      action: 'rewrite-after',
      rewrite: (json) => ({ ...(json as Page), data: [{ price: 5 }, ...(json as Page).data] }),
    });
    const rewritten = interposer.applied()['rewrite-after'];
    const found = await sessions.withSession(storeId, ({ jar, merchantUid }) =>
      kaspi.cabinet.findOffer(jar, merchantUid, target.sku),
    );
    expect(found?.sku).toBe(target.sku);
    expect(interposer.applied()['rewrite-after']).toBe(rewritten + 1);
    interposer.add({
      method: 'GET',
      path: search,
      action: 'rewrite-after',
      rewrite: (json) => rewriteItems(json, (item) => ({ ...item, availabilities: [{ storeId: 7 }] })),
    });
    await expect(
      sessions.withSession(storeId, ({ jar, merchantUid }) => kaspi.cabinet.findOffer(jar, merchantUid, target.sku)),
    ).rejects.toSatisfy(
      (error: unknown) => error instanceof KaspiSchemaError && error.field === 'data.0.availabilities.0.storeId',
    );
  });
});
