import { Composer, InlineKeyboard } from 'grammy';

import { StoreSchema, type Product } from '../../db/entities/index.js';
import { decisiveCityOf } from '../../demper/settings.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { formatPrice, html, truncate } from '../helpers/format.js';
import { whileWorking } from '../helpers/chat-action.js';
import { replyKaspiError } from '../helpers/kaspi-errors.js';
import { activeStore, ownProduct, ownProductBySku, refuse } from '../helpers/ownership.js';

const SHOWN = 15;

/** `/offers <sku>` and «Конкуренты» on a card: the market in the store's city, cheapest first, own offers marked. */
export const offersFeature = new Composer<BotContext>();

offersFeature.command('offers', async (ctx) => {
  const sku = ctx.match.trim().split(/\s+/)[0];
  if (!sku) return void (await ctx.reply(ctx.t('offers-usage')));
  const store = await activeStore(ctx);
  if (!store) return void (await ctx.reply(ctx.t('no-store')));
  const product = await ownProductBySku(ctx, store, sku);
  if (!product) return void (await ctx.reply(ctx.t('product-not-found', { sku: html(sku) }), { parse_mode: 'HTML' }));
  await showCompetitors(ctx, product);
});

offersFeature.callbackQuery(actionPattern(ACTIONS.competitors), async (ctx) => {
  const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
  if (!product) return refuse(ctx);
  await ctx.answerCallbackQuery();
  await showCompetitors(ctx, product);
});

async function showCompetitors(ctx: BotContext, product: Product): Promise<void> {
  const wait = await ctx.deps.limiter.take(ctx.seller.id, 'offers');
  if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
  const em = ctx.deps.orm.em.fork();
  const stores = await em.find(StoreSchema, { seller: ctx.seller.id });
  const store = stores.find((candidate) => candidate.id === product.store.id)!;
  const cityId = decisiveCityOf(product, store.points) ?? store.points[0]?.cityId ?? '750000000';
  const cityName = store.points.find((point) => point.cityId === cityId)?.cityName ?? cityId;
  const own = new Set(stores.map((candidate) => candidate.merchantUid));
  let view;
  try {
    view = await whileWorking(ctx, 'typing', () => ctx.deps.kaspi.storefront.offers(product.masterSku, cityId));
  } catch (error) {
    if (await replyKaspiError(ctx, error, product.store.id)) return;
    throw error;
  }
  const lines = [ctx.t('offers-header', { title: html(truncate(product.title, 80)), city: html(cityName), total: view.offers.length })];
  if (view.offers.length === 0) lines.push(ctx.t('offers-none'));
  view.offers.slice(0, SHOWN).forEach((offer, index) => {
    const mine = own.has(offer.merchantId);
    const name = html(truncate(offer.merchantName, 40));
    lines.push(`${index + 1}. ${mine ? `<b>${name} — ${ctx.t('offers-yours')}</b>` : name} · ${formatPrice(offer.price)}${offer.preorder ? ` · ${ctx.t('offers-preorder', { days: offer.preorder })}` : ''}`);
  });
  if (view.offers.length > SHOWN) lines.push(ctx.t('offers-more', { count: view.offers.length - SHOWN }));
  const keyboard = new InlineKeyboard().text(ctx.t('button-back-to-card'), callbackData(ACTIONS.product, product.id));
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}
