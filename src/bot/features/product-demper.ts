import { Composer } from 'grammy';

import { mainCityOf, priceIn } from '../../catalog/city-prices.js';
import type { Product, Store } from '../../db/entities/index.js';
import { parseDemperSettings, type DemperSettingsChange } from '../../demper/settings-input.js';
import {
  FLOOR_PERCENTS,
  floorBelow,
  stepPreset,
  strategyPreset,
  type ValueName,
} from '../../demper/settings-values.js';
import type { Locale } from '../../i18n.js';
import { ACTIONS, actionPattern, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { clip, formatPrice, html } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { lookUpProduct, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { reportPriceResult } from '../flows/manual-price.js';
import { saveProductSettings, type SavedSettings } from '../flows/product-demper-settings.js';
import { citiesOf, demperSettingsView, TAP, type TapScreen } from '../flows/demper-settings-view.js';
import { DEMPER_SETTINGS, DEMPER_SETUP } from '../../../conversations/names.js';
import { replyNoStore } from '../replies/no-store.js';

/** A dry-run proposal older than this is not applied: the market it was made for is gone. */
const PROPOSAL_TTL_MINUTES = 30;

/**
 * A dry-run proposal is confirmed through the demper, and the price it sent is read back by a follow-up; products
 * are looked up by what the seller typed.
 */
type ProductDemperFeatureDeps = Pick<BotDeps, 'demper' | 'followUps' | 'products'>;

/** Telegram shows at most 200 characters in a callback answer. */
const TOAST_LIMIT = 200;

/**
 * A product's demper: `/demper <name or SKU>` (its settings as buttons, edited in place after each tap),
 * `/demper <name or SKU> …` (its settings in one message), «Текстом» (the one-line settings conversation) and the
 * ✅/❌ under a dry-run proposal for its price.
 */
export function createProductDemperFeature(deps: ProductDemperFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('demper', async (ctx, next) => {
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return next(); // the store's panel: storeDemperFeature
    const store = await activeStore(ctx);
    if (!store) return replyNoStore(ctx);
    let { name, settings } = splitDemperArgs(words);
    // «<SKU> frobnicate»: a SKU first and words that name nothing after it are settings, and their mistake is told.
    if (!settings && words.length > 1 && (await deps.products.findProducts(store.id, words[0]!, 1)).exact) {
      if ((await deps.products.findProducts(store.id, name, 1)).total === 0)
        [name, settings] = [words[0]!, words.slice(1).join(' ')];
    }
    const product = await lookUpProduct(ctx, store, name, 'demper', [settings]);
    if (product) await applyDemperArgs(ctx, product, settings);
  });

  feature.callbackQuery(pickPattern('demper'), async (ctx) => {
    const picked = await pickedProduct(ctx, 'demper');
    if (picked) await applyDemperArgs(ctx, picked.product, picked.args[0] ?? '');
  });

  feature.callbackQuery(actionPattern(ACTIONS.demperTap), onTap);

  feature.callbackQuery(actionPattern(ACTIONS.demperProduct), async (ctx) => {
    const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(DEMPER_SETTINGS, product.id);
  });

  feature.callbackQuery(actionPattern(ACTIONS.proposalYes), async (ctx) => {
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
      const outcome = await deps.demper.confirmProposal(product.id, ctx.seller.language as Locale, cityId || undefined);
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
      await reportPriceResult(ctx, deps, product, outcome.price, outcome.result, sent);
    } catch (error) {
      if (await replyKaspiError(ctx, error, product.store.id)) return;
      throw error;
    }
  });

  feature.callbackQuery(actionPattern(ACTIONS.proposalNo), async (ctx) => {
    const product = await ownProduct(ctx, idArg(parseCallback(ctx.callbackQuery.data)?.args[0]));
    if (!product) return refuse(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('demper-proposal-declined') });
    await dropDecidedButtons(ctx, product.id);
  });
  return feature;
}

/**
 * `/demper <name or SKU> [settings]`: the settings are the longest tail that reads as settings (`вкл мин=…`);
 * without one, a tail from the first `key=value` (its mistake is then told), else every word names the product.
 */
function splitDemperArgs(words: string[]): { name: string; settings: string } {
  // A `key=value` word is never part of a name: the settings start there at the latest.
  const firstKey = words.findIndex((word, index) => index > 0 && word.includes('='));
  const latest = firstKey < 0 ? words.length : firstKey;
  let at = words.findIndex(
    (_word, index) => index > 0 && index <= latest && parseDemperSettings(words.slice(index).join(' ')).ok,
  );
  // Nothing reads as settings: they start at the first settings word (`вкл`, `key=value`), and its mistake is told.
  if (at < 0)
    at = words.findIndex(
      (word, index) => index > 0 && (index === latest || (index < latest && parseDemperSettings(word).ok)),
    );
  if (at < 0) at = latest;
  return { name: words.slice(0, at).join(' '), settings: words.slice(at).join(' ') };
}

