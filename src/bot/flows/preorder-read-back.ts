import type { BotContext } from '../context.js';

/**
 * Kaspi applies preorder writes and files asynchronously: a follow-up (one per store, surviving a restart)
 * reads the store's uploaded plans back until none is left waiting, telling the chat what Kaspi shows (and
 * what it does not). Used after the buttons and `/import`.
 */
export async function readBackPreorders(ctx: BotContext, storeId: number, chatId: number): Promise<void> {
  await ctx.deps.followUps.schedule('preorders', { storeId, chatId, locale: ctx.seller.language });
}
