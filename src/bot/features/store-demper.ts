import { Composer, InlineKeyboard } from 'grammy';

import type { SetPriceResult } from '../../catalog/offer-actions.js';
import type { Store } from '../../db/entities/index.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { activeStore, ownStore, refuse } from '../guards/ownership.js';
import { onePress } from '../guards/repeated-press.js';
import { readBackBatch } from '../flows/offer-read-back.js';
import { FILTER_OF, FROM_PRODUCT, showStoreDemper, STORE_SWITCHES, tickMinutesOf } from '../replies/demper-store.js';
import { formatPrice, html } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { replyNoStore } from '../replies/no-store.js';

/**
 * The store's demper switches and filters, the demper itself (stop, last cycle, rollback), the panel's counts, and
 * the demper's schedule (when the first check comes).
 */
type StoreDemperFeatureDeps = Pick<
  BotDeps,
  'stores' | 'demper' | 'products' | 'history' | 'presses' | 'config' | 'followUps'
>;

/**
 * The store's demper: `/demper` (the panel of switches, rival filters and the last cycle), its buttons, the panic
 * stop and the rollback of the last cycle.
 */
export function createStoreDemperFeature(deps: StoreDemperFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('demper', async (ctx, next) => {
    if (ctx.match.trim()) return next(); // a product's settings: productDemperFeature
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    await showStoreDemper(ctx, deps, store, false);
  });

  feature.callbackQuery(actionPattern(ACTIONS.demper), async (ctx) => {
    const [id, switchTo, from] = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const store = await ownStore(ctx, idArg(id));
    if (!store || !(STORE_SWITCHES as readonly string[]).includes(switchTo ?? '')) return refuse(ctx);
    if (switchTo === 'on') return storeSwitchedOn(ctx, deps, store, from === FROM_PRODUCT);
    const filter = FILTER_OF[switchTo!];
    if (filter) {
      const filters = await deps.stores.toggleRivalFilter(ctx.seller.id, store.id, filter);
      if (!filters) return refuse(ctx);
      ctx.logger.info({ storeId: store.id, filters }, 'demper rival filters changed');
      await ctx.answerCallbackQuery({
        text: ctx.t(filters[filter] ? 'demper-filter-switched-on' : 'demper-filter-switched-off'),
      });
    } else {
      if (switchTo === 'off') await deps.demper.stop(store.id);
      else await deps.stores.setDemperDryRun(ctx.seller.id, store.id, switchTo === 'dry');
      await ctx.answerCallbackQuery({ text: ctx.t(`demper-switched-${switchTo}`) });
    }
    await showStoreDemper(ctx, deps, (await ownStore(ctx, store.id))!, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.demperStop), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    const { cancelled } = await deps.demper.stop(store.id);
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('demper-stopped', { store: html(store.name), cancelled }));
  });

  feature.callbackQuery(actionPattern(ACTIONS.demperRollback), async (ctx) => {
    const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!store) return refuse(ctx);
    await ctx.answerCallbackQuery();
    const cycle = await deps.demper.lastCycle(store.id);
    if (cycle.length === 0) return void (await ctx.reply(ctx.t('demper-rollback-nothing')));
    const lines = cycle.slice(0, 15).map((change) => {
      const floor = change.product.minPrice;
      const refused =
        floor !== null && floor !== undefined && change.oldPrice < floor
          ? ` (${ctx.t('demper-rollback-below-floor', { floor: formatPrice(floor) })})`
          : '';
      return `• ${html(change.product.title)}: ${formatPrice(change.newPrice)} → ${formatPrice(change.oldPrice)}${refused}`;
    });
    // «Да» carries the previewed cycle: it undoes exactly what this message lists, or nothing.
    await ctx.reply(
      [ctx.t('demper-rollback-ask', { store: html(store.name), count: cycle.length }), ...lines].join('\n'),
      {
        reply_markup: new InlineKeyboard()
          .text(
            ctx.t('button-demper-rollback-yes'),
            callbackData(ACTIONS.demperRollbackYes, store.id, cycle.at(-1)!.id),
          )
          .text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel)),
      },
    );
  });

  feature.callbackQuery(
    actionPattern(ACTIONS.demperRollbackYes),
    onePress(deps.presses, async (ctx) => {
      const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
      const store = await ownStore(ctx, idArg(args[0]));
      if (!store) return refuse(ctx);
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      try {
        // No previewed cycle on the button (garbage, or a button from before cycles were named): nothing is undone.
        const previewed = idArg(args[1]);
        const results =
          previewed === undefined
            ? 'moved-on'
            : await deps.demper.rollback(store.id, ctx.t('price-reason-rollback'), previewed);
        if (results === 'moved-on') return void (await ctx.reply(ctx.t('demper-rollback-moved-on')));
        // Each price put back moves our copy of the offer once Kaspi shows it (a follow-up reads it back).
        await readBackBatch(ctx, deps, store.id, {
          availability: [],
          prices: results.flatMap(({ productId, result }) =>
            result.status === 'sent' ? [{ productId, changeIds: result.changeIds, newPrice: result.newPrice }] : [],
          ),
        });
        const done = (status: string) => status === 'sent' || status === 'unchanged' || status === 'already-sent';
        const sent = results.filter((entry) => done(entry.result.status)).length;
        const failed = results
          .filter((entry) => !done(entry.result.status))
          .slice(0, 15)
          .map((entry) =>
            ctx.t('demper-rollback-failed-line', {
              title: html(entry.product),
              why: rollbackFailure(ctx, entry.result),
            }),
          );
        await ctx.reply(
          [ctx.t('demper-rolled-back', { store: html(store.name), sent, left: results.length - sent }), ...failed].join(
            '\n',
          ),
        );
      } catch (error) {
        if (await replyKaspiError(ctx, error, store.id)) return;
        throw error;
      }
    }),
  );
  return feature;
}

