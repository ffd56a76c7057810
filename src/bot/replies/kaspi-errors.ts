import { InlineKeyboard } from 'grammy';

import { isKaspiError, KaspiSessionExpiredError, sellerMessageOf } from '../../kaspi/errors.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';

export function reloginKeyboard(ctx: { t: BotContext['t'] }, storeId: number): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-relogin'), callbackData(ACTIONS.storeRelogin, storeId));
}

/**
 * Tells the seller what a Kaspi failure means, in their language; `true` when the error was a Kaspi one.
 * An expired session gets one message with a «Войти снова» button, and background notices about the same
 * store are held back for ten minutes so the chat does not fill with the same error.
 */
export async function replyKaspiError(ctx: BotContext, error: unknown, storeId: number | undefined): Promise<boolean> {
  if (!isKaspiError(error)) return false;
  if (error instanceof KaspiSessionExpiredError && storeId !== undefined) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.deps.expiryNotices.due(storeId);
    await ctx.reply(ctx.t('kaspi-error-session-expired'), { reply_markup: reloginKeyboard(ctx, storeId) });
    return true;
  }
  const { key, variables } = sellerMessageOf(error);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  await ctx.reply(ctx.t(key, variables));
  return true;
}
