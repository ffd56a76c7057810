import { Composer, InlineKeyboard } from 'grammy';

import type { Store } from '../../db/entities/index.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { html, localTimeOrDate } from '../replies/format.js';
import { activeStore, ownStore, refuse } from '../guards/ownership.js';
import { onePress } from '../guards/repeated-press.js';
import { EMAIL_LOGIN } from '../../../conversations/names.js';
import { SMS_LOGIN } from '../../../conversations/names.js';
import { renewsByItself } from '../../kaspi/session-keeper.js';

/** `/login`, `/stores`, `/logout`: connecting Kaspi stores, choosing the active one, logging in again, removing. */
export const storesFeature = new Composer<BotContext>();

export async function askLoginMethod(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t('login-choose-method'), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('button-login-sms'), callbackData(ACTIONS.loginMethod, 'sms'))
      .row()
      .text(ctx.t('button-login-email'), callbackData(ACTIONS.loginMethod, 'email')),
  });
}

storesFeature.command('login', askLoginMethod);

storesFeature.callbackQuery(actionPattern(ACTIONS.loginMethod), async (ctx) => {
  const method = parseCallback(ctx.callbackQuery.data)?.args[0];
  await ctx.answerCallbackQuery();
  const wait = await ctx.deps.limiter.take(ctx.seller.id, 'login');
  if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
  if (method === 'sms') await ctx.conversation.enter(SMS_LOGIN);
  else if (method === 'email') await ctx.conversation.enter(EMAIL_LOGIN);
});

storesFeature.callbackQuery(actionPattern(ACTIONS.storeRelogin), async (ctx) => {
  const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!store) return refuse(ctx);
  await ctx.answerCallbackQuery();
  await ctx.deps.expiryNotices.forget(store.id);
  await ctx.conversation.enter(store.loginMethod === 'email' ? EMAIL_LOGIN : SMS_LOGIN);
});

async function storesText(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const stores = await ctx.deps.stores.storesOf(ctx.seller.id);
  const active = await activeStore(ctx);
  const keyboard = new InlineKeyboard();
  if (stores.length === 0) {
    keyboard.text(ctx.t('button-login'), callbackData(ACTIONS.menu, 'login'));
    return { text: ctx.t('stores-none'), keyboard };
  }
  const lines = [ctx.t('stores-header')];
  for (const store of stores) {
    const isActive = store.id === active?.id;
    const line = ctx.t(`stores-line-${store.sessionState}`, {
      name: html(store.name),
      merchant: store.merchantUid,
      active: isActive ? '✅ ' : '',
    });
    lines.push([line, sessionNote(ctx, store)].filter(Boolean).join(' · '));
    // Every row starts with its store's name, so «Войти снова» and «Удалить» never leave a doubt which store.
    keyboard.text(
      isActive ? `✅ ${store.name.slice(0, 24)}` : ctx.t('button-make-active', { name: store.name.slice(0, 24) }),
      callbackData(ACTIONS.store, store.id),
    );
    keyboard
      .text(ctx.t('button-relogin'), callbackData(ACTIONS.storeRelogin, store.id))
      .text(ctx.t('button-remove'), callbackData(ACTIONS.storeRemove, store.id))
      .row();
  }
  keyboard.text(ctx.t('button-add-store'), callbackData(ACTIONS.menu, 'login'));
  return { text: lines.join('\n'), keyboard };
}

/** When Kaspi last confirmed a live session (seller's clock), or that an expired e-mail store logs in by itself. */
function sessionNote(ctx: BotContext, store: Store): string | undefined {
  if (store.sessionState === 'active' && store.sessionCheckedAt) {
    return ctx.t('stores-session-confirmed', { at: localTimeOrDate(store.sessionCheckedAt, ctx.seller.timezone) });
  }
  if (store.sessionState === 'expired' && renewsByItself(store, new Date())) return ctx.t('stores-session-renewing');
  return undefined;
}

export async function showStores(ctx: BotContext, edit = false): Promise<void> {
  const { text, keyboard } = await storesText(ctx);
  if (edit && ctx.callbackQuery?.message)
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(() => undefined);
  else await ctx.reply(text, { reply_markup: keyboard });
}

storesFeature.command('stores', (ctx) => showStores(ctx));

storesFeature.callbackQuery(actionPattern(ACTIONS.store), async (ctx) => {
  const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!store) return refuse(ctx);
  await ctx.deps.sellers.setActiveStore(ctx.seller.id, store.id);
  ctx.seller.activeStoreId = store.id;
  ctx.session.search = undefined;
  await ctx.answerCallbackQuery({ text: ctx.t('store-activated', { name: store.name }) });
  await showStores(ctx, true);
});

async function askRemove(ctx: BotContext, store: Store): Promise<void> {
  await ctx.reply(ctx.t('store-remove-ask', { name: html(store.name) }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('button-remove-yes'), callbackData(ACTIONS.storeRemoveYes, store.id))
      .text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel)),
  });
}

storesFeature.command('logout', async (ctx) => {
  const store = await activeStore(ctx);
  if (!store) return void (await ctx.reply(ctx.t('stores-none')));
  await askRemove(ctx, store);
});

storesFeature.callbackQuery(actionPattern(ACTIONS.storeRemove), async (ctx) => {
  const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!store) return refuse(ctx);
  await ctx.answerCallbackQuery();
  await askRemove(ctx, store);
});

// The press is claimed before the ownership check: a second tap would find the store gone and read as «not yours».
storesFeature.callbackQuery(
  actionPattern(ACTIONS.storeRemoveYes),
  onePress(async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    // Deletes the store with its sealed cookies, identity and password; products and history go with it.
    await ctx.deps.sessions.forgetStore(store.id);
    if (ctx.seller.activeStoreId === store.id) ctx.seller.activeStoreId = null;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('store-removed', { name: html(store.name) }));
  }),
);