/** The product's demper as the command asked: shown, or its settings saved and shown. */
async function applyDemperArgs(ctx: BotContext, product: Product & { store: Store }, settings: string): Promise<void> {
  if (!settings) return showProductDemper(ctx, product);
  const parsed = parseDemperSettings(settings);
  if (!parsed.ok)
    return void (await ctx.reply(ctx.t(parsed.key, parsed.variables) + '\n' + ctx.t('demper-settings-usage')));
  const saved = await saveProductSettings(ctx, product.id, settings);
  if (saved) await showProductDemper(ctx, saved.product, saved);
}

async function showProductDemper(
  ctx: BotContext,
  product: Product & { store: Store },
  saved?: SavedSettings,
): Promise<void> {
  const view = demperSettingsView(ctx, product, 'main', undefined, saved);
  await ctx.reply(view.text, { reply_markup: view.keyboard });
}

/** What each «✏️» button asks for, one value at a time, in the demper-setup conversation. */
const ASKS: Partial<Record<string, ValueName[]>> = {
  [TAP.floorEnter]: ['min'],
  [TAP.stepEnter]: ['step'],
  [TAP.walk]: ['min', 'max', 'step'],
};

/** Buttons of a demper-setup conversation pressed after it ended. */
const CONVERSATION_OPS = new Set<string>([TAP.skip, TAP.noCeiling, TAP.enableNow, TAP.notNow]);

/**
 * A tap on the settings view. Every argument is checked again here: the product must be the sender's, the city
 * one of its store's, the value one a button of this layout carries; anything else is refused.
 */
async function onTap(ctx: BotContext): Promise<void> {
  const [rawId, op = '', value = '', rawCity = ''] = parseCallback(ctx.callbackQuery?.data)?.args ?? [];
  const found = await ownProduct(ctx, idArg(rawId));
  if (!found) return refuse(ctx);
  const product = found as Product & { store: Store };
  const cityId = rawCity || undefined;
  if (cityId !== undefined && !citiesOf(product.store).includes(cityId)) return refuse(ctx);
  const screens: Partial<Record<string, TapScreen>> = {
    [TAP.view]: 'main',
    [TAP.strategyMenu]: 'strategy',
    [TAP.stepMenu]: 'step',
    [TAP.cityMenu]: 'city',
  };
  const screen = screens[op];
  if (screen) {
    if ((screen === 'strategy' || screen === 'city') && cityId) return refuse(ctx);
    if (screen === 'city' && citiesOf(product.store).length < 2) return refuse(ctx);
    await ctx.answerCallbackQuery();
    return redraw(ctx, product, screen, cityId);
  }
  const asks = ASKS[op];
  if (asks) {
    if (op === TAP.walk && cityId) return refuse(ctx);
    await ctx.answerCallbackQuery();
    return void (await ctx.conversation.enter(DEMPER_SETUP, product.id, asks, cityId ?? ''));
  }
  if (CONVERSATION_OPS.has(op))
    return void (await ctx.answerCallbackQuery({ text: ctx.t('button-outdated'), show_alert: true }));
  const change = tapChange(product, op, value, cityId);
  if (!change) return refuse(ctx);
  if (change.enabled && !product.minPrice)
    return void (await ctx.answerCallbackQuery({ text: ctx.t('demper-tap-floor-first'), show_alert: true }));
  const tell = (text: string) =>
    ctx.answerCallbackQuery({ text: clip(text.replace(/<[^>]*>/g, ''), TOAST_LIMIT), show_alert: true });
  const saved = await saveProductSettings(ctx, product.id, { change, ...(cityId ? { cityId } : {}) }, tell);
  // Refused: the problem (or the refusal) already answered the tap.
  if (!saved) return;
  await ctx.answerCallbackQuery({ text: ctx.t('demper-tap-saved') });
  await redraw(ctx, saved.product, 'main', cityId, saved);
}

/** The change a settings button stands for; undefined for a button this layout never draws. */
function tapChange(
  product: Product & { store: Store },
  op: string,
  value: string,
  cityId: string | undefined,
): DemperSettingsChange | undefined {
  // On/off and the strategy are the product's in every city: a city's button never carries them.
  if ((op === TAP.on || op === TAP.off) && !cityId && !value) return { enabled: op === TAP.on };
  if (op === TAP.strategy && !cityId) return strategyPreset(value);
  if (op === TAP.cityReset && cityId && !value) return { resetCity: true };
  if (op === TAP.floor) {
    const percent = FLOOR_PERCENTS.find((each) => String(each) === value);
    if (!percent) return undefined;
    const price = priceIn(product, cityId ?? mainCityOf(product, product.store.points));
    return { minPrice: floorBelow(price, percent) };
  }
  if (op === TAP.step) {
    const step = stepPreset(value);
    // A city's own step is in tenge.
    return step && !(cityId && step.stepIsPercent) ? step : undefined;
  }
  return undefined;
}

/** The settings view edited in place: the message the tap came from shows the values as they are now. */
async function redraw(
  ctx: BotContext,
  product: Product & { store: Store },
  screen: TapScreen,
  cityId: string | undefined,
  saved?: SavedSettings,
): Promise<void> {
  const view = demperSettingsView(ctx, product, screen, cityId, saved);
  await ctx.editMessageText(view.text, { reply_markup: view.keyboard });
}

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
