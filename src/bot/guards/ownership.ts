import type { Product, Store } from '../../db/entities/index.js';
import type { BotContext } from '../context.js';

/**
 * Every id that arrives in a button or a command is looked up *through the sender*: a store of this seller,
 * a product of one of this seller's stores. Anything else is `undefined`, whatever the id.
 */
export function ownStore(ctx: BotContext, storeId: number | undefined): Promise<Store | undefined> {
  return ctx.deps.stores.storeOf(ctx.seller.id, storeId);
}

export function ownProduct(ctx: BotContext, productId: number | undefined): Promise<Product | undefined> {
  return ctx.deps.products.productOf(ctx.seller.id, productId);
}

/** The seller's active store, falling back to their only/first store. */
export function activeStore(ctx: BotContext): Promise<Store | undefined> {
  return ctx.deps.stores.activeStoreOf(ctx.seller);
}

/** The refusal for a button or id that is not the sender's: no detail about what exists. */
export async function refuse(ctx: BotContext): Promise<void> {
  ctx.logger.warn({ data: ctx.callbackQuery?.data, text: ctx.message?.text }, 'refused an id that is not the sender’s');
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('access-denied'), show_alert: true });
  else await ctx.reply(ctx.t('access-denied'));
}
