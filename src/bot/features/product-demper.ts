import { Composer, InlineKeyboard } from 'grammy';

import type { Product, Store } from '../../db/entities/index.js';
import { parseDemperSettings } from '../../demper/settings-input.js';
import type { Locale } from '../../i18n.js';
import { ACTIONS, actionPattern, callbackData, idArg, parseCallback } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';
import { formatPrice, html } from '../replies/format.js';
import { replyKaspiError } from '../replies/kaspi-errors.js';
import { activeStore, ownProduct, refuse } from '../guards/ownership.js';
import { lookUpProduct, pickedProduct, pickPattern } from '../flows/product-lookup.js';
import { reportPriceResult } from '../flows/manual-price.js';
import { productDemperReply, saveProductSettings, type SavedSettings } from '../flows/product-demper-settings.js';
import { DEMPER_SETTINGS } from '../../../conversations/names.js';

/** A dry-run proposal older than this is not applied: the market it was made for is gone. */
const PROPOSAL_TTL_MINUTES = 30;

/**
 * A dry-run proposal is confirmed through the demper, and the price it sent is read back by a follow-up; products
 * are looked up by what the seller typed.
 */
type ProductDemperFeatureDeps = Pick<BotDeps, 'demper' | 'followUps' | 'products'>;

/**
 * A product's demper: `/demper <name or SKU> …` (its settings in one message), «Настроить» (the settings conversation) and
 * the ✅/❌ under a dry-run proposal for its price.
 */
export function createProductDemperFeature(deps: ProductDemperFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command('demper', async (ctx, next) => {
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return next(); // the store's panel: storeDemperFeature
    const store = await activeStore(ctx);
    if (!store) return void (await ctx.reply(ctx.t('no-store')));
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
  const reply = productDemperReply(ctx, product, saved);
  const keyboard = new InlineKeyboard();
  if (reply.storeButton) keyboard.text(reply.storeButton.text, reply.storeButton.data).row();
  keyboard
    .text(ctx.t('button-demper-configure'), callbackData(ACTIONS.demperProduct, product.id))
    .text(ctx.t('button-history'), callbackData(ACTIONS.history, product.id))
    .row()
    .text(ctx.t('button-back-to-card'), callbackData(ACTIONS.product, product.id));
  await ctx.reply(`${reply.text}\n\n${ctx.t('demper-settings-usage')}`, { reply_markup: keyboard });
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
