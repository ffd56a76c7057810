import type { EntityManager } from '@mikro-orm/postgresql';

import { ProductSchema, type Product } from '../db/entities/index.js';

/** Checks come this much sooner for products whose rivals moved within the last hour. */
const CONTESTED_INTERVAL_SECONDS = 180;
const CONTESTED_WINDOW_MS = 60 * 60_000;

/**
 * Products the demper should look at now: demper on for the store and the product, a floor set, a live
 * session, still listed by Kaspi, and due (never checked, or their next check has come). Oldest-due first,
 * at most `limit`, so enabling thousands of products spreads their first checks over several ticks.
 */
export async function findDueProducts(
  em: EntityManager,
  now: Date,
  limit: number,
  storeId?: number,
): Promise<Product[]> {
  return em.find(
    ProductSchema,
    {
      demperEnabled: true,
      minPrice: { $ne: null },
      removedAt: null,
      $or: [{ nextCheckAt: null }, { nextCheckAt: { $lte: now } }],
      store: { demperEnabled: true, sessionState: 'active', ...(storeId ? { id: storeId } : {}) },
    },
    { populate: ['store'], orderBy: { nextCheckAt: 'ASC NULLS FIRST', id: 'ASC' }, limit },
  );
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
