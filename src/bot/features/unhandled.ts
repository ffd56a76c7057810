import { Composer } from 'grammy';

import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { clip } from '../replies/format.js';
import { activeStore } from '../guards/ownership.js';
import { showProductList } from './products.js';
import { mainMenu } from './welcome.js';

/** A plain-text search shows the store's product list. */
type UnhandledFeatureDeps = Pick<BotDeps, 'products'>;

/**
 * Last: unknown commands get the menu; plain text is a product search for a seller with a store (what typing
 * into a shop's chat means); a button nobody handled (old or forged) gets an answer.
 */
export function createUnhandledFeature(deps: UnhandledFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on('callback_query', async (ctx) => {
    ctx.logger.debug({ data: ctx.callbackQuery.data }, 'unhandled button');
    await ctx.answerCallbackQuery({ text: ctx.t('button-outdated'), show_alert: true });
  });

  feature.on('message:text', async (ctx, next) => {
    const text = ctx.message.text.trim();
    if (text.startsWith('/') || !text || !(await activeStore(ctx))) return next();
    ctx.session.search = clip(text, 100); // clip: the session is stored as jsonb
    await showProductList(ctx, deps, 0, false);
  });

  feature.on('message', async (ctx) => {
    await ctx.reply(ctx.t(ctx.message.text?.startsWith('/') ? 'unknown-command' : 'unhandled'), {
      reply_markup: mainMenu(ctx),
    });
  });
  return feature;
}
