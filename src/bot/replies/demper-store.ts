import { InlineKeyboard } from 'grammy';

import type { DemperFilters, Product, Store } from '../../db/entities/index.js';
import type { DemperSettingsChange } from '../../demper/settings-input.js';
import { rivalFiltersOf } from '../../demper/settings.js';
import { demperTickMinutes } from '../../demper/store-switch.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { Config } from '../../config.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { formatPrice, html, zonedFormat } from './format.js';

/**
 * The store's side of the demper in the chat: the `/demper` panel (switches, rival filters, last cycle) and what
 * a product's reply says about the store (its switch is off; when the first check comes).
 */

/** Store switch arguments of `dm:<storeId>:<switch>`; `on:p` is the button under a product's reply. */
export const STORE_SWITCHES = ['on', 'off', 'dry', 'live', 'fi', 'fu'] as const;
/** `fi`/`fu` buttons: which filter each toggles. */
export const FILTER_OF: Record<string, keyof DemperFilters> = { fi: 'ignoreIntercity', fu: 'ignoreUnproven' };
/** `on:p`: pressed under a product's reply, which stays as it was (only this button leaves it). */
export const FROM_PRODUCT = 'p';

/** How soon a due product is looked at: the longest gap between the demper's ticks, in minutes. */
export function tickMinutesOf(config: Pick<Config, 'demperCron'>): number {
  return demperTickMinutes(config.demperCron);
}

/** «▶️ Включить демпер магазина» under a product's reply. */
export function storeOnButton(ctx: BotContext, storeId: number): { text: string; data: string } {
  return { text: ctx.t('button-demper-store-on'), data: callbackData(ACTIONS.demper, storeId, 'on', FROM_PRODUCT) };
}

/**
 * The lines a product's demper reply adds below its settings: a floor raised to Kaspi's minimum, the store's
 * switch being off (then `storeButton`: the reply carries «▶️ Включить демпер магазина»), or when the first check
 * comes once both switches are on. `enabledNow`: this message switched the product's demper on.
 */
export function productNotes(
  ctx: BotContext,
  product: Product,
  store: Store,
  change?: DemperSettingsChange,
  enabledNow = false,
): { lines: string[]; storeButton: boolean } {
  const lines: string[] = [];
  if (change?.raisedMinFrom !== undefined && change.minPrice !== undefined && change.minPrice !== null) {
    lines.push(
      ctx.t('demper-floor-raised', { typed: formatPrice(change.raisedMinFrom), floor: formatPrice(change.minPrice) }),
    );
  }
  const storeButton = product.demperEnabled && !store.demperEnabled;
  if (storeButton) lines.push(ctx.t('demper-store-switch-off', { store: html(store.name) }));
  else if (enabledNow && store.demperEnabled)
    lines.push(ctx.t('demper-first-check', { minutes: tickMinutesOf(ctx.deps.config) }));
  return { lines, storeButton };
}

/** «Не учитываем продавцов: из другого города ✅, …» for one product (its own value, else the store's, else on). */
export function productFiltersLine(ctx: BotContext, product: Product, store: Store): string {
  const filters = rivalFiltersOf(product, store);
  return ctx.t('demper-product-filters', {
    intercity: mark(filters.ignoreIntercity),
    unproven: mark(filters.ignoreUnproven),
  });
}

const mark = (on: boolean) => (on ? '✅' : '❌');

/** `/demper`: the store's switches and filters, and its last cycle; `extra` lines follow the state (what just changed). */
export async function showStoreDemper(
  ctx: BotContext,
  deps: Pick<BotDeps, 'products' | 'history'>,
  store: Store,
  edit: boolean,
  extra: string[] = [],
): Promise<void> {
  const { enabled, total } = await deps.products.demperCounts(store.id);
  const latest = await deps.history.lastDemperCycle(store.id);
  const lines = [
    ctx.t(store.demperEnabled ? 'demper-store-on' : 'demper-store-off', { store: html(store.name), enabled, total }),
    ...extra,
  ];
  if (store.demperDryRun)
    lines.push(ctx.t(ctx.seller.notifyLevel === 'off' ? 'demper-store-dry-run-silent' : 'demper-store-dry-run'));
  if (latest) {
    const cycle = latest.changes;
    const count = (status: string) => cycle.filter((change) => change.status === status).length;
    lines.push(
      ctx.t('demper-store-last-cycle', {
        at: zonedFormat(ctx.seller.language === 'en' ? 'en-GB' : 'ru-RU', ctx.seller.timezone, {
          dateStyle: 'short',
          timeStyle: 'short',
        }).format(latest.at),
        changes: cycle.length,
        applied: count('applied'),
        failed: count('failed'),
      }),
    );
  } else lines.push(ctx.t('demper-store-no-cycles'));
  if (enabled === 0) lines.push(ctx.t('demper-store-how-to'));
  // «⏸ Выключить» and «⛔ Остановить» sit on one panel while the demper runs: one line on which is which.
  if (store.demperEnabled) lines.push(ctx.t('demper-store-off-vs-stop'));
  const filters = {
    ignoreIntercity: store.demperFilters?.ignoreIntercity ?? true,
    ignoreUnproven: store.demperFilters?.ignoreUnproven ?? true,
  };
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(store.demperEnabled ? 'button-demper-off' : 'button-demper-on'),
      callbackData(ACTIONS.demper, store.id, store.demperEnabled ? 'off' : 'on'),
    )
    .text(
      ctx.t(store.demperDryRun ? 'button-demper-live' : 'button-demper-dry'),
      callbackData(ACTIONS.demper, store.id, store.demperDryRun ? 'live' : 'dry'),
    )
    .row()
    .text(
      ctx.t('button-demper-filter-intercity', { state: mark(filters.ignoreIntercity) }),
      callbackData(ACTIONS.demper, store.id, 'fi'),
    )
    .row()
    .text(
      ctx.t('button-demper-filter-unproven', { state: mark(filters.ignoreUnproven) }),
      callbackData(ACTIONS.demper, store.id, 'fu'),
    )
    .row()
    // Alone on their rows: long labels, and the two a seller must not press by mistake.
    .text(ctx.t('button-demper-stop'), callbackData(ACTIONS.demperStop, store.id))
    .row()
    .text(ctx.t('button-demper-rollback'), callbackData(ACTIONS.demperRollback, store.id));
  const options = { reply_markup: keyboard };
  if (edit && ctx.callbackQuery?.message) await ctx.editMessageText(lines.join('\n'), options).catch(() => undefined);
  else await ctx.reply(lines.join('\n'), options);
}

/**
 * After an Excel import switched products' demper on: the store's switch is off (with its button), or when their
 * first checks come (the next tick; over one interval when many were switched on at once).
 */
export function importDemperNote(
  ctx: BotContext,
  store: Store,
  switchedOn: number,
  spreadSeconds: number,
): { text: string; keyboard?: InlineKeyboard } | undefined {
  if (switchedOn === 0) return undefined;
  if (!store.demperEnabled) {
    const button = storeOnButton(ctx, store.id);
    return {
      text: ctx.t('demper-store-switch-off', { store: html(store.name) }),
      keyboard: new InlineKeyboard().text(button.text, button.data),
    };
  }
  const minutes = Math.ceil(spreadSeconds / 60) + tickMinutesOf(ctx.deps.config);
  return { text: ctx.t('demper-store-first-check', { count: switchedOn, minutes }) };
}
