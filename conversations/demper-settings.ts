import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { formatPrice, html } from '../src/bot/replies/format.js';
import { parseDemperSettings, settingsProblem } from '../src/demper/settings-input.js';
import { productDemperReply, saveProductSettings } from '../src/bot/flows/product-demper-settings.js';
import { remind } from './common.js';

const CANCEL = callbackData(ACTIONS.cancel);

/**
 * «Демпер» on a product card: shows the settings and takes new ones in one line (`on min=… max=… step=…`)
 * until they are consistent — a floor is required before the demper may run.
 */
export function demperSettingsConversation(deps: BotDeps) {
  return async function demperSettings(
    conversation: Conversation<BotContext, ConversationContext>,
    ctx: ConversationContext,
    productId: number,
  ): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const product = await conversation.external(async () => {
      const found = await deps.products.productOf(sellerId, productId);
      return found
        ? {
            title: found.title,
            minPrice: found.minPrice ?? null,
            maxPrice: found.maxPrice ?? null,
            demperEnabled: found.demperEnabled,
          }
        : undefined;
    });
    if (!product) return void (await ctx.reply(ctx.t('access-denied')));
    await ctx.reply(
      ctx.t('demper-settings-ask', {
        title: html(product.title),
        state: ctx.t(product.demperEnabled ? 'demper-state-on' : 'demper-state-off'),
        min: product.minPrice ? formatPrice(product.minPrice) : '—',
        max: product.maxPrice ? formatPrice(product.maxPrice) : '—',
      }) +
        '\n\n' +
        ctx.t('demper-settings-usage'),
      { reply_markup: new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL) },
    );
    for (let tries = 0; tries < 5; tries++) {
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('demper-settings-usage'),
        },
      );
      if (answer.callbackQuery) {
        await answer.answerCallbackQuery();
        return void (await answer.reply(answer.t('cancelled')));
      }
      const text = answer.message!.text!;
      const parsed = parseDemperSettings(text);
      if (!parsed.ok) {
        await answer.reply(answer.t(parsed.key, parsed.variables));
        continue;
      }
      const problem = settingsProblem(
        { minPrice: product.minPrice, maxPrice: product.maxPrice, demperEnabled: product.demperEnabled },
        parsed.change,
      );
      if (problem && !problem.ok) {
        await answer.reply(
          answer.t(problem.key, {
            ...problem.variables,
            min: formatPrice(Number(problem.variables.min ?? 0)),
            max: formatPrice(Number(problem.variables.max ?? 0)),
          }),
        );
        continue;
      }
      await conversation.external(async (outer) => {
        const saved = await saveProductSettings(outer, productId, text);
        if (!saved) return;
        // The same reply as `/demper <sku> …`: a raised floor, the store's switch off (with its button), the first check.
        const reply = productDemperReply(outer, saved.product, saved);
        const keyboard = reply.storeButton
          ? new InlineKeyboard().text(reply.storeButton.text, reply.storeButton.data)
          : undefined;
        await outer.reply(`✅ ${reply.text}`, keyboard ? { reply_markup: keyboard } : {});
      });
      return;
    }
    await ctx.reply(ctx.t('gave-up'));
  };
}
