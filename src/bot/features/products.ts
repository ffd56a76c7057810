import { Composer, InlineKeyboard } from 'grammy';

import type { Product } from '../../db/entities/index.js';
import { shortPriceLabel } from '../replies/city-price-label.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import type { AvailabilityPayload } from '../../follow-ups/types.js';
import { clip, html } from '../replies/format.js';
import { productRowLabels } from '../replies/product-rows.js';
import { cardViewOf, productCard } from '../replies/product-card.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { refusedLines } from '../replies/refusals.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { onePress } from '../guards/repeated-press.js';

export const PAGE_SIZE = 8;

const LIST_ALL = 'a';
const LIST_SEARCH = 's';

/** The list and the card read the store's products and their last market check; «Вкл/Выкл» sends and reads back. */
type ProductsFeatureDeps = Pick<BotDeps, 'products' | 'history' | 'offers' | 'followUps' | 'presses'>;

/** `/products [text]`: the paginated, searchable product list and the product card. */
export function createProductsFeature(deps: ProductsFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('products', async (ctx) => {
    ctx.session.search = clip(ctx.match.trim(), 100) || undefined; // clip: the session is stored as jsonb
    await showProductList(ctx, deps, 0, false);
  });

  feature.callbackQuery(actionPattern(ACTIONS.list), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const page = Number(args[0] ?? 0);
    // A page button of the full list stays the full list, whatever was searched since («a» = all products).
    if (args[1] === LIST_ALL) ctx.session.search = undefined;
    await ctx.answerCallbackQuery();
    await showProductList(ctx, deps, Number.isInteger(page) && page >= 0 && page < 10_000 ? page : 0, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.product), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const product = await ownProduct(ctx, idArg(args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await showProductCard(ctx, deps, product, true, listPage(args[1]));
  });

  feature.callbackQuery(
    actionPattern(ACTIONS.onSale),
    onePress(deps.presses, async (ctx) => {
      const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
      const product = await ownProduct(ctx, idArg(args[0]));
      if (!product || (args[1] !== '0' && args[1] !== '1')) return refuse(ctx);
      const available = args[1] === '1';
      const card = ctx.callbackQuery.message;
      // The redrawn card keeps its «К списку» page, read off the card's own back button.
      const page = cardPage(card);
      // An older card's button: the offer is already in the asked state. Nothing is sent; the card is redrawn.
      if (product.onSale === available) {
        await ctx.answerCallbackQuery({
          text: ctx.t(available ? 'availability-already-on' : 'availability-already-off'),
          show_alert: true,
        });
        if (card) await redrawCard(ctx, deps, card.chat.id, card.message_id, product.id, page);
        return;
      }
      await ctx.answerCallbackQuery({ text: ctx.t('availability-sending') });
      try {
        const result = await deps.offers.setAvailability(product.store.id, [product.id], available);
        // Sent is not done: Kaspi applies it later, and the card redraws itself when it shows the new state.
        const key = result.sent.length
          ? available
            ? 'availability-on-sent'
            : 'availability-off-sent'
          : result.unchanged.length
            ? available
              ? 'availability-on-done'
              : 'availability-off-done'
            : 'availability-failed';
        const title = html(product.title);
        // Recorded before the report: a process that dies after telling «отправлено» still reads it back.
        const followUp = result.sent.length
          ? await scheduleAvailabilityReadBack(
              ctx,
              deps,
              product.store.id,
              [product.id],
              available,
              card && { messageId: card.message_id, productId: product.id, page, timezone: ctx.seller.timezone },
              title,
            )
          : undefined;
        const refused = refusedLines(ctx, result.skipped);
        const report = await ctx.reply(
          [ctx.t(key, { count: result.sent.length + result.unchanged.length, title }), ...refused].join('\n'),
        );
        // The «⏳ отправлено» report is the one the read-back edits to its outcome.
        if (followUp !== undefined) await deps.followUps.setMessage(followUp, report.message_id);
        if ((result.unchanged.length || !result.sent.length) && card)
          await redrawCard(ctx, deps, card.chat.id, card.message_id, product.id, page);
      } catch (error) {
        if (await replyKaspiError(ctx, error, product.store.id)) return;
        throw error;
      }
    }),
  );
  return feature;
}

/** The list page a card's «К списку» goes back to, read off the card's own back button. */
function cardPage(card: BotContext['msg']): number {
  const back =
    card && 'reply_markup' in card
      ? card.reply_markup?.inline_keyboard
          .flat()
          .find((button) => 'callback_data' in button && parseCallback(button.callback_data)?.action === ACTIONS.list)
      : undefined;
  return listPage(back && 'callback_data' in back ? parseCallback(back.callback_data)?.args[0] : undefined);
}

/** The list page a card was opened from (its «К списку» goes back there); page 1 when unknown. */
function listPage(arg: string | undefined): number {
  const page = Number(arg ?? 0);
  return Number.isInteger(page) && page >= 0 && page < 10_000 ? page : 0;
}

/**
 * Kaspi applies an on/off later: a follow-up reads the offers back (surviving a restart) and says so when it
 * does not show in time; a card it was pressed on is redrawn once it does.
 */
async function scheduleAvailabilityReadBack(
  ctx: BotContext,
  deps: Pick<BotDeps, 'followUps'>,
  storeId: number,
  productIds: number[],
  available: boolean,
  card?: AvailabilityPayload['card'],
  /** The one product a «⏳ отправлено» report names (HTML-escaped): that report is edited to the outcome. */
  title?: string,
): Promise<number> {
  return deps.followUps.schedule('availability', {
    storeId,
    productIds,
    available,
    chatId: ctx.chat!.id,
    locale: ctx.seller.language,
    ...(card ? { card } : {}),
    ...(title === undefined ? {} : { title }),
  });
}

export async function showProductList(
  ctx: BotContext,
  deps: Pick<BotDeps, 'products'>,
  requestedPage: number,
  edit: boolean,
): Promise<void> {
  const store = await activeStore(ctx);
  if (!store)
    return void (await ctx.reply(ctx.t('no-store'), {
      reply_markup: new InlineKeyboard().text(ctx.t('button-login'), callbackData(ACTIONS.menu, 'login')),
    }));
  const search = ctx.session.search;
  const pageAt = (at: number) => deps.products.listPage(store.id, search, at, PAGE_SIZE);
  let { products, total } = await pageAt(requestedPage);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // A page past the end (an old «К списку» after a narrower search, or products removed since): the last one.
  const current = Math.min(requestedPage, pages - 1);
  if (current !== requestedPage) ({ products, total } = await pageAt(current));
  let text: string;
  // A search in a store with no products at all: the store is empty, not the search (say where products come from).
  const storeEmpty = total === 0 && (!search || (await deps.products.liveCount(store.id)) === 0);
  if (storeEmpty) text = ctx.t('products-empty', { store: html(store.name) });
  else if (total === 0) text = ctx.t('products-none-found', { search: html(search ?? '') });
  else
    text = ctx.t(search ? 'products-found' : 'products-header', {
      store: html(store.name),
      total,
      page: current + 1,
      pages,
      search: html(search ?? ''),
    });
  const keyboard = new InlineKeyboard();
  const labels = productRowLabels(
    products.map((product) => ({
      mark: product.onSale ? '🟢' : '⚪️',
      price: shortPriceLabel(product, store.points),
      title: product.title,
      sku: product.sku,
    })),
  );
  products.forEach((product, index) =>
    keyboard.text(labels[index]!, callbackData(ACTIONS.product, product.id, current)).row(),
  );
  if (pages > 1) {
    const scope = search ? LIST_SEARCH : LIST_ALL;
    if (current > 0) keyboard.text('◀️', callbackData(ACTIONS.list, current - 1, scope));
    keyboard.text(`${current + 1}/${pages}`, callbackData(ACTIONS.list, current, scope));
    if (current + 1 < pages) keyboard.text('▶️', callbackData(ACTIONS.list, current + 1, scope));
  }
  if (storeEmpty) keyboard.text(ctx.t('button-sync'), callbackData(ACTIONS.sync, store.id));
  const options = { reply_markup: keyboard };
  if (edit && ctx.callbackQuery?.message) {
    await ctx.editMessageText(text, options);
  } else await ctx.reply(text, options);
}

async function showProductCard(
  ctx: BotContext,
  deps: Pick<BotDeps, 'products' | 'history'>,
  product: Product,
  edit: boolean,
  page = 0,
): Promise<void> {
  const { text, keyboard } = await productCard(cardViewOf(ctx, deps), product, page);
  const options = { reply_markup: keyboard };
  if (edit && ctx.callbackQuery?.message)
    await ctx.editMessageText(text, options).catch(() => ctx.reply(text, options));
  else await ctx.reply(text, options);
}

/** Edits a card shown earlier to the product's current state (nothing to send: Kaspi already showed it). */
async function redrawCard(
  ctx: BotContext,
  deps: Pick<BotDeps, 'products' | 'history'>,
  chatId: number,
  messageId: number,
  productId: number,
  page: number,
): Promise<void> {
  const product = await ownProduct(ctx, productId);
  if (!product) return;
  const { text, keyboard } = await productCard(cardViewOf(ctx, deps), product, page);
  await ctx.api
    .editMessageText(chatId, messageId, text, { reply_markup: keyboard })
    .catch((error: unknown) => ctx.logger.debug({ err: error }, 'could not redraw the product card'));
}
