import { Composer } from 'grammy';

import { findCity, priceIn } from '../../catalog/city-prices.js';
import { unknownCityText } from '../replies/city-price-label.js';
import { ACTIONS, actionPattern, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import { clip, formatPrice, html, parsePrice } from '../replies/format.js';
import { ALL_CITIES, NOTHING_CONFIRMED, sendManualPrice } from '../flows/manual-price.js';
import { activeStore, ownProduct, ownProductBySku, refuse } from '../guards/ownership.js';
import { PRICE_EDIT } from '../../../conversations/names.js';
import { replyNoStore } from '../replies/no-store.js';

/**
 * `/price <sku> <price> [город]`, «Изменить цену» on a card, the question «во всех городах или только в …?» for an
 * offer whose cities differ, and the confirmation of a price below the floor.
 */
export function createPriceFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('price', async (ctx) => {
    const [sku, ...rest] = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (!sku || rest.length === 0) return void (await ctx.reply(ctx.t('price-usage')));
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    // «12 990 Астана»: the trailing words that name one of the store's cities are the city, the rest the price.
    let city: string | undefined;
    let priceWords = rest;
    for (let words = Math.min(3, rest.length - 1); words >= 1 && city === undefined; words--) {
      const named = findCity(store.points, rest.slice(-words).join(' '));
      if (named) [city, priceWords] = [named, rest.slice(0, -words)];
    }
    const price = parsePrice(priceWords.join(' '));
    if (price === undefined) {
      const trailing = rest.at(-1)!;
      if (rest.length > 1 && /^\p{L}/u.test(trailing)) {
        return void (await ctx.reply(unknownCityText(ctx, store.points, trailing)));
      }
      return void (await ctx.reply(ctx.t('price-invalid', { text: html(clip(rest.join(' '), 40)) })));
    }
    const product = await ownProductBySku(ctx, store, sku);
    if (!product) return void (await ctx.reply(ctx.t('product-not-found', { sku: html(sku) })));
    await sendManualPrice(ctx, product, price, NOTHING_CONFIRMED, city);
  });

  feature.callbackQuery(actionPattern(ACTIONS.priceCity), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const product = await ownProduct(ctx, idArg(args[0]));
    const price = idArg(args[1]);
    const scope =
      args[2] === ALL_CITIES || product?.store.points.some((point) => point.cityId === args[2]) ? args[2] : undefined;
    if (!product || price === undefined || !scope) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined); // one answer, one write
    await sendManualPrice(ctx, product, price, NOTHING_CONFIRMED, scope === ALL_CITIES ? undefined : scope, true);
  });

  feature.callbackQuery(actionPattern(ACTIONS.priceEdit), async (ctx) => {
    const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(PRICE_EDIT, product.id);
  });

  feature.callbackQuery(actionPattern(ACTIONS.priceConfirm), async (ctx) => {
    const args = parseCallback(ctx.callbackQuery.data)?.args ?? [];
    const product = await ownProduct(ctx, idArg(args[0]));
    const price = idArg(args[1]);
    if (!product || price === undefined) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined); // one confirmation, one write
    // A «Да» answers the question as it was asked: about this product's price then, and the floor then. A
    // button from before a later change of either (or from before this format) asks again instead of sending.
    const askedAt = args[2] !== undefined && /^\d{1,10}$/.test(args[2]) ? Number(args[2]) : undefined;
    const cityId = args[4] && args[4] !== ALL_CITIES ? args[4] : undefined;
    if (cityId && !product.store.points.some((point) => point.cityId === cityId)) return refuse(ctx);
    const current = cityId ? priceIn(product, cityId) : product.price;
    if (askedAt === undefined || askedAt !== current) {
      return void (await ctx.reply(
        ctx.t('price-confirm-stale', { title: html(product.title), current: formatPrice(current) }),
      ));
    }
    await sendManualPrice(
      ctx,
      product,
      price,
      { floor: idArg(args[3]) ?? 0, bigChange: true },
      cityId,
      args[4] !== undefined,
    );
  });
  return feature;
}
