import { Composer, InlineKeyboard } from 'grammy';

import { ProductSchema } from '../../db/entities/index.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { formatPrice, html, truncate } from '../helpers/format.js';
import { replyKaspiError } from '../helpers/kaspi-errors.js';
import { activeStore, ownStore, refuse } from '../helpers/ownership.js';
import { PAGE_SIZE, verifyAvailabilityLater } from './products.js';

const MAX_SKUS = 200;

/**
 * `/enable`, `/disable`: with SKUs, a confirmation and one batch; without, a multi-select list of the products
 * that can change (with «выбрать всё на странице»), then a confirmation showing the count.
 */
export const availabilityFeature = new Composer<BotContext>();

for (const mode of ['enable', 'disable'] as const) {
  availabilityFeature.command(mode, async (ctx) => {
    const store = await activeStore(ctx);
    if (!store) return void (await ctx.reply(ctx.t('no-store')));
    const skus = [...new Set(ctx.match.trim().split(/[\s,;]+/).filter(Boolean))];
    if (skus.length > MAX_SKUS) return void (await ctx.reply(ctx.t('batch-too-many', { max: MAX_SKUS })));
    if (skus.length === 0) {
      ctx.session.selection = { mode, ids: [], page: 0, storeId: store.id };
      return showSelection(ctx, false);
    }
    const products = await ctx.deps.orm.em.fork().find(ProductSchema, { store: store.id, sku: { $in: skus }, removedAt: null });
    const missing = skus.filter((sku) => !products.some((product) => product.sku === sku));
    if (missing.length) await ctx.reply(ctx.t('batch-unknown-skus', { skus: html(missing.slice(0, 20).join(', ')) }), { parse_mode: 'HTML' });
    if (products.length === 0) return;
    ctx.session.selection = { mode, ids: products.map((product) => product.id), page: 0, storeId: store.id };
    await askConfirmation(ctx, false);
  });
}

export function showSelectionFromMenu(ctx: BotContext): Promise<void> {
  return showSelection(ctx, false);
}

async function showSelection(ctx: BotContext, edit: boolean): Promise<void> {
  const selection = ctx.session.selection;
  if (!selection) return;
  const store = await ownStore(ctx, selection.storeId);
  if (!store) return refuse(ctx);
  // Only products that would change are offered: off-sale ones to enable, on-sale ones to disable.
  const [products, total] = await ctx.deps.orm.em.fork().findAndCount(
    ProductSchema,
    { store: store.id, removedAt: null, onSale: selection.mode === 'disable' },
    { orderBy: { title: 'ASC', id: 'ASC' }, limit: PAGE_SIZE, offset: selection.page * PAGE_SIZE },
  );
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const keyboard = new InlineKeyboard();
  for (const product of products) {
    const ticked = selection.ids.includes(product.id);
    keyboard.text(`${ticked ? '☑️' : '⬜️'} ${truncate(product.title, 36)} · ${formatPrice(product.price)}`, callbackData(ACTIONS.batchToggle, product.id)).row();
  }
  if (products.length) keyboard.text(ctx.t('button-select-page'), callbackData(ACTIONS.batchAll)).row();
  if (pages > 1) {
    if (selection.page > 0) keyboard.text('◀️', callbackData(ACTIONS.batchPage, selection.page - 1));
    keyboard.text(`${selection.page + 1}/${pages}`, callbackData(ACTIONS.batchPage, selection.page));
    if (selection.page + 1 < pages) keyboard.text('▶️', callbackData(ACTIONS.batchPage, selection.page + 1));
    keyboard.row();
  }
  keyboard.text(ctx.t('button-batch-done', { count: selection.ids.length }), callbackData(ACTIONS.batchDone)).text(ctx.t('button-cancel'), callbackData(ACTIONS.batchNo));
  const text = total === 0 ? ctx.t(`batch-nothing-${selection.mode}`) : ctx.t(`batch-select-${selection.mode}`, { selected: selection.ids.length, total });
  if (edit && ctx.callbackQuery?.message) {
    await ctx.editMessageText(text, { reply_markup: keyboard });
  } else await ctx.reply(text, { reply_markup: keyboard });
}

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchToggle), async (ctx) => {
  const selection = ctx.session.selection;
  const id = idArg(parseCallback(ctx.callbackQuery.data)?.args[0]);
  if (!selection) return void (await ctx.answerCallbackQuery({ text: ctx.t('batch-expired') }));
  const product = id === undefined ? null : await ctx.deps.orm.em.fork().findOne(ProductSchema, { id, store: { id: selection.storeId, seller: ctx.seller.id } });
  if (!product) return refuse(ctx);
  selection.ids = selection.ids.includes(product.id) ? selection.ids.filter((other) => other !== product.id) : [...selection.ids, product.id];
  await ctx.answerCallbackQuery();
  await showSelection(ctx, true);
});

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchAll), async (ctx) => {
  const selection = ctx.session.selection;
  if (!selection) return void (await ctx.answerCallbackQuery({ text: ctx.t('batch-expired') }));
  const page = await ctx.deps.orm.em.fork().find(
    ProductSchema,
    { store: { id: selection.storeId, seller: ctx.seller.id }, removedAt: null, onSale: selection.mode === 'disable' },
    { orderBy: { title: 'ASC', id: 'ASC' }, limit: PAGE_SIZE, offset: selection.page * PAGE_SIZE, fields: ['id'] },
  );
  selection.ids = [...new Set([...selection.ids, ...page.map((product) => product.id)])];
  await ctx.answerCallbackQuery();
  await showSelection(ctx, true);
});

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchPage), async (ctx) => {
  const selection = ctx.session.selection;
  const page = Number(parseCallback(ctx.callbackQuery.data)?.args[0]);
  if (!selection) return void (await ctx.answerCallbackQuery({ text: ctx.t('batch-expired') }));
  await ctx.answerCallbackQuery();
  selection.page = Number.isInteger(page) && page >= 0 ? page : 0;
  await showSelection(ctx, true);
});

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchNo), async (ctx) => {
  ctx.session.selection = undefined;
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('cancelled')).catch(() => ctx.reply(ctx.t('cancelled')));
});

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchDone), async (ctx) => {
  await ctx.answerCallbackQuery();
  await askConfirmation(ctx, true);
});

