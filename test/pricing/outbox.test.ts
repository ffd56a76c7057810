import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PriceChangeSchema, ProductSchema, SellerSchema, StoreSchema } from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { INTERRUPTED_NOTE, PriceOutbox, type PlannedPrice } from '../../src/pricing/outbox.js';
import { ProductWriteLock } from '../../src/pricing/write-lock.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * The outbox's transitions on the real PostgreSQL: each is conditional on the status it expects, so of two
 * callers racing for one change exactly one moves it, and a settled change never moves again.
 */

const { logger } = captureLogger('silent');
const ALMATY = '750000000';

let database: Database;
let dropDatabase: () => Promise<void>;
let outbox: PriceOutbox;
let lock: ProductWriteLock;
let storeId: number;
let productIds: number[];

const row = (id: number) => database.orm.em.fork().findOneOrFail(PriceChangeSchema, id);
const planned = (productId: number, newPrice: number, extra: Partial<PlannedPrice> = {}): PlannedPrice => ({
  storeId,
  productId,
  cityId: ALMATY,
  oldPrice: 1_000,
  newPrice,
  source: 'manual',
  reasonCode: 'manual',
  reasonText: 'test',
  ...extra,
});
async function recordOne(productId: number, newPrice: number, extra: Partial<PlannedPrice> = {}) {
  const [change] = (await outbox.recordPlanned([planned(productId, newPrice, extra)]))!;
  return change!;
}

beforeAll(async () => {
  const testDb = await createTestDatabase();
  dropDatabase = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  await migrate(database);
  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: 7_700_901, chatId: 7_700_901 });
  const store = em.create(StoreSchema, { seller, merchantUid: '30067228', name: 'Store', loginMethod: 'sms' });
  const products = [1, 2, 3].map((n) =>
    em.create(ProductSchema, {
      store,
      sku: `sku-${n}`,
      masterSku: `master-${n}`,
      title: `Product ${n}`,
      price: 1_000,
      onSale: true,
    }),
  );
  await em.flush();
  storeId = store.id;
  productIds = products.map((product) => product.id);
  outbox = new PriceOutbox(database.orm);
  lock = new ProductWriteLock(database.orm);
});
afterAll(async () => {
  await database?.close();
  await dropDatabase?.();
});
beforeEach(async () => {
  await database.orm.em.fork().getConnection().execute('delete from price_change');
});

