import type { Product } from '../db/entities/index.js';
import { MAX_BATCH_ITEMS } from '../kaspi/cabinet-client.js';
import { buildPricefeedItem, OfferWriteError, type PricefeedItem } from '../kaspi/offer-writes.js';
import { PREORDER_FAILURE } from './failures.js';
import {
  kaspiShows,
  markFailed,
  uploadablePreorders,
  type PreorderContext,
  type PreorderWithProduct,
  type UploadOutcome,
} from './records.js';

/**
 * The fast path: one price-feed batch per 50 offers, each re-read first and echoed exactly as Kaspi has it
 * (price, availability, stock untouched), only `preOrder` of the planned points changed.
 */
export async function uploadViaPricefeed(
  context: PreorderContext,
  storeId: number,
  preorderIds?: number[],
): Promise<UploadOutcome[]> {
  const em = context.orm.em.fork();
  const preorders = await uploadablePreorders(em, storeId, preorderIds);
  const outcomes: UploadOutcome[] = [];
  await context.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
    const ready: { preorder: PreorderWithProduct; item: PricefeedItem }[] = [];
    for (const preorder of preorders) {
      const outcome = (result: UploadOutcome['result'], why?: string) =>
        outcomes.push({
          preorderId: preorder.id,
          productId: preorder.product.id,
          title: preorder.product.title,
          result,
          why,
        });
      const fresh = await context.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
      if (!fresh) {
        markFailed(preorder, PREORDER_FAILURE.notFound);
        outcome('not-found');
        continue;
      }
      if (kaspiShows(fresh, merchantUid, preorder.points)) {
        preorder.status = 'confirmed';
        preorder.product.availabilities = fresh.availabilities as Product['availabilities'];
        outcome('unchanged');
        continue;
      }
      try {
        const days = Object.fromEntries(preorder.points.map((point) => [point.storeId, point.days]));
        ready.push({ preorder, item: buildPricefeedItem(merchantUid, fresh, { preOrderDays: days }, store.points) });
      } catch (error) {
        if (!(error instanceof OfferWriteError)) throw error;
        markFailed(preorder, error.message);
        outcome('refused', error.message);
      }
    }
    for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
      const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
      for (const entry of chunk) entry.preorder.status = 'uploading';
      await em.flush(); // the attempt is on record before Kaspi hears of it
      const written = await context.cabinet
        .writeBatch(
          jar,
          merchantUid,
          chunk.map((entry) => entry.item),
        )
        .catch(async (error: unknown) => {
          for (const entry of ready.slice(start))
            markFailed(
              entry.preorder,
              `${PREORDER_FAILURE.notSent} ${error instanceof Error ? error.message : String(error)}`,
            );
          await em.flush();
          throw error;
        });
      const sentSkus = new Set(written.sent.map((item) => item.sku));
      for (const entry of chunk) {
        const sent = sentSkus.has(entry.item.sku);
        if (sent) Object.assign(entry.preorder, { status: 'uploaded', uploadMethod: 'pricefeed', error: null });
        else Object.assign(entry.preorder, { status: 'planned', error: 'the 30-minute change budget is spent' });
        outcomes.push({
          preorderId: entry.preorder.id,
          productId: entry.preorder.product.id,
          title: entry.preorder.product.title,
          result: sent ? 'sent' : 'deferred',
        });
      }
      if (written.deferred.length) {
        for (const rest of ready.slice(start + MAX_BATCH_ITEMS)) {
          rest.preorder.status = 'planned';
          outcomes.push({
            preorderId: rest.preorder.id,
            productId: rest.preorder.product.id,
            title: rest.preorder.product.title,
            result: 'deferred',
          });
        }
        break;
      }
    }
  });
  await em.flush();
  context.logger.info(
    { storeId, outcomes: outcomes.length, sent: outcomes.filter((outcome) => outcome.result === 'sent').length },
    'preorders sent through the price feed',
  );
  return outcomes;
}
