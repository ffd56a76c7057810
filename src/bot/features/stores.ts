import { Composer, InlineKeyboard } from 'grammy';

import type { Store } from '../../db/entities/index.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { html, localTimeOrDate } from '../replies/format.js';
import { buttonBudget, fitLabel } from '../replies/keyboard-budget.js';
import { activeStore, ownStore, refuse } from '../guards/ownership.js';
import { onePress } from '../guards/repeated-press.js';
import { loginKeyboard, replyNoStore } from '../replies/no-store.js';
import { EMAIL_LOGIN } from '../../../conversations/names.js';
import { SMS_LOGIN } from '../../../conversations/names.js';
import { renewsByItself } from '../../kaspi/session-keeper.js';

/** A store's name in its button: a full row less «Выбрать «…»». */
const STORE_NAME_WIDTH = buttonBudget(1) - 10;

/** Logging in (its rate limit, the expiry notice it clears), the stores list, choosing and removing a store. */
type StoresFeatureDeps = Pick<BotDeps, 'limiter' | 'expiryNotices' | 'stores' | 'sellers' | 'sessions' | 'presses'>;

/** `/login`, `/stores`, `/logout`: connecting Kaspi stores, choosing the active one, logging in again, removing. */
export function createStoresFeature(deps: StoresFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('login', askLoginMethod);

  feature.callbackQuery(actionPattern(ACTIONS.loginMethod), async (ctx) => {
    const method = parseCallback(ctx.callbackQuery.data)?.args[0];
    await ctx.answerCallbackQuery();
    const wait = await deps.limiter.take(ctx.seller.id, 'login');
    if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
    if (method === 'sms') await ctx.conversation.enter(SMS_LOGIN);
    else if (method === 'email') await ctx.conversation.enter(EMAIL_LOGIN);
  });

  feature.callbackQuery(actionPattern(ACTIONS.storeRelogin), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await deps.expiryNotices.forget(store.id);
    await ctx.conversation.enter(store.loginMethod === 'email' ? EMAIL_LOGIN : SMS_LOGIN);
  });

  feature.command('stores', (ctx) => showStores(ctx, deps));

  feature.callbackQuery(actionPattern(ACTIONS.store), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    await deps.sellers.setActiveStore(ctx.seller.id, store.id);
    ctx.seller.activeStoreId = store.id;
    ctx.session.search = undefined;
    await ctx.answerCallbackQuery({ text: ctx.t('store-activated', { name: store.name }) });
    await showStores(ctx, deps, true);
  });

  feature.command('logout', async (ctx) => {
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx, 'stores-none');
    await askRemove(ctx, store);
  });

  feature.callbackQuery(actionPattern(ACTIONS.storeRemove), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await askRemove(ctx, store);
  });

  // The press is claimed before the ownership check: a second tap would find the store gone and read as «not yours».
  feature.callbackQuery(
    actionPattern(ACTIONS.storeRemoveYes),
    onePress(deps.presses, async (ctx) => {
      const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
      if (!store) return refuse(ctx);
      // Deletes the store with its sealed cookies, identity and password; products and history go with it.
      await deps.sessions.forgetStore(store.id);
      if (ctx.seller.activeStoreId === store.id) ctx.seller.activeStoreId = null;
      await ctx.answerCallbackQuery();
      // The last store gone: the way on is a new login, not a list with nothing in it.
      const left = await deps.stores.storesOf(ctx.seller.id);
      if (left.length === 0)
        return void (await ctx.editMessageText(ctx.t('store-removed-last', { name: html(store.name) }), {
          reply_markup: loginKeyboard(ctx),
        }));
      await ctx.editMessageText(ctx.t('store-removed', { name: html(store.name) }));
    }),
  );
  return feature;
}

export async function askLoginMethod(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t('login-choose-method'), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('button-login-sms'), callbackData(ACTIONS.loginMethod, 'sms'))
      .row()
      .text(ctx.t('button-login-email'), callbackData(ACTIONS.loginMethod, 'email')),
  });
}

async function storesText(
  ctx: BotContext,
  deps: Pick<BotDeps, 'stores'>,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const stores = await deps.stores.storesOf(ctx.seller.id);
  const active = await activeStore(ctx);
  const keyboard = new InlineKeyboard();
  if (stores.length === 0) {
    return { text: ctx.t('stores-none'), keyboard: loginKeyboard(ctx) };
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
    // The store's name on its own row (a phone shows it whole), «Войти снова» and «Удалить» right under it.
    const name = fitLabel(store.name, STORE_NAME_WIDTH);
    keyboard
      .text(isActive ? `✅ ${name}` : ctx.t('button-make-active', { name }), callbackData(ACTIONS.store, store.id))
      .row();
    keyboard
      .text(ctx.t('button-store-relogin'), callbackData(ACTIONS.storeRelogin, store.id))
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

export async function showStores(ctx: BotContext, deps: Pick<BotDeps, 'stores'>, edit = false): Promise<void> {
  const { text, keyboard } = await storesText(ctx, deps);
  if (edit && ctx.callbackQuery?.message)
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch(() => undefined);
  else await ctx.reply(text, { reply_markup: keyboard });
}

async function askRemove(ctx: BotContext, store: Store): Promise<void> {
  await ctx.reply(ctx.t('store-remove-ask', { name: html(store.name) }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('button-remove-yes'), callbackData(ACTIONS.storeRemoveYes, store.id))
      .text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel)),
  });
}
