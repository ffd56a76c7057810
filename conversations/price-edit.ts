import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { cityPricesLabel } from '../src/bot/replies/city-price-label.js';
import { pendingPricesLine } from '../src/bot/replies/product-card.js';
import { clip, formatPrice, html, parsePrice } from '../src/bot/replies/format.js';
import { KASPI_MIN_PRICE } from '../src/kaspi/offer-writes.js';
import { sendManualPrice } from '../src/bot/flows/manual-price.js';
import { remind } from './common.js';

const CANCEL = callbackData(ACTIONS.cancel);

/**
 * «Изменить цену» from a product card: asks the new price until it is a whole number of tenge ≥ 10; a price
 * below the seller's floor needs an explicit confirmation. The write itself is `sendManualPrice`.
 */
export function priceEditConversation(deps: BotDeps) {
  return async function priceEdit(
    conversation: Conversation<BotContext, ConversationContext>,
    ctx: ConversationContext,
    productId: number,
  ): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const product = await conversation.external(async (outer) => {
      const found = await deps.products.productOf(sellerId, productId);
      // Each city's own price where they differ: the seller is asked where the new one goes after typing it.
      return found
        ? {
            id: found.id,
            title: found.title,
            sku: found.sku,
            price: cityPricesLabel(found, found.store.points),
            // A price sent and not shown by Kaspi yet: said, so the seller does not send it again.
            pending: pendingPricesLine(
              (key, variables) => outer.t(key, variables),
              found.store.points,
              await deps.products.pendingPrices(found.id),
            ),
            floor: found.minPrice ?? null,
          }
        : undefined;
    });
    if (!product) {
      await ctx.reply(ctx.t('access-denied'));
      return;
    }
    await ctx.reply(
      [
        ctx.t('price-ask', {
          title: html(product.title),
          price: product.price,
          floor: product.floor === null ? '—' : formatPrice(product.floor),
        }),
        ...(product.pending ? [product.pending] : []),
      ].join('\n'),
      { reply_markup: new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL) },
    );
    for (let tries = 0; tries < 5; tries++) {
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('price-ask-again'),
        },
      );
      if (answer.callbackQuery) {
        await answer.answerCallbackQuery();
        await answer.reply(answer.t('cancelled'));
        return;
      }
      const price = parsePrice(answer.message!.text!);
      if (price === undefined) {
        await answer.reply(answer.t('price-invalid', { text: html(clip(answer.message!.text!, 40)) }));
        continue;
      }
      if (price < KASPI_MIN_PRICE) {
        await answer.reply(answer.t('price-below-kaspi-minimum', { minimum: formatPrice(KASPI_MIN_PRICE) }));
        continue;
      }
      // Below the floor or far from today's price, `sendManualPrice` asks with a «Да» button of its own.
      await conversation.external((outer) => sendManualPriceFromConversation(outer, product.id, price));
      return;
    }
    await ctx.reply(ctx.t('gave-up'));
  };
}

/** Runs the price write with the outer context (services, logger, session-expiry handling). */
async function sendManualPriceFromConversation(outer: BotContext, productId: number, price: number): Promise<void> {
  await sendManualPrice(outer, productId, price);
}
