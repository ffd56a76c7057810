import { InlineKeyboard } from 'grammy';

import { cityIdsOf, cityNameOf, floorIn, priceIn, pricesDiffer } from '../../catalog/city-prices.js';
import type { SetPriceResult } from '../../catalog/offer-actions.js';
import type { Product } from '../../db/entities/index.js';
import { KASPI_MIN_PRICE } from '../../kaspi/offer-writes.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { ownProduct, refuse } from '../guards/ownership.js';
import { titleInCity } from '../replies/city-price-label.js';
import { formatPrice, html } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { refusalText } from '../replies/refusals.js';
import { priceJump } from './price-jump.js';

// A manual price is sent from `/price` and its buttons, from the price-edit conversation, and reported the same
// way when the seller confirms a demper proposal: it sits below the features and conversations that send it.

/** Every city of the offer (the scope a `/price` without a city means once the seller chose it). */
export const ALL_CITIES = 'all';

/** What the seller already said «Да» to: going under this floor (0: none), a change far from the current price. */
export interface PriceConfirmations {
  floor: number;
  bigChange: boolean;
}

export const NOTHING_CONFIRMED: PriceConfirmations = { floor: 0, bigChange: false };

/**
 * Sends a manual price and reports it; a follow-up reads it back and edits the report when Kaspi shows the
 * price (or says it did not). Below the floor, or far from the current price, it asks first.
 *
 * `target`: a product this update already found among the sender's own, or an id to check now (a
 * conversation's product may have been removed or resynced between its steps).
 */
export async function sendManualPrice(
  ctx: BotContext,
  target: Product | number,
  price: number,
  confirmed: PriceConfirmations = NOTHING_CONFIRMED,
  cityId?: string,
  scopeChosen = false,
): Promise<void> {
  const product = typeof target === 'number' ? await ownProduct(ctx, target) : target;
  if (!product) return refuse(ctx);
  const points = product.store.points;
  // An offer priced differently per city: the seller says where the new price goes before anything is asked or sent.
  if (cityId === undefined && !scopeChosen && pricesDiffer(product, points)) return askCityScope(ctx, product, price);
  const cities = cityId ? [cityId] : cityIdsOf(product, points);
  const title = titleInCity(product.title, points, cityId);
  const floors = cities
    .map((city) => floorIn(product, city))
    .filter((value): value is number => value !== null && price < value);
  const floor = floors.length ? Math.max(...floors) : (floorIn(product, cityId) ?? null);
  const belowFloor = floor !== null && price < floor;
  const currentPrice = cityId ? priceIn(product, cityId) : product.price;
  // Below the floor the floor's own question is asked (its «Да» covers a big change too: the stronger
  // warning is the one shown). It must name today's floor: a floor raised since the question asks again.
  if (belowFloor && confirmed.floor !== floor && price >= KASPI_MIN_PRICE) {
    return void (await ctx.reply(
      ctx.t('price-below-floor', { title, price: formatPrice(price), floor: formatPrice(floor) }),
      {
        reply_markup: confirmKeyboard(ctx, product, price, floor, cityId, scopeChosen),
      },
    ));
  }
  // A missing or an extra zero costs real money: a price far below or far above the current one is asked again.
  const jump =
    !belowFloor && !confirmed.bigChange && price >= KASPI_MIN_PRICE ? priceJump(currentPrice, price) : undefined;
  if (jump) {
    const variables: Record<string, string | number> = {
      title,
      price: formatPrice(price),
      old: formatPrice(currentPrice),
      ...(jump.kind === 'drop' ? { percent: jump.percent } : { times: jump.times }),
    };
    return void (await ctx.reply(ctx.t(jump.kind === 'drop' ? 'price-big-drop' : 'price-big-rise', variables), {
      reply_markup: confirmKeyboard(ctx, product, price, 0, cityId, scopeChosen),
    }));
  }
  let result;
  try {
    result = await ctx.deps.offers.setPrice(product.id, price, {
      cityId,
      confirmedFloor: belowFloor ? floor : undefined,
      reasonText: ctx.t('price-reason-manual'),
    });
  } catch (error) {
    if (await replyKaspiError(ctx, error, product.store.id)) return;
    throw error;
  }
  await reportPriceResult(ctx, ctx.deps, product, price, result, undefined, cityId);
}