/**
 * The store's switch on, from the `/demper` panel or from «▶️ Включить демпер магазина» under a product's reply:
 * its products on are looked at within one tick, and the answer says when. Under a product's reply the reply
 * stays (only the button leaves it) and the result is a message of its own.
 */
async function storeSwitchedOn(
  ctx: BotContext,
  deps: StoreDemperFeatureDeps,
  store: Store,
  fromProduct: boolean,
): Promise<void> {
  const minutes = tickMinutesOf(deps.config);
  const switched = await deps.stores.switchDemperOn(ctx.seller.id, store.id, new Date(), minutes);
  if (!switched.owned) return refuse(ctx);
  ctx.logger.info({ storeId: store.id, products: switched.products, fromProduct }, 'store demper switched on');
  await ctx.answerCallbackQuery({ text: ctx.t('demper-switched-on') });
  // The panel already counts the products on; a message of its own says how many.
  if (!fromProduct)
    return showStoreDemper(
      ctx,
      deps,
      (await ownStore(ctx, store.id))!,
      true,
      switched.products > 0 ? [ctx.t('demper-first-check', { minutes })] : [],
    );
  const firstCheck =
    switched.products > 0 ? [ctx.t('demper-store-first-check', { count: switched.products, minutes })] : [];
  const rows = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard;
  if (rows) {
    const left = rows
      .map((row) =>
        row.filter((button) => !('callback_data' in button) || button.callback_data !== ctx.callbackQuery?.data),
      )
      .filter((row) => row.length > 0);
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: left } }).catch(() => undefined);
  }
  const dryRun = store.demperDryRun ? [ctx.t('demper-store-dry-run')] : [];
  await ctx.reply(
    [ctx.t('demper-store-switched-on', { store: html(store.name) }), ...firstCheck, ...dryRun].join('\n'),
  );
}

/** Why one product's price was not put back, in the seller's words. */
function rollbackFailure(ctx: BotContext, result: SetPriceResult): string {
  switch (result.status) {
    case 'below-floor':
      return ctx.t('demper-rollback-below-floor', { floor: formatPrice(result.floor) });
    case 'budget-spent':
      return ctx.t('kaspi-error-rate-limited', { minutes: result.retryInMinutes });
    case 'not-found':
      return ctx.t('demper-rollback-gone');
    case 'changed-outside':
      return ctx.t('demper-rollback-changed-outside', { price: formatPrice(result.livePrice) });
    default:
      return ctx.t('demper-rollback-other');
  }
}
