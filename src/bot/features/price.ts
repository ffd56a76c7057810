import { Composer } from 'grammy';

import { findCity, priceIn } from '../../catalog/city-prices.js';
import { unknownCityText } from '../replies/city-price-label.js';
import { ACTIONS, actionPattern, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { clip, formatPrice, html, parsePrice } from '../replies/format.js';
import { ALL_CITIES, NOTHING_CONFIRMED, sendManualPrice } from '../flows/manual-price.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { lookUpProduct, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { PRICE_EDIT } from '../../../conversations/names.js';
import { replyNoStore } from '../replies/no-store.js';

/** Products are looked up by what the seller typed. */
type PriceFeatureDeps = Pick<BotDeps, 'products'>;

/**
 * `/price <name or SKU> <price> [город]` (only a name: the price is asked), «Изменить цену» on a card, the question «во всех городах или только в …?» for an
 * offer whose cities differ, and the confirmation of a price below the floor.
 */
export function createPriceFeature(deps: PriceFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('price', async (ctx) => {
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return void (await ctx.reply(ctx.t('price-usage')));
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    const command = readPriceCommand(words, store.points);
    // Only a product (no price): the price is asked next, as «Изменить цену» on its card does.
    if (command.splits.length === 0) {
      const typed = words.join(' ');
      if ((await deps.products.findProducts(store.id, typed, 1)).total === 0 && words.length > 1) {
        const trailing = words.at(-1)!;
        if (command.unknownCity && /^\p{L}/u.test(trailing))
          return void (await ctx.reply(unknownCityText(ctx, store.points, trailing)));
        if ((await deps.products.findProducts(store.id, words.slice(0, -1).join(' '), 1)).total > 0)
          return void (await ctx.reply(ctx.t('price-invalid', { text: html(clip(trailing, 40)) })));
      }
      const product = await lookUpProduct(ctx, store, typed, 'price');
      if (product) await ctx.conversation.enter(PRICE_EDIT, product.id);
      return;
    }
    // «Lite 5 990»: «Lite» at 5 990 ₸ or «Lite 5» at 990 ₸ — the first reading whose name finds a product.
    let chosen = command.splits[0]!;
    for (const split of command.splits) {
      if ((await deps.products.findProducts(store.id, split.name, 1)).total > 0) {
        chosen = split;
        break;
      }
    }
    const args = [String(chosen.price), command.city ?? ''];
    const product = await lookUpProduct(ctx, store, chosen.name, 'price', args);
    if (product) await sendManualPrice(ctx, product, chosen.price, NOTHING_CONFIRMED, command.city);
  });

  feature.callbackQuery(pickPattern('price'), async (ctx) => {
    const picked = await pickedProduct(ctx, 'price');
    if (!picked) return;
    const [priceText, city] = picked.args;
    const price = idArg(priceText);
    if (price === undefined) return void (await ctx.conversation.enter(PRICE_EDIT, picked.product.id));
    const cityId = city && picked.product.store.points.some((point) => point.cityId === city) ? city : undefined;
    await sendManualPrice(ctx, picked.product, price, NOTHING_CONFIRMED, cityId);
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

/**
 * `/price <name or SKU> <price> [город]` read from the end: the trailing words that name one of the store's cities
 * are the city, then the price («12990», «12 990»), the rest the product. Each way the digits can split between
 * name and price is a reading, the one with the most digits in the price first. No reading: only a product was
 * named, or the words end in what may be a mistyped city (`unknownCity`).
 */
function readPriceCommand(
  words: string[],
  points: Parameters<typeof findCity>[0],
): { city?: string; splits: { name: string; price: number }[]; unknownCity: boolean } {
  let city: string | undefined;
  let rest = words;
  for (let count = Math.min(3, words.length - 2); count >= 1 && city === undefined; count--) {
    const named = findCity(points, words.slice(-count).join(' '));
    if (named) [city, rest] = [named, words.slice(0, -count)];
  }
  const readings = (tokens: string[]) => {
    const found: { name: string; price: number }[] = [];
    for (let count = Math.min(3, tokens.length - 1); count >= 1; count--) {
      const priceWords = tokens.slice(-count);
      // «12 990»: the groups after the first are thousands, three digits each.
      if (count > 1 && !priceWords.slice(1).every((word) => /^\d{3}$/.test(word))) continue;
      if (count > 1 && !/^\d{1,3}$/.test(priceWords[0]!)) continue;
      const price = parsePrice(priceWords.join(' '));
      if (price !== undefined) found.push({ name: tokens.slice(0, -count).join(' '), price });
    }
    return found;
  };
  const splits = readings(rest);
  return { city, splits, unknownCity: city === undefined && readings(words.slice(0, -1)).length > 0 };
}
