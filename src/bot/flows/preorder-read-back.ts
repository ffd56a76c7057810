import { PREORDER_FILE_FOLLOW_UP } from '../../follow-ups/handlers/preorder-file.js';
import type { PreorderFilePayload } from '../../follow-ups/types.js';
import type { BotContext } from '../context.js';

/**
 * Kaspi applies preorder writes and files asynchronously: a follow-up (one per store, surviving a restart)
 * reads the store's uploaded plans back until none is left waiting, telling the chat what Kaspi shows (and
 * what it does not). Used after the buttons and `/import`.
 */
export async function readBackPreorders(ctx: BotContext, storeId: number, chatId: number): Promise<void> {
  await ctx.deps.followUps.schedule('preorders', { storeId, chatId, locale: ctx.seller.language });
}

/**
 * A price-list file Kaspi took: a follow-up (surviving a restart) reads its status until Kaspi has processed
 * it, tells the upload's outcome in the status message, then reads the plans back as `readBackPreorders` does.
 */
export async function followPreorderFile(ctx: BotContext, file: Omit<PreorderFilePayload, 'locale'>): Promise<void> {
  await ctx.deps.followUps.schedule(PREORDER_FILE_FOLLOW_UP, { ...file, locale: ctx.seller.language });
}
