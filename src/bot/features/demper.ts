import { Composer, InlineKeyboard } from 'grammy';

import type { SetPriceResult } from '../../catalog/offer-actions.js';
import type { Product, Store } from '../../db/entities/index.js';
import { parseDemperSettings } from '../../demper/settings-input.js';
import type { Locale } from '../../i18n.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { formatPrice, html } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { onePress } from '../guards/repeated-press.js';
import { activeStore, ownProduct, ownProductBySku, ownStore, refuse } from '../guards/ownership.js';
import { reportPriceResult } from '../flows/manual-price.js';
import { productDemperReply, saveProductSettings, type SavedSettings } from '../flows/product-demper-settings.js';
import { FILTER_OF, FROM_PRODUCT, showStoreDemper, STORE_SWITCHES, tickMinutesOf } from '../replies/demper-store.js';
import { DEMPER_SETTINGS } from '../../../conversations/names.js';

/** A dry-run proposal older than this is not applied: the market it was made for is gone. */
const PROPOSAL_TTL_MINUTES = 30;

/** `/demper`: the store's switches and last cycle; `/demper <sku> …`: a product's settings in one message. */
export const demperFeature = new Composer<BotContext>();

demperFeature.command('demper', async (ctx) => {
  const store = await activeStore(ctx);
  if (!store) return void (await ctx.reply(ctx.t('no-store')));
  const [sku, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
  if (!sku) return showStoreDemper(ctx, store, false);
  const product = await ownProductBySku(ctx, store, sku);
  if (!product) return void (await ctx.reply(ctx.t('product-not-found', { sku: html(sku) })));
  if (rest.length === 0) return showProductDemper(ctx, product);
  const parsed = parseDemperSettings(rest.join(' '));
  if (!parsed.ok)
    return void (await ctx.reply(ctx.t(parsed.key, parsed.variables) + '\n' + ctx.t('demper-settings-usage')));
  const saved = await saveProductSettings(ctx, product.id, rest.join(' '));
  if (saved) await showProductDemper(ctx, saved.product, saved);
});

async function showProductDemper(
  ctx: BotContext,
  product: Product & { store: Store },
  saved?: SavedSettings,
): Promise<void> {
  const reply = productDemperReply(ctx, product, saved);
  const keyboard = new InlineKeyboard();
  if (reply.storeButton) keyboard.text(reply.storeButton.text, reply.storeButton.data).row();
  keyboard
    .text(ctx.t('button-demper-configure'), callbackData(ACTIONS.demperProduct, product.id))
    .text(ctx.t('button-history'), callbackData(ACTIONS.history, product.id))
    .row()
    .text(ctx.t('button-back-to-card'), callbackData(ACTIONS.product, product.id));
  await ctx.reply(`${reply.text}\n\n${ctx.t('demper-settings-usage')}`, { reply_markup: keyboard });
}

demperFeature.callbackQuery(actionPattern(ACTIONS.demper), async (ctx) => {
  const [id, switchTo, from] = parseCallback(ctx.callbackQuery.data)?.args ?? [];
  const store = await ownStore(ctx, idArg(id));
  if (!store || !(STORE_SWITCHES as readonly string[]).includes(switchTo ?? '')) return refuse(ctx);
  if (switchTo === 'on') return storeSwitchedOn(ctx, store, from === FROM_PRODUCT);
  const filter = FILTER_OF[switchTo!];
  if (filter) {
    const filters = await ctx.deps.stores.toggleRivalFilter(ctx.seller.id, store.id, filter);
    if (!filters) return refuse(ctx);
    ctx.logger.info({ storeId: store.id, filters }, 'demper rival filters changed');
    await ctx.answerCallbackQuery({
      text: ctx.t(filters[filter] ? 'demper-filter-switched-on' : 'demper-filter-switched-off'),
    });
  } else {
    if (switchTo === 'off') await ctx.deps.demper.stop(store.id);
    else await ctx.deps.stores.setDemperDryRun(ctx.seller.id, store.id, switchTo === 'dry');
    await ctx.answerCallbackQuery({ text: ctx.t(`demper-switched-${switchTo}`) });
  }
  await showStoreDemper(ctx, (await ownStore(ctx, store.id))!, true);
});

/**
 * The store's switch on, from the `/demper` panel or from «▶️ Включить демпер магазина» under a product's reply:
 * its products on are looked at within one tick, and the answer says when. Under a product's reply the reply
 * stays (only the button leaves it) and the result is a message of its own.
 */
async function storeSwitchedOn(ctx: BotContext, store: Store, fromProduct: boolean): Promise<void> {
  const minutes = tickMinutesOf(ctx);
  const switched = await ctx.deps.stores.switchDemperOn(ctx.seller.id, store.id, new Date(), minutes);
  if (!switched.owned) return refuse(ctx);
  ctx.logger.info({ storeId: store.id, products: switched.products, fromProduct }, 'store demper switched on');
  await ctx.answerCallbackQuery({ text: ctx.t('demper-switched-on') });
  // The panel already counts the products on; a message of its own says how many.
  if (!fromProduct)
    return showStoreDemper(
      ctx,
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

demperFeature.callbackQuery(actionPattern(ACTIONS.demperProduct), async (ctx) => {
  const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!product) return refuse(ctx);
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(DEMPER_SETTINGS, product.id);
});

demperFeature.callbackQuery(actionPattern(ACTIONS.demperStop), async (ctx) => {
  const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!store) return refuse(ctx);
  const { cancelled } = await ctx.deps.demper.stop(store.id);
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t('demper-stopped', { store: html(store.name), cancelled }));
});

