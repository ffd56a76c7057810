import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';

/** «🔑 Войти в Kaspi»: the one way out of having no store. */
export function loginKeyboard(ctx: Pick<BotContext, 't'>): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-login'), callbackData(ACTIONS.menu, 'login'));
}

/**
 * The seller has no store at all (a store list that is not empty always yields an active one): every command that
 * needs a store says so the same way, pointing to /login with its button.
 */
export async function replyNoStore(ctx: BotContext, key: 'no-store' | 'stores-none' = 'no-store'): Promise<void> {
  await ctx.reply(ctx.t(key), { reply_markup: loginKeyboard(ctx) });
}