describe('PriceOutbox transitions', () => {
  it('records every city of a product in one statement, as planned, with a fresh key each', async () => {
    const changes = (await outbox.recordPlanned([
      planned(productIds[0]!, 900),
      planned(productIds[0]!, 950, { cityId: '710000000' }),
    ]))!;
    expect(changes.map((change) => [change.cityId, change.newPrice, change.status])).toEqual([
      [ALMATY, 900, 'planned'],
      ['710000000', 950, 'planned'],
    ]);
    expect(new Set(changes.map((change) => change.idempotencyKey)).size).toBe(2);
    expect(changes[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('records nothing when another writer already holds one of the keys', async () => {
    await recordOne(productIds[0]!, 900, { idempotencyKey: 'demper:1:almaty:after:0' });
    const second = await outbox.recordPlanned([
      planned(productIds[0]!, 950, { cityId: '710000000', idempotencyKey: 'demper:1:astana:after:0' }),
      planned(productIds[0]!, 900, { idempotencyKey: 'demper:1:almaty:after:0' }),
    ]);
    expect(second).toBeUndefined();
    expect(await database.orm.em.fork().count(PriceChangeSchema, {})).toBe(1);
  });

  it('marks sent once: planned → sent moves only rows still planned', async () => {
    const change = await recordOne(productIds[0]!, 900);
    expect(await outbox.markSent([change.id], 'outcome unknown')).toEqual([change.id]);
    expect(await outbox.markSent([change.id])).toEqual([]);
    expect(await row(change.id)).toMatchObject({ status: 'sent', error: 'outcome unknown', settledAt: null });
    expect((await row(change.id)).sentAt).toBeInstanceOf(Date);
  });

  it('a second settle of the same change returns false and changes nothing', async () => {
    const change = await recordOne(productIds[0]!, 900);
    await outbox.markSent([change.id]);
    expect(await outbox.settle(change.id, 'applied')).toBe(true);
    const settledAt = (await row(change.id)).settledAt;
    expect(await outbox.settle(change.id, 'failed', 'Kaspi did not apply the price')).toBe(false);
    expect(await outbox.settle(change.id, 'applied')).toBe(false);
    expect(await row(change.id)).toMatchObject({ status: 'applied', error: null, settledAt });
  });

  it('of many callers settling one change at once exactly one wins', async () => {
    const change = await recordOne(productIds[0]!, 900);
    await outbox.markSent([change.id]);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => outbox.settle(change.id, index % 2 ? 'applied' : 'failed', 'x')),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('settles a planned change only when asked to (the recover path); never a failed or applied one', async () => {
    const change = await recordOne(productIds[0]!, 900);
    expect(await outbox.settle(change.id, 'applied')).toBe(false);
    expect((await row(change.id)).status).toBe('planned');
    expect(await outbox.settle(change.id, 'applied', undefined, ['planned', 'sent'])).toBe(true);
    const failed = await recordOne(productIds[1]!, 900);
    expect(await outbox.failUnsent([failed.id], 'budget spent')).toEqual([failed.id]);
    expect(await outbox.markSent([failed.id])).toEqual([]);
    expect(await outbox.settle(failed.id, 'applied', undefined, ['planned', 'sent'])).toBe(false);
    expect(await row(failed.id)).toMatchObject({ status: 'failed', error: 'budget spent' });
  });

  it('supersedes earlier sent changes by a fresh read: shown → applied, else failed as superseded', async () => {
    const shown = await recordOne(productIds[0]!, 900);
    const hidden = await recordOne(productIds[0]!, 950, { cityId: '710000000' });
    const stillPlanned = await recordOne(productIds[0]!, 960);
    await outbox.markSent([shown.id, hidden.id]);
    const live = new Map([
      [ALMATY, 900],
      ['710000000', 1_000],
    ]);
    const settled = await outbox.supersedeEarlier(productIds[0]!, (change) => live.get(change.cityId!));
    expect(settled.applied.map((change) => change.id)).toEqual([shown.id]);
    expect(settled.failed.map((change) => change.id)).toEqual([hidden.id]);
    expect(await row(hidden.id)).toMatchObject({
      status: 'failed',
      error: 'superseded by a later change while Kaspi showed 1000',
    });
    expect((await row(stillPlanned.id)).status).toBe('planned');
    // A second fresh read finds nothing left to settle.
    expect(await outbox.supersedeEarlier(productIds[0]!, () => 900)).toEqual({ applied: [], failed: [] });
  });

  it('recovers an interrupted writer’s old planned change as sent, unless its product is locked or it is recent', async () => {
    const old = new Date(Date.now() - 6 * 60_000);
    const orphan = await recordOne(productIds[0]!, 900, { createdAt: old });
    const inFlight = await recordOne(productIds[1]!, 900, { createdAt: old });
    const recent = await recordOne(productIds[2]!, 900);
    const sending = await new ProductWriteLock(database.orm).acquire([productIds[1]!], 0);
    try {
      expect(await outbox.recoverInterrupted(lock, storeId)).toBe(1);
    } finally {
      await sending.release();
    }
    const recovered = await row(orphan.id);
    expect(recovered).toMatchObject({ status: 'sent', error: INTERRUPTED_NOTE });
    expect(recovered.sentAt!.getTime()).toBe(old.getTime());
    expect((await row(inFlight.id)).status).toBe('planned');
    expect((await row(recent.id)).status).toBe('planned');
    expect(await outbox.recoverInterrupted(lock, storeId)).toBe(1); // the writer let go of it
  });

  it('cancels the demper’s unsent changes of the store, except those a sending demper holds', async () => {
    const idle = await recordOne(productIds[0]!, 900, { source: 'demper' });
    const held = await recordOne(productIds[1]!, 900, { source: 'demper' });
    const manual = await recordOne(productIds[2]!, 900);
    const sent = await recordOne(productIds[0]!, 905, { source: 'demper' });
    await outbox.markSent([sent.id]);
    const sending = await new ProductWriteLock(database.orm).acquire([productIds[1]!], 0);
    try {
      expect(await outbox.cancelPlanned(lock, storeId, 'stopped by the seller')).toBe(1);
    } finally {
      await sending.release();
    }
    expect(await row(idle.id)).toMatchObject({ status: 'failed', error: 'stopped by the seller' });
    expect((await row(held.id)).status).toBe('planned');
    expect((await row(manual.id)).status).toBe('planned');
    expect((await row(sent.id)).status).toBe('sent');
  });

  it('names the products with unsettled changes', async () => {
    const open = await recordOne(productIds[0]!, 900);
    const done = await recordOne(productIds[1]!, 900);
    await outbox.failUnsent([done.id], 'x');
    expect(await outbox.unsettledProducts(productIds)).toEqual(new Set([productIds[0]]));
    await outbox.markSent([open.id]);
    expect(await outbox.unsettledProducts(productIds)).toEqual(new Set([productIds[0]]));
  });
});