async function askConfirmation(ctx: BotContext, edit: boolean): Promise<void> {
  const selection = ctx.session.selection;
  if (!selection) return;
  if (selection.ids.length === 0) return void (await ctx.reply(ctx.t('batch-empty')));
  const text = ctx.t(`batch-confirm-${selection.mode}`, { count: selection.ids.length });
  const keyboard = new InlineKeyboard().text(ctx.t('button-yes'), callbackData(ACTIONS.batchYes)).text(ctx.t('button-no'), callbackData(ACTIONS.batchNo));
  if (edit && ctx.callbackQuery?.message) await ctx.editMessageText(text, { reply_markup: keyboard });
  else await ctx.reply(text, { reply_markup: keyboard });
}

availabilityFeature.callbackQuery(actionPattern(ACTIONS.batchYes), async (ctx) => {
  const selection = ctx.session.selection;
  if (!selection) return void (await ctx.answerCallbackQuery({ text: ctx.t('batch-expired') }));
  const store = await ownStore(ctx, selection.storeId);
  if (!store) return refuse(ctx);
  ctx.session.selection = undefined; // one confirmation, one batch: a second tap finds nothing to send
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('batch-sending', { count: selection.ids.length })).catch(() => undefined);
  const available = selection.mode === 'enable';
  try {
    const result = await ctx.deps.offers.setAvailability(store.id, selection.ids, available);
    const lines = [ctx.t(`batch-done-${selection.mode}`, { count: result.sent.length + result.unchanged.length })];
    if (result.deferred.length) lines.push(ctx.t('batch-deferred', { count: result.deferred.length }));
    if (result.skipped.length) lines.push(ctx.t('batch-skipped', { count: result.skipped.length }));
    await ctx.reply(lines.join('\n'));
    const sentIds = result.sent.map((product) => product.id);
    if (sentIds.length) ctx.deps.background.start(`verify-availability:${store.id}:${sentIds.join(',').slice(0, 200)}`, () => verifyAvailabilityLater(ctx, store.id, sentIds, available));
  } catch (error) {
    if (await replyKaspiError(ctx, error, store.id)) return;
    throw error;
  }
});
