import {
  PreorderSchema,
  ProductSchema,
  StoreSchema,
  type Preorder,
  type PreorderPoint,
  type Product,
} from '../db/entities/index.js';
import { MAX_PREORDER_DAYS, prefixStoreId } from '../kaspi/offer-writes.js';
import type { PreorderContext, PreorderWithProduct } from './records.js';

export interface PreorderOnKaspi {
  product: Product;
  /** Every point of the offer as the last sync read it: days (0 = in stock), on sale there, stock if given. */
  points: { storeId: string; days: number; available: boolean; stock: number | null }[];
}

export type PlanResult =
  { ok: true; preorder: Preorder } | { ok: false; key: string; variables?: Record<string, string | number> };

/** What Kaspi shows as preorder (from the last sync) and what the seller planned but Kaspi does not show yet. */
export async function listPreorders(
  context: PreorderContext,
  storeId: number,
): Promise<{ onKaspi: PreorderOnKaspi[]; planned: PreorderWithProduct[] }> {
  const em = context.orm.em.fork();
  const products = await em.find(
    ProductSchema,
    { store: storeId, removedAt: null },
    { orderBy: { title: 'ASC', id: 'ASC' } },
  );
  const onKaspi = products
    .filter((product) => product.availabilities.some((point) => (point.preOrder ?? 0) > 0))
    .map((product) => ({
      product,
      points: product.availabilities.map((point) => ({
        storeId: point.storeId,
        days: point.preOrder ?? 0,
        available: point.available === 'yes',
        stock: typeof point.stockCount === 'number' && point.stockSpecified !== false ? point.stockCount : null,
      })),
    }));
  const planned = (await em.find(
    PreorderSchema,
    { store: storeId, status: { $ne: 'confirmed' } },
    { populate: ['product'], orderBy: { id: 'ASC' } },
  )) as PreorderWithProduct[];
  return { onKaspi, planned };
}

/**
 * Plans days per point for a product (replacing an earlier plan). Days 0 takes a point off preorder; points
 * not named keep what Kaspi has. Every point must be one of the offer's points.
 */
export async function plan(
  context: PreorderContext,
  storeId: number,
  productId: number,
  points: PreorderPoint[],
): Promise<PlanResult> {
  const em = context.orm.em.fork();
  const store = await em.findOneOrFail(StoreSchema, storeId);
  const product = await em.findOne(ProductSchema, { id: productId, store, removedAt: null });
  if (!product) return { ok: false, key: 'preorder-unknown-product' };
  if (points.length === 0) return { ok: false, key: 'preorder-no-points' };
  const known = new Set(product.availabilities.map((point) => prefixStoreId(store.merchantUid, point.storeId)));
  const normalized: PreorderPoint[] = [];
  for (const point of points) {
    const storeIdOfPoint = prefixStoreId(store.merchantUid, point.storeId);
    if (!known.has(storeIdOfPoint))
      return { ok: false, key: 'preorder-unknown-point', variables: { point: point.storeId } };
    if (!Number.isInteger(point.days) || point.days < 0 || point.days > MAX_PREORDER_DAYS)
      return { ok: false, key: 'preorder-bad-days', variables: { days: String(point.days) } };
    normalized.push({ storeId: storeIdOfPoint, days: point.days });
  }
  let preorder = await em.findOne(PreorderSchema, { product });
  if (!preorder) preorder = em.create(PreorderSchema, { store, product, points: normalized, status: 'planned' });
  else
    Object.assign(preorder, {
      points: normalized,
      status: 'planned',
      error: null,
      kaspiFileId: null,
      uploadMethod: null,
    });
  await em.flush();
  return { ok: true, preorder };
}

/** Takes a product off preorder at every point it has (days 0), as a plan to upload. */
export async function planRemoval(context: PreorderContext, storeId: number, productId: number): Promise<PlanResult> {
  const product = await context.orm.em.fork().findOne(ProductSchema, { id: productId, store: storeId });
  if (!product) return { ok: false, key: 'preorder-unknown-product' };
  return plan(
    context,
    storeId,
    productId,
    product.availabilities.map((point) => ({ storeId: point.storeId, days: 0 })),
  );
}

/** Drops a plan that has not gone out (planned or failed); false when there was none such. */
export async function cancelPlan(context: PreorderContext, storeId: number, preorderId: number): Promise<boolean> {
  return (
    (await context.orm.em
      .fork()
      .nativeDelete(PreorderSchema, { id: preorderId, store: storeId, status: { $in: ['planned', 'failed'] } })) > 0
  );
}
