import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { BotContext, ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { attempt } from '../src/bot/flows/attempt.js';
import { clip } from '../src/bot/replies/format.js';
import { buttonBudget, fitLabel, labelWidth } from '../src/bot/replies/keyboard-budget.js';
import { activateStore, connectedText, syncKeyboard } from '../src/bot/flows/login-finish.js';
import type { LoginOutcome, SealedToken } from '../src/kaspi/login-service.js';

export type LoginConversation = Conversation<BotContext, ConversationContext>;

/** What a login step returns into conversation state: plain JSON, no entities, no cookies. */
export type LoginStep =
  | { status: 'connected'; storeId: number; name: string; points: number }
  | { status: 'choose-merchant'; merchants: { uid: string; name: string | undefined }[]; token: SealedToken }
  | { status: 'email-code'; email: string; token: SealedToken };

export function loginStep(outcome: LoginOutcome): LoginStep {
  if (outcome.status === 'connected')
    return {
      status: 'connected',
      storeId: outcome.store.id,
      name: outcome.store.name,
      points: outcome.store.points.length,
    };
  return outcome;
}

/** A step that ends the login: the store is connected, or the seller picks which one. */
export type FinalLoginStep = Exclude<LoginStep, { status: 'email-code' }>;

/**
 * The locale key for a refused login step in this flow: Kaspi's codes say «SMS» where the e-mail flow means the
 * e-mailed code, and «send the number again» where the code step means «send the code again».
 */
export function loginFailureKey(key: string, flow: 'sms-code' | 'email-code' | 'password'): string {
  if (key === 'kaspi-login-flood') return flow === 'password' ? 'login-email-flood' : 'login-code-wait';
  if (key === 'kaspi-login-code-invalid' && flow === 'email-code') return 'login-email-code-invalid';
  if (key === 'kaspi-login-code-expired' && flow === 'sms-code') return 'login-sms-code-expired';
  return key;
}

export const MAX_TRIES = 5;

/**
 * The `otherwise` of a conversation step: something else than the step waits for arrived. A message gets the
 * hint as a reply; a tapped button (an older message's, or a stray double tap) gets its spinner stopped with the
 * hint as a toast, instead of spinning on the seller's phone and adding a message to the chat.
 */
export function remind(
  key: string,
  variables?: Record<string, string | number>,
): (other: ConversationContext) => Promise<unknown> {
  return async (other) => {
    const text = other.t(key, variables);
    if (other.callbackQuery) return other.answerCallbackQuery({ text: clip(text, TOAST_LIMIT) }).catch(() => undefined);
    return other.reply(text);
  };
}

/** Telegram shows at most 200 characters in a callback answer. */
const TOAST_LIMIT = 200;

/** «Отмена» pressed inside a conversation: answers the button, says so, and tells the caller to return. */
export async function cancelledBy(update: ConversationContext): Promise<boolean> {
  if (update.callbackQuery?.data !== callbackData(ACTIONS.cancel)) return false;
  await update.answerCallbackQuery();
  await update.reply(update.t('cancelled'));
  return true;
}

/** Asks which merchant when a login holds several, connects it; then the store becomes active. */
export async function finishLogin(
  conversation: LoginConversation,
  ctx: ConversationContext,
  deps: BotDeps,
  sellerId: number,
  step: FinalLoginStep,
): Promise<void> {
  let connected = step.status === 'connected' ? step : undefined;
  if (step.status === 'choose-merchant') {
    // Stores this seller already has are marked: choosing one again logs it in anew, it adds nothing.
    const connectedUids = await conversation.external(() => deps.stores.merchantUidsOf(sellerId));
    const keyboard = new InlineKeyboard();
    step.merchants.forEach((merchant, index) => {
      const name = merchant.name ?? merchant.uid;
      keyboard
        .text(
          connectedUids.includes(merchant.uid) ? connectedLabel(ctx, name) : fitLabel(name, buttonBudget(1)),
          callbackData(ACTIONS.merchant, index),
        )
        .row();
    });
    keyboard.text(ctx.t('button-cancel'), callbackData(ACTIONS.cancel));
    await ctx.reply(ctx.t('login-choose-merchant'), { reply_markup: keyboard });
    while (!connected) {
      const choice = await conversation.waitForCallbackQuery(/^1:(mc:\d{1,2}|x)$/, {
        otherwise: remind('login-choose-merchant-hint'),
      });
      await choice.answerCallbackQuery();
      if (choice.callbackQuery.data === callbackData(ACTIONS.cancel)) {
        await choice.editMessageReplyMarkup().catch(() => undefined);
        const token = step.token;
        await conversation.external(() => deps.logins.abandonMerchantChoice(sellerId, token));
        await choice.reply(choice.t('cancelled'));
        return;
      }
      const merchant = step.merchants[Number(choice.callbackQuery.data.split(':')[2])];
      if (!merchant) continue;
      // One choice per login: the other buttons go, rather than stay and answer «устарела» later.
      await choice.editMessageReplyMarkup().catch(() => undefined);
      const chosen = await conversation.external(() =>
        attempt(async () => {
          const store = await deps.logins.chooseMerchant(sellerId, step.token, merchant.uid);
          return { status: 'connected' as const, storeId: store.id, name: store.name, points: store.points.length };
        }),
      );
      if (!chosen.ok) {
        await choice.reply(choice.t(chosen.key, chosen.variables));
        return;
      }
      connected = chosen.value;
    }
  }
  if (!connected) return;
  const store = connected;
  await conversation.external(() => activateStore(deps, sellerId, store.storeId));
  await ctx.reply(connectedText(ctx.t.bind(ctx), store.name, store.points), {
    reply_markup: syncKeyboard(ctx.t.bind(ctx), store.storeId),
  });
}

/** «Sandbox Electronics · ✅ подключён», the name cut as much as a phone's row needs. */
function connectedLabel(ctx: { t: (key: string, variables?: Record<string, string>) => string }, name: string): string {
  const room = buttonBudget(1) - labelWidth(ctx.t('login-merchant-connected', { name: '' }));
  return ctx.t('login-merchant-connected', { name: fitLabel(name, room) });
}
