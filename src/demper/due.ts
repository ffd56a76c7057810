import { QueryOrder, raw, type EntityManager } from '@mikro-orm/postgresql';

import { ProductSchema, StoreSchema, type Product } from '../db/entities/index.js';

/** Checks come this much sooner for products whose rivals moved within the last hour. */
const CONTESTED_INTERVAL_SECONDS = 180;
const CONTESTED_WINDOW_MS = 60 * 60_000;

/** The due index's key: a product never checked sorts before any date. */
const DUE_KEY = `coalesce(p.next_check_at, '-infinity'::timestamptz)`;

/**
 * Products the demper should look at now: demper on for the store and the product, a floor set, a live
 * session, still listed by Kaspi, and due (never checked, or their next check has come). Oldest-due first,
 * at most `limit`, so enabling thousands of products spreads their first checks over several ticks.
 *
 * Written against `product_due_index` (its key, its partial condition): PostgreSQL walks the index in due
 * order and stops after `limit` rows, instead of reading and sorting every product — at 100,000 products a
 * millisecond instead of a tick's worth of CPU. The live stores are read first, on their own: joined in the
 * same statement, the planner underestimates how many products they keep and sorts the whole table instead.
 * Their entities are the ones the products point to (one identity map), so nothing else is loaded.
 */
export async function findDueProducts(
  em: EntityManager,
  now: Date,
  limit: number,
  storeId?: number,
): Promise<Product[]> {
  const stores = await em.find(StoreSchema, {
    demperEnabled: true,
    sessionState: 'active',
    ...(storeId ? { id: storeId } : {}),
  });
  if (stores.length === 0) return [];
  return em
    .createQueryBuilder(ProductSchema, 'p')
    .select('p.*')
    .where({ demperEnabled: true, minPrice: { $ne: null }, removedAt: null, store: { $in: stores.map((s) => s.id) } })
    .andWhere(`${DUE_KEY} <= ?`, [now])
    .orderBy({ [raw(DUE_KEY)]: QueryOrder.ASC, id: QueryOrder.ASC })
    .limit(limit)
    .getResultList();
}

export function nextCheckAfter(product: Product, now: Date): Date {
  const contested =
    product.rivalMovedAt !== null &&
    product.rivalMovedAt !== undefined &&
    now.getTime() - product.rivalMovedAt.getTime() < CONTESTED_WINDOW_MS;
  const seconds = contested
    ? Math.min(product.checkIntervalSeconds, CONTESTED_INTERVAL_SECONDS)
    : product.checkIntervalSeconds;
  return new Date(now.getTime() + seconds * 1000);
}

/** Spreads first checks of newly enabled products over one interval instead of one burst. */
export function staggeredFirstCheck(productId: number, intervalSeconds: number, now: Date): Date {
  const offset = ((productId * 2_654_435_761) >>> 0) % Math.max(1, intervalSeconds);
  return new Date(now.getTime() + offset * 1000);
}
