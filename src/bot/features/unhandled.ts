import { Composer } from 'grammy';

import type { BotContext } from '../context.js';
import { mainMenu } from './welcome.js';

/** Last: unknown commands and stray text get the menu; a button nobody handled (old or forged) gets an answer. */
export const unhandledFeature = new Composer<BotContext>();

unhandledFeature.on('callback_query', async (ctx) => {
  ctx.logger.debug({ data: ctx.callbackQuery.data }, 'unhandled button');
  await ctx.answerCallbackQuery({ text: ctx.t('button-outdated'), show_alert: true });
});

unhandledFeature.on('message', async (ctx) => {
  await ctx.reply(ctx.t(ctx.message.text?.startsWith('/') ? 'unknown-command' : 'unhandled'), { reply_markup: mainMenu(ctx) });
});