/** «Во всех городах или только в …?»: one button for every city, one for each city alone. */
async function askCityScope(ctx: BotContext, product: Product, price: number): Promise<void> {
  const points = product.store.points;
  const cities = cityIdsOf(product, points);
  const now = cities
    .map((city) => `${html(cityNameOf(points, city))} — ${formatPrice(priceIn(product, city))}`)
    .join('\n');
  const keyboard = new InlineKeyboard()
    .text(ctx.t('button-price-all-cities'), callbackData(ACTIONS.priceCity, product.id, price, ALL_CITIES))
    .row();
  for (const city of cities)
    keyboard
      .text(
        ctx.t('button-price-one-city', { city: cityNameOf(points, city) }),
        callbackData(ACTIONS.priceCity, product.id, price, city),
      )
      .row();
  keyboard.text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel));
  await ctx.reply(ctx.t('price-which-cities', { title: html(product.title), price: formatPrice(price), now }), {
    reply_markup: keyboard,
  });
}

/**
 * Tells the seller what became of a price they asked for (by hand or by confirming a demper proposal); a sent
 * one is read back by a follow-up and its message edited to what Kaspi shows. `sentText` replaces the
 * manual «Отправлено в Kaspi» line. `deps.followUps` schedules the read-back.
 */
export async function reportPriceResult(
  ctx: BotContext,
  deps: Pick<BotDeps, 'followUps'>,
  product: Product,
  price: number,
  result: SetPriceResult,
  sentText?: string,
  cityId?: string,
): Promise<void> {
  const points = product.store.points;
  const title = titleInCity(product.title, points, cityId);
  switch (result.status) {
    case 'below-kaspi-minimum':
      return void (await ctx.reply(ctx.t('price-below-kaspi-minimum', { minimum: formatPrice(KASPI_MIN_PRICE) })));
    case 'below-floor':
      // The floor was raised between the question and the write: asked again, about the new floor.
      return void (await ctx.reply(
        ctx.t('price-below-floor', { title, price: formatPrice(price), floor: formatPrice(result.floor) }),
        {
          reply_markup: confirmKeyboard(ctx, product, price, result.floor, cityId, true),
        },
      ));
    case 'city-not-sold':
      return void (await ctx.reply(
        ctx.t('price-city-not-sold', { title, city: html(cityNameOf(points, result.cityId)) }),
      ));
    case 'refused':
      return void (await ctx.reply(ctx.t('price-refused', { title, reasons: refusalText(ctx, result.codes) })));
    case 'cannot-write':
      return void (await ctx.reply(ctx.t('price-cannot-write', { title })));
    case 'not-found':
      return void (await ctx.reply(ctx.t('price-offer-gone', { title })));
    case 'unchanged':
      return void (await ctx.reply(ctx.t('price-unchanged', { title, price: formatPrice(result.price) })));
    case 'already-sent':
      return void (await ctx.reply(ctx.t('price-already-sent', { title, price: formatPrice(price) })));
    case 'changed-outside':
      return void (await ctx.reply(ctx.t('price-unchanged', { title, price: formatPrice(result.livePrice) })));
    case 'budget-spent':
      return void (await ctx.reply(ctx.t('kaspi-error-rate-limited', { minutes: result.retryInMinutes })));
    case 'sent': {
      // Several cities moved from prices of their own: each city's old price is named.
      const old =
        result.cities.length > 1 && new Set(result.cities.map((city) => city.oldPrice)).size > 1
          ? result.cities
              .map((city) => `${html(cityNameOf(points, city.cityId))} ${formatPrice(city.oldPrice)}`)
              .join(', ')
          : formatPrice(result.oldPrice);
      // The read-back is recorded before the report goes out: a process that dies in between still has it (and
      // tells the outcome as a new message). A follow-up outlives this process; it edits the report.
      const followUp = await deps.followUps.schedule('price', {
        storeId: product.store.id,
        changeIds: result.changeIds,
        chatId: ctx.chat!.id,
        locale: ctx.seller.language,
        title,
        old,
        new: formatPrice(result.newPrice),
      });
      const report = await ctx.reply(
        sentText ?? ctx.t('price-sent', { title, old, new: formatPrice(result.newPrice) }),
      );
      await deps.followUps.setMessage(followUp, report.message_id);
      return;
    }
  }
}

/**
 * «Да, поставить N ₸» / «Отмена». The button carries the price the question was asked at and the floor it
 * warned about, so pressing it later acts only on that situation.
 */
function confirmKeyboard(
  ctx: BotContext,
  product: Pick<Product, 'id' | 'price' | 'cityPrices'>,
  price: number,
  floor: number,
  cityId: string | undefined,
  scopeChosen: boolean,
): InlineKeyboard {
  // The city (or «all», once the seller chose every city) travels with the «Да»: it answers that one question.
  const scope = cityId ?? (scopeChosen ? ALL_CITIES : undefined);
  const asked = cityId ? priceIn(product, cityId) : product.price;
  return new InlineKeyboard()
    .text(
      ctx.t('button-confirm-below-floor', { price: formatPrice(price) }),
      callbackData(ACTIONS.priceConfirm, product.id, price, asked, floor, ...(scope ? [scope] : [])),
    )
    .row()
    .text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel));
}