demperFeature.callbackQuery(actionPattern(ACTIONS.demperRollback), async (ctx) => {
  const store = await ownStore(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!store) return refuse(ctx);
  await ctx.answerCallbackQuery();
  const cycle = await ctx.deps.demper.lastCycle(store.id);
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
        .text(ctx.t('button-demper-rollback-yes'), callbackData(ACTIONS.demperRollbackYes, store.id, cycle.at(-1)!.id))
        .text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel)),
    },
  );
});

demperFeature.callbackQuery(
  actionPattern(ACTIONS.demperRollbackYes),
  onePress(async (ctx) => {
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
          : await ctx.deps.demper.rollback(store.id, ctx.t('price-reason-rollback'), previewed);
      if (results === 'moved-on') return void (await ctx.reply(ctx.t('demper-rollback-moved-on')));
      const done = (status: string) => status === 'sent' || status === 'unchanged' || status === 'already-sent';
      const sent = results.filter((entry) => done(entry.result.status)).length;
      const failed = results
        .filter((entry) => !done(entry.result.status))
        .slice(0, 15)
        .map((entry) =>
          ctx.t('demper-rollback-failed-line', { title: html(entry.product), why: rollbackFailure(ctx, entry.result) }),
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

demperFeature.callbackQuery(actionPattern(ACTIONS.proposalYes), async (ctx) => {
  const [id, , issued, cityId] = parseCallback(ctx.callbackQuery.data)?.args ?? [];
  const product = await ownProduct(ctx, idArg(id));
  if (!product) return refuse(ctx);
  const age = (Math.floor(Date.now() / 60_000) % 100_000) - Number(issued);
  if (!Number.isInteger(Number(issued)) || age < 0 || age > PROPOSAL_TTL_MINUTES) {
    return void (await ctx.answerCallbackQuery({ text: ctx.t('demper-proposal-expired'), show_alert: true }));
  }
  await ctx.answerCallbackQuery({ text: ctx.t('demper-proposal-checking') });
  await dropDecidedButtons(ctx, product.id);
  try {
    const outcome = await ctx.deps.demper.confirmProposal(
      product.id,
      ctx.seller.language as Locale,
      cityId || undefined,
    );
    if (outcome.status === 'not-configured') return void (await ctx.reply(ctx.t('demper-settings-floor-required')));
    if (outcome.status === 'market-moved')
      return void (await ctx.reply(
        ctx.t('demper-proposal-moved', { title: html(product.title), reason: html(outcome.reason) }),
      ));
    // The same report as a manual price: a repeat tap hears «уже отправлена», a sent one is read back.
    const sent = ctx.t('demper-proposal-sent', {
      title: html(product.title),
      price: formatPrice(outcome.price),
      reason: html(outcome.reason),
    });
    await reportPriceResult(ctx, product, outcome.price, outcome.result, sent);
  } catch (error) {
    if (await replyKaspiError(ctx, error, product.store.id)) return;
    throw error;
  }
});

demperFeature.callbackQuery(actionPattern(ACTIONS.proposalNo), async (ctx) => {
  const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!product) return refuse(ctx);
  await ctx.answerCallbackQuery({ text: ctx.t('demper-proposal-declined') });
  await dropDecidedButtons(ctx, product.id);
});

/** A proposal is decided once: its ✅/❌ leave the digest, the other proposals' buttons stay. */
async function dropDecidedButtons(ctx: BotContext, productId: number): Promise<void> {
  const rows = ctx.callbackQuery?.message?.reply_markup?.inline_keyboard;
  if (!rows) return;
  const decided = (button: (typeof rows)[number][number]) => {
    if (!('callback_data' in button)) return false;
    const parsed = parseCallback(button.callback_data);
    return (
      (parsed?.action === ACTIONS.proposalYes || parsed?.action === ACTIONS.proposalNo) &&
      parsed.args[0] === String(productId)
    );
  };
  const left = rows.map((row) => row.filter((button) => !decided(button))).filter((row) => row.length > 0);
  await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: left } }).catch(() => undefined);
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
