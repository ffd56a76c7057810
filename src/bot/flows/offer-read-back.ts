import type { FollowUps } from '../../follow-ups/types.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { formatPrice, html } from '../replies/format.js';

/** A batch's writes Kaspi took (an Excel import, a rollback): on/off per group, prices per product. */
export interface SentWrites {
  availability: { productIds: number[]; available: boolean }[];
  prices: { productId: number; changeIds: number[]; newPrice: number }[];
}

/**
 * Kaspi applies a batch's writes later: each is read back by a follow-up (surviving a restart) that moves our
 * copy of the offer (on/off, city prices) once Kaspi shows it, so the list, the card and `/disable` show it at
 * once, and that tells the chat only what Kaspi did not apply (the batch's summary already told the rest).
 */
export async function readBackBatch(
  ctx: BotContext,
  deps: { followUps: Pick<FollowUps, 'schedule'>; products: Pick<BotDeps['products'], 'named'> },
  storeId: number,
  sent: SentWrites,
): Promise<void> {
  const base = { storeId, chatId: ctx.chat!.id, locale: ctx.seller.language };
  for (const group of sent.availability)
    await deps.followUps.schedule('availability', {
      ...base,
      productIds: group.productIds,
      available: group.available,
    });
  if (sent.prices.length === 0) return;
  const titles = new Map(
    (
      await deps.products.named(
        storeId,
        sent.prices.map((entry) => entry.productId),
        sent.prices.length,
      )
    ).map((product) => [product.id, product.title]),
  );
  for (const entry of sent.prices)
    await deps.followUps.schedule('price', {
      ...base,
      changeIds: entry.changeIds,
      title: html(titles.get(entry.productId) ?? ''),
      old: '',
      new: formatPrice(entry.newPrice),
      quiet: true,
    });
}
