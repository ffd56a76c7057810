import { PreorderSchema, type Preorder, type Product } from '../db/entities/index.js';
import { PREORDER_FAILURE } from './failures.js';
import { kaspiShows, markFailed, type PreorderContext, type PreorderWithProduct } from './records.js';

/** Reads uploaded preorders back: confirmed when Kaspi shows the days at every planned point. */
export async function verifyPreorders(
  context: PreorderContext,
  storeId: number,
  timeoutMs: number,
): Promise<{ confirmed: Preorder[]; notShown: Preorder[] }> {
  const em = context.orm.em.fork();
  const uploaded = (await em.find(
    PreorderSchema,
    { store: storeId, status: 'uploaded' },
    { populate: ['product'] },
  )) as PreorderWithProduct[];
  const confirmed: Preorder[] = [];
  const notShown: Preorder[] = [];
  if (uploaded.length === 0) return { confirmed, notShown };
  await context.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
    for (const preorder of uploaded) {
      const fresh = await context.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
      if (fresh && kaspiShows(fresh, merchantUid, preorder.points)) {
        preorder.status = 'confirmed';
        preorder.product.availabilities = fresh.availabilities as Product['availabilities'];
        confirmed.push(preorder);
      } else if (Date.now() - preorder.updatedAt.getTime() > timeoutMs) {
        markFailed(preorder, PREORDER_FAILURE.notShown);
        notShown.push(preorder);
      }
    }
  });
  await em.flush();
  return { confirmed, notShown };
}
