import { Composer, InlineKeyboard } from 'grammy';

import type { Product } from '../../db/entities/index.js';
import { cityNameOf, findCity, mainCityOf, priceIn } from '../../catalog/city-prices.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { unknownCityText } from '../replies/city-price-label.js';
import { formatPrice, html, truncate } from '../replies/format.js';
import { whileWorking } from '../replies/chat-action.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { lookUpProduct, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { replyNoStore } from '../replies/no-store.js';

const SHOWN = 15;

/** The rate limit, the seller's stores (to mark own offers), their products and the storefront the market is read from. */
type OffersFeatureDeps = Pick<BotDeps, 'limiter' | 'stores' | 'kaspi' | 'products'>;

/**
 * `/offers <name or SKU> [город]` and «Конкуренты» on a card: the market in one of the store's cities (its main city
 * unless named), cheapest first, own offers marked, with a button for each other city.
 */
export function createOffersFeature(deps: OffersFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('offers', async (ctx) => {
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return void (await ctx.reply(ctx.t('offers-usage')));
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    // «чайник tefal Астана»: trailing words that name one of the store's cities are the city, the rest the product.
    let cityId: string | undefined;
    let nameWords = words;
    for (let count = Math.min(3, words.length - 1); count >= 1 && cityId === undefined; count--) {
      const named = findCity(store.points, words.slice(-count).join(' '));
      if (named) [cityId, nameWords] = [named, words.slice(0, -count)];
    }
    // A last word that names no product and no city is most likely a city mistyped: said so, as before names.
    if (cityId === undefined && words.length > 1) {
      const whole = await deps.products.findProducts(store.id, words.join(' '), 1);
      const trailing = words.at(-1)!;
      if (whole.total === 0 && /^\p{L}/u.test(trailing)) {
        const without = await deps.products.findProducts(store.id, words.slice(0, -1).join(' '), 1);
        if (without.total > 0) return void (await ctx.reply(unknownCityText(ctx, store.points, trailing)));
      }
    }
    const product = await lookUpProduct(ctx, store, nameWords.join(' '), 'offers', cityId ? [cityId] : []);
    if (product) await showCompetitors(deps, ctx, product, cityId);
  });

  feature.callbackQuery(pickPattern('offers'), async (ctx) => {
    const picked = await pickedProduct(ctx, 'offers');
    if (!picked) return;
    const cityId = picked.product.store.points.some((point) => point.cityId === picked.args[0])
      ? picked.args[0]
      : undefined;
    await showCompetitors(deps, ctx, picked.product, cityId);
  });

  feature.callbackQuery(actionPattern(ACTIONS.competitors), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const product = await ownProduct(ctx, idArg(args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery();
    // A city id from a button is only used when it is one of the store's own cities.
    const cityId = args[1] && product.store.points.some((point) => point.cityId === args[1]) ? args[1] : undefined;
    await showCompetitors(deps, ctx, product, cityId);
  });
  return feature;
}

async function showCompetitors(
  deps: OffersFeatureDeps,
  ctx: BotContext,
  product: Product,
  chosenCity?: string,
): Promise<void> {
  const wait = await deps.limiter.take(ctx.seller.id, 'offers');
  if (wait > 0) return void (await ctx.reply(ctx.t('slow-down', { seconds: Math.ceil(wait / 1000) })));
  const stores = await deps.stores.storesOf(ctx.seller.id);
  const store = stores.find((candidate) => candidate.id === product.store.id)!;
  const cityId = chosenCity ?? mainCityOf(product, store.points) ?? store.points[0]?.cityId ?? '750000000';
  const cityName = cityNameOf(store.points, cityId);
  const own = new Set(stores.map((candidate) => candidate.merchantUid));
  let view;
  try {
    view = await whileWorking(ctx, 'typing', () => deps.kaspi.storefront.offers(product.masterSku, cityId));
  } catch (error) {
    if (await replyKaspiError(ctx, error, product.store.id)) return;
    throw error;
  }
  const lines = [
    ctx.t('offers-header', {
      title: html(truncate(product.title, 80)),
      city: html(cityName),
      total: view.offers.length,
    }),
  ];
  lines.push(ctx.t('offers-our-price', { price: formatPrice(priceIn(product, cityId)) }));
  if (view.offers.length === 0) lines.push(ctx.t('offers-none'));
  view.offers.slice(0, SHOWN).forEach((offer, index) => {
    const mine = own.has(offer.merchantId);
    const name = html(truncate(offer.merchantName, 40));
    lines.push(
      `${index + 1}. ${mine ? `<b>${name} — ${ctx.t('offers-yours')}</b>` : name} · ${formatPrice(offer.price)}${offer.preorder ? ` · ${ctx.t('offers-preorder', { days: offer.preorder })}` : ''}`,
    );
  });
  if (view.offers.length > SHOWN) lines.push(ctx.t('offers-more', { count: view.offers.length - SHOWN }));
  const keyboard = new InlineKeyboard();
  const otherCities = [...new Map(store.points.map((point) => [point.cityId, point.cityName]))].filter(
    ([id]) => id !== cityId,
  );
  for (const [otherId, otherName] of otherCities)
    keyboard.text(`🏙 ${truncate(otherName, 20)}`, callbackData(ACTIONS.competitors, product.id, otherId));
  if (otherCities.length) keyboard.row();
  keyboard.text(ctx.t('button-back-to-card'), callbackData(ACTIONS.product, product.id));
  // Pressed on the card (or on this view's city buttons): the view takes the card's place and «К товару» brings
  // the card back in the same message, so the chat never holds two copies of one card.
  const pressed = ctx.callbackQuery?.message;
  if (pressed && 'text' in pressed && pressed.text !== undefined)
    await ctx
      .editMessageText(lines.join('\n'), { reply_markup: keyboard })
      .catch(() => ctx.reply(lines.join('\n'), { reply_markup: keyboard }));
  else await ctx.reply(lines.join('\n'), { reply_markup: keyboard });
}
