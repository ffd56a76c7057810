import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { cityNameOf, mainCityOf, priceIn } from '../src/catalog/city-prices.js';
import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { citiesOf, demperSettingsView, TAP, tapData } from '../src/bot/flows/demper-settings-view.js';
import { saveProductSettings } from '../src/bot/flows/product-demper-settings.js';
import { formatPrice, html } from '../src/bot/replies/format.js';
import type { Product, Store } from '../src/db/entities/index.js';
import type { DemperSettingsChange } from '../src/demper/settings-input.js';
import { floorBelow, parseValue, type ValueName } from '../src/demper/settings-values.js';
import { MAX_TRIES, remind } from './common.js';

const CANCEL = callbackData(ACTIONS.cancel);

/** What the questions show of the product: plain JSON, replayed from the conversation's log. */
interface Shown {
  title: string;
  city: string;
  price: number;
  minPrice: number | null;
  maxPrice: number | null;
  step: string;
  demperEnabled: boolean;
}

/**
 * «✏️ Свой мин.», «✏️ Свой шаг», «📝 Пошагово» on the settings view: asks one value at a time (floor, then
 * ceiling, then step), each with «Пропустить» and «Отмена», says what is wrong with an answer in the seller's
 * words, offers to switch the demper on after a walk through all of them, then saves everything at once through
 * the same path as a tap or a typed line and shows the settings view again. `cityId`: the values are that city's.
 */
export function demperSetupConversation(deps: BotDeps) {
  return async function demperSetup(
    conversation: Conversation<BotContext, ConversationContext>,
    ctx: ConversationContext,
    productId: number,
    asks: ValueName[],
    cityId: string,
  ): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const shown = await conversation.external(async (): Promise<Shown | undefined> => {
      const found = (await deps.products.productOf(sellerId, productId)) as (Product & { store: Store }) | undefined;
      if (!found || (cityId && !citiesOf(found.store).includes(cityId))) return undefined;
      const own = cityId ? (found.cityOverrides?.[cityId] ?? {}) : {};
      return {
        title: found.title,
        city: cityId ? ` (${cityNameOf(found.store.points, cityId)})` : '',
        price: priceIn(found, cityId || mainCityOf(found, found.store.points)),
        minPrice: own.minPrice ?? found.minPrice ?? null,
        maxPrice: own.maxPrice !== undefined ? own.maxPrice : (found.maxPrice ?? null),
        step:
          own.step !== undefined
            ? formatPrice(own.step)
            : found.stepIsPercent
              ? `${found.step}%`
              : formatPrice(found.step),
        demperEnabled: found.demperEnabled,
      };
    });
    if (!shown) return void (await ctx.reply(ctx.t('access-denied')));
    const change: DemperSettingsChange = {};
    const skip = tapData(productId, TAP.skip);
    const noCeiling = tapData(productId, TAP.noCeiling);
    for (const [index, name] of asks.entries()) {
      const keyboard = new InlineKeyboard().text(ctx.t('button-skip'), skip).text(ctx.t('button-cancel'), CANCEL);
      if (name === 'max') keyboard.row().text(ctx.t('button-no-ceiling'), noCeiling);
      const current = { min: shown.minPrice, max: shown.maxPrice }[name as 'min' | 'max'];
      await ctx.reply(
        ctx.t(`demper-setup-ask-${name}`, {
          n: index + 1,
          total: asks.length,
          title: html(shown.title) + html(shown.city),
          current: name === 'step' ? shown.step : current ? formatPrice(current) : '—',
          price: formatPrice(shown.price),
          example: formatPrice(floorBelow(shown.price, 5)),
        }),
        { reply_markup: keyboard },
      );
      let answered = false;
      for (let tries = 0; tries < MAX_TRIES && !answered; tries++) {
        const answer = await conversation.waitUntil(
          (update) =>
            Boolean(update.message?.text) ||
            [CANCEL, skip, ...(name === 'max' ? [noCeiling] : [])].includes(update.callbackQuery?.data ?? ''),
          { otherwise: remind('demper-setup-hint') },
        );
        if (answer.callbackQuery) {
          await answer.answerCallbackQuery();
          await answer.editMessageReplyMarkup().catch(() => undefined);
          if (answer.callbackQuery.data === CANCEL) return void (await answer.reply(answer.t('cancelled')));
          if (answer.callbackQuery.data === noCeiling) change.maxPrice = null;
          answered = true;
          break;
        }
        const parsed = parseValue(name, answer.message!.text!);
        if (!parsed.ok) {
          await answer.reply(answer.t(parsed.key, parsed.variables));
          continue;
        }
        // A floor above the ceiling (the one just typed, or the one kept) is said at once, not after the last step.
        const floor = parsed.change.minPrice ?? (change.minPrice !== undefined ? change.minPrice : shown.minPrice);
        const ceiling = parsed.change.maxPrice !== undefined ? parsed.change.maxPrice : shown.maxPrice;
        const ceilingAsked = name === 'min' && asks.includes('max');
        if (floor && ceiling && floor > ceiling && (name === 'max' || !ceilingAsked)) {
          const key = name === 'max' ? 'demper-setup-max-below-min' : 'demper-setup-min-above-max';
          await answer.reply(answer.t(key, { min: formatPrice(floor), max: formatPrice(ceiling) }));
          continue;
        }
        Object.assign(change, parsed.change);
        answered = true;
      }
      if (!answered) return void (await ctx.reply(ctx.t('gave-up')));
    }
    // After a walk through every value, the one thing left is the switch: offered, not assumed.
    const floorSet = change.minPrice ?? shown.minPrice;
    if (asks.length > 1 && !cityId && !shown.demperEnabled && floorSet) {
      const yes = tapData(productId, TAP.enableNow);
      const no = tapData(productId, TAP.notNow);
      await ctx.reply(ctx.t('demper-setup-ask-enable'), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-enable-now'), yes).text(ctx.t('button-not-now'), no),
      });
      const answer = await conversation.waitUntil(
        (update) => [yes, no, CANCEL].includes(update.callbackQuery?.data ?? ''),
        { otherwise: remind('demper-setup-enable-hint') },
      );
      await answer.answerCallbackQuery();
      await answer.editMessageReplyMarkup().catch(() => undefined);
      if (answer.callbackQuery!.data === CANCEL) return void (await answer.reply(answer.t('cancelled')));
      if (answer.callbackQuery!.data === yes) change.enabled = true;
    }
    await conversation.external(async (outer) => {
      const saved = Object.keys(change).length
        ? await saveProductSettings(outer, productId, { change, ...(cityId ? { cityId } : {}) })
        : undefined;
      const product = (saved?.product ?? (await deps.products.productOf(sellerId, productId))) as
        (Product & { store: Store }) | undefined;
      if (!product) return;
      // The settings as they are now, with their buttons, under the answers.
      const view = demperSettingsView(outer, product, 'main', cityId || undefined, saved);
      await outer.reply(saved ? `✅ ${view.text}` : view.text, { reply_markup: view.keyboard });
    });
  };
}
