import { randomBytes } from 'node:crypto';

import { Composer, InlineKeyboard } from 'grammy';

import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext, SessionData } from '../context.js';
import type { BotDeps } from '../deps.js';
import { formatPrice, html, truncate } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { productRowLabels } from '../replies/product-rows.js';
import { refusedLines } from '../replies/refusals.js';
import { activeStore, ownStore, refuse } from '../guards/ownership.js';
import { lookUpProducts, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { PAGE_SIZE } from './products.js';
import { replyNoStore } from '../replies/no-store.js';

const MAX_SKUS = 200;
/** Products named in a confirmation; the rest are counted. */
const NAMED_IN_CONFIRMATION = 10;

type Selection = NonNullable<SessionData['selection']>;

/** The selection lists and names the store's products; the batch is sent and then read back. */
type AvailabilityFeatureDeps = Pick<BotDeps, 'products' | 'offers' | 'followUps'>;

export function newSelection(mode: Selection['mode'], storeId: number, ids: number[] = []): Selection {
  return { mode, ids, page: 0, storeId, token: randomBytes(3).toString('base64url') };
}

/**
 * The selection a button belongs to, or `undefined` when it is not the current one (an older list or
 * confirmation, or none): such a press is told the list is outdated and its buttons are taken away.
 */
async function selectionOf(ctx: BotContext, token: string | undefined): Promise<Selection | undefined> {
  const selection = ctx.session.selection;
  if (selection && token !== undefined && selection.token === token) return selection;
  await ctx.answerCallbackQuery({ text: ctx.t('batch-expired') });
  await ctx.editMessageReplyMarkup().catch(() => undefined);
  return undefined;
}

/**
 * `/enable`, `/disable`: with SKUs or names, a confirmation and one batch; without, a multi-select list of the products
 * that can change (with «выбрать всё на странице»), then a confirmation showing the count.
 */
export function createAvailabilityFeature(deps: AvailabilityFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  for (const mode of ['enable', 'disable'] as const) {
    feature.command(mode, async (ctx) => {
      const store = await activeStore(ctx);
      if (!store) return replyNoStore(ctx);
      if (!ctx.match.trim()) {
        ctx.session.selection = newSelection(mode, store.id);
        return showSelection(ctx, deps, false);
      }
      const found = await lookUpProducts(ctx, store, ctx.match, mode, MAX_SKUS);
      if (found === 'too-many') return void (await ctx.reply(ctx.t('batch-too-many', { max: MAX_SKUS })));
      if (!found) return; // the seller picks among several, or nothing matched: answered
      const { ids, missing, ambiguous } = found;
      if (missing.length) await ctx.reply(ctx.t('batch-unknown-skus', { skus: html(missing.slice(0, 20).join(', ')) }));
      if (ambiguous.length)
        await ctx.reply(ctx.t('batch-ambiguous', { names: html(ambiguous.slice(0, 20).join(', ')) }));
      if (ids.length === 0) return;
      ctx.session.selection = newSelection(mode, store.id, ids);
      await askConfirmation(ctx, deps, false);
    });

    feature.callbackQuery(pickPattern(mode), async (ctx) => {
      const picked = await pickedProduct(ctx, mode);
      if (!picked) return;
      ctx.session.selection = newSelection(mode, picked.product.store.id, [picked.product.id]);
      await askConfirmation(ctx, deps, false);
    });
  }

  feature.callbackQuery(actionPattern(ACTIONS.batchToggle), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const id = idArg(args[0]);
    // The product is checked against the sender before anything else: another seller's id is refused as such.
    const product = await deps.products.productOf(ctx.seller.id, id, { withRemoved: true });
    if (!product) return refuse(ctx);
    const selection = await selectionOf(ctx, args[1]);
    if (!selection) return;
    if (product.store.id !== selection.storeId) return refuse(ctx);
    selection.ids = selection.ids.includes(product.id)
      ? selection.ids.filter((other) => other !== product.id)
      : [...selection.ids, product.id];
    await ctx.answerCallbackQuery();
    await showSelection(ctx, deps, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.batchAll), async (ctx) => {
    const selection = await selectionOf(ctx, parseCallback(ctx.callbackQuery.data)?.args[0]);
    if (!selection) return;
    const page = await deps.products.onSalePageIds(
      ctx.seller.id,
      selection.storeId,
      selection.mode === 'disable',
      selection.page,
      PAGE_SIZE,
    );
    selection.ids = [...new Set([...selection.ids, ...page])];
    await ctx.answerCallbackQuery();
    await showSelection(ctx, deps, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.batchPage), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const page = Number(args[0]);
    const selection = await selectionOf(ctx, args[1]);
    if (!selection) return;
    await ctx.answerCallbackQuery();
    selection.page = Number.isInteger(page) && page >= 0 ? page : 0;
    await showSelection(ctx, deps, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.batchNo), async (ctx) => {
    // «Отмена» of an older list cancels that list only, never the selection opened since.
    if (!(await selectionOf(ctx, parseCallback(ctx.callbackQuery.data)?.args[0]))) return;
    ctx.session.selection = undefined;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('cancelled')).catch(() => ctx.reply(ctx.t('cancelled')));
  });

  feature.callbackQuery(actionPattern(ACTIONS.batchDone), async (ctx) => {
    if (!(await selectionOf(ctx, parseCallback(ctx.callbackQuery.data)?.args[0]))) return;
    await ctx.answerCallbackQuery();
    await askConfirmation(ctx, deps, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.batchYes), async (ctx) => {
    const selection = await selectionOf(ctx, parseCallback(ctx.callbackQuery.data)?.args[0]);
    if (!selection) return;
    const store = await ownStore(ctx, selection.storeId);
    if (!store) return refuse(ctx);
    ctx.session.selection = undefined; // one confirmation, one batch: a second tap finds nothing to send
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('batch-sending', { count: selection.ids.length })).catch(() => undefined);
    const available = selection.mode === 'enable';
    try {
      const result = await deps.offers.setAvailability(store.id, selection.ids, available);
      const count = result.sent.length + result.unchanged.length;
      const rest: string[] = [];
      if (result.deferred.length) rest.push(ctx.t('batch-deferred', { count: result.deferred.length }));
      if (result.skipped.length) rest.push(ctx.t('batch-skipped', { count: result.skipped.length }));
      rest.push(...refusedLines(ctx, result.skipped));
      const sentIds = result.sent.map((product) => product.id);
      // Recorded before the report: a process that dies after telling «⏳ отправлено» still reads it back, and the
      // report is edited to its outcome once (by whichever process runs the follow-up).
      const followUp = sentIds.length
        ? await deps.followUps.schedule('availability', {
            storeId: store.id,
            productIds: sentIds,
            available,
            chatId: ctx.chat!.id,
            locale: ctx.seller.language,
            batch: { count, rest },
          })
        : undefined;
      const head =
        followUp === undefined
          ? ctx.t(`batch-done-${selection.mode}`, { count })
          : ctx.t(`batch-sent-${selection.mode}`, { count });
      const report = await ctx.reply([head, ...rest].join('\n'));
      if (followUp !== undefined) await deps.followUps.setMessage(followUp, report.message_id);
    } catch (error) {
      if (await replyKaspiError(ctx, error, store.id)) return;
      throw error;
    }
  });
  return feature;
}

export function showSelectionFromMenu(ctx: BotContext, deps: Pick<BotDeps, 'products'>): Promise<void> {
  return showSelection(ctx, deps, false);
}

async function showSelection(ctx: BotContext, deps: Pick<BotDeps, 'products'>, edit: boolean): Promise<void> {
  const selection = ctx.session.selection;
  if (!selection) return;
  const store = await ownStore(ctx, selection.storeId);
  if (!store) return refuse(ctx);
  // Only products that would change are offered: off-sale ones to enable, on-sale ones to disable.
  const { products, total } = await deps.products.onSalePage(
    store.id,
    selection.mode === 'disable',
    selection.page,
    PAGE_SIZE,
  );
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const keyboard = new InlineKeyboard();
  const labels = productRowLabels(
    products.map((product) => ({
      mark: selection.ids.includes(product.id) ? '☑️' : '⬜️',
      price: formatPrice(product.price),
      title: product.title,
      sku: product.sku,
    })),
  );
  products.forEach((product, index) =>
    keyboard.text(labels[index]!, callbackData(ACTIONS.batchToggle, product.id, selection.token)).row(),
  );
  if (products.length)
    keyboard.text(ctx.t('button-select-page'), callbackData(ACTIONS.batchAll, selection.token)).row();
  if (pages > 1) {
    if (selection.page > 0) keyboard.text('◀️', callbackData(ACTIONS.batchPage, selection.page - 1, selection.token));
    keyboard.text(`${selection.page + 1}/${pages}`, callbackData(ACTIONS.batchPage, selection.page, selection.token));
    if (selection.page + 1 < pages)
      keyboard.text('▶️', callbackData(ACTIONS.batchPage, selection.page + 1, selection.token));
    keyboard.row();
  }
  if (selection.ids.length > 0)
    keyboard.text(
      ctx.t('button-batch-done', { count: selection.ids.length }),
      callbackData(ACTIONS.batchDone, selection.token),
    );
  keyboard.text(ctx.t('button-cancel'), callbackData(ACTIONS.batchNo, selection.token));
  const text =
    total === 0
      ? ctx.t(`batch-nothing-${selection.mode}`)
      : ctx.t(`batch-select-${selection.mode}`, { selected: selection.ids.length, total });
  if (edit && ctx.callbackQuery?.message) {
    await ctx.editMessageText(text, { reply_markup: keyboard });
  } else await ctx.reply(text, { reply_markup: keyboard });
}

async function askConfirmation(ctx: BotContext, deps: Pick<BotDeps, 'products'>, edit: boolean): Promise<void> {
  const selection = ctx.session.selection;
  if (!selection) return;
  if (selection.ids.length === 0) return void (await ctx.reply(ctx.t('batch-empty')));
  // The confirmation names what it will change: a «Да» must never be a guess.
  const named = await deps.products.named(selection.storeId, selection.ids, NAMED_IN_CONFIRMATION);
  const lines = [
    ctx.t(`batch-confirm-${selection.mode}`, { count: selection.ids.length }),
    ...named.map((product) => `• ${html(truncate(product.title, 60))} · ${formatPrice(product.price)}`),
  ];
  if (selection.ids.length > named.length)
    lines.push(ctx.t('offers-more', { count: selection.ids.length - named.length }));
  const keyboard = new InlineKeyboard()
    .text(ctx.t('button-yes'), callbackData(ACTIONS.batchYes, selection.token))
    .text(ctx.t('button-no'), callbackData(ACTIONS.batchNo, selection.token));
  const options = { reply_markup: keyboard };
  if (edit && ctx.callbackQuery?.message) await ctx.editMessageText(lines.join('\n'), options);
  else await ctx.reply(lines.join('\n'), options);
}
