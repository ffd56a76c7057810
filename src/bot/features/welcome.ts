import { Composer, InlineKeyboard } from 'grammy';

import { ACTIONS, actionPattern, callbackData, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { html } from '../replies/format.js';
import { activeStore } from '../guards/ownership.js';
import { newSelection, showSelectionFromMenu } from './availability.js';
import { showProductList } from './products.js';
import { askLoginMethod, showStores } from './stores.js';
import { replyNoStore } from '../replies/no-store.js';

/** The screens the main menu opens read the store's products (the list, the selection) and the seller's stores. */
type WelcomeFeatureDeps = Pick<BotDeps, 'products' | 'stores'>;

/**
 * `/start`, `/help` and the main menu: every command also has a button path from here («⚙️ Настройки» is answered
 * by the settings feature, which owns its menu and runs first).
 */
export function createWelcomeFeature(deps: WelcomeFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('start', async (ctx) => {
    const store = await activeStore(ctx);
    const text = store
      ? ctx.t('welcome-back', { name: html(ctx.from?.first_name ?? ''), store: html(store.name) })
      : ctx.t('welcome', { name: html(ctx.from?.first_name ?? '') });
    await ctx.reply(text, { reply_markup: mainMenu(ctx) });
  });

  feature.command('help', async (ctx) => {
    await ctx.reply(ctx.t('help'), { reply_markup: mainMenu(ctx) });
  });

  feature.callbackQuery(actionPattern(ACTIONS.menu), async (ctx) => {
    const screen = parseCallback(ctx.callbackQuery.data)?.args[0];
    await ctx.answerCallbackQuery();
    switch (screen) {
      case 'products':
        ctx.session.search = undefined;
        return showProductList(ctx, deps, 0, false);
      case 'sync': {
        const store = await activeStore(ctx);
        if (!store) return replyNoStore(ctx);
        return void (await ctx.reply(ctx.t('sync-ask', { store: html(store.name) }), {
          reply_markup: new InlineKeyboard().text(ctx.t('button-sync'), callbackData(ACTIONS.sync, store.id)),
        }));
      }
      case 'enable':
      case 'disable': {
        const store = await activeStore(ctx);
        if (!store) return replyNoStore(ctx);
        ctx.session.selection = newSelection(screen, store.id);
        return showSelectionFromMenu(ctx, deps);
      }
      case 'stores':
        return showStores(ctx, deps);
      case 'login':
        return askLoginMethod(ctx);
      default:
        return void (await ctx.reply(ctx.t('help'), { reply_markup: mainMenu(ctx) }));
    }
  });
  return feature;
}

export function mainMenu(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-products'), callbackData(ACTIONS.menu, 'products'))
    .text(ctx.t('button-menu-sync'), callbackData(ACTIONS.menu, 'sync'))
    .row()
    .text(ctx.t('button-enable'), callbackData(ACTIONS.menu, 'enable'))
    .text(ctx.t('button-disable'), callbackData(ACTIONS.menu, 'disable'))
    .row()
    .text(ctx.t('button-stores'), callbackData(ACTIONS.menu, 'stores'))
    .text(ctx.t('button-login'), callbackData(ACTIONS.menu, 'login'))
    .row()
    .text(ctx.t('button-settings'), callbackData(ACTIONS.menu, 'settings'))
    .text(ctx.t('button-help'), callbackData(ACTIONS.menu, 'help'));
}
