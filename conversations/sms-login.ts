import { InlineKeyboard, Keyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { attempt, type Attempt } from '../src/bot/flows/attempt.js';
import { openSensitiveInput } from '../src/bot/middlewares/sensitive-input.js';
import { loginNextStep } from '../src/kaspi/errors.js';
import { finishLogin, loginFailureKey, loginStep, MAX_TRIES, remind, type LoginConversation } from './common.js';

const RESEND = callbackData(ACTIONS.resendCode);
const CANCEL = callbackData(ACTIONS.cancel);

/**
 * Kaspi login by SMS: phone (typed in any common format or shared as a contact) → code (with resend) → the code
 * Kaspi e-mailed, when it asks for one → merchant when the account has several or Kaspi asks which. State
 * survives a restart: Kaspi's half-done login travels as a sealed token; codes are sealed before it is stored.
 * What follows a refused step comes from `loginNextStep`, the same table the e-mail login reads.
 */
export function smsLoginConversation(deps: BotDeps) {
  return async function smsLogin(conversation: LoginConversation, ctx: ConversationContext): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const userId = ctx.from!.id;
    await ctx.reply(ctx.t('login-sms-ask-phone'), {
      reply_markup: new Keyboard().requestContact(ctx.t('button-share-phone')).resized().oneTime(),
    });

    let pending: { phone: string; token: string } | undefined;
    for (let tries = 0; !pending; tries++) {
      if (tries >= MAX_TRIES) {
        await ctx.reply(ctx.t('login-gave-up'), { reply_markup: { remove_keyboard: true } });
        return;
      }
      const answer = await conversation.waitFor(['message:text', 'message:contact'], {
        otherwise: remind('login-sms-ask-phone-again'),
      });
      const phoneInput = answer.message.contact?.phone_number ?? answer.message.text ?? '';
      const result = await conversation.external(() => attempt(() => deps.logins.startSms(sellerId, phoneInput)));
      if (result.ok) pending = result.value;
      else await answer.reply(answer.t(result.key, result.variables));
    }

    let started: { phone: string; token: string } = pending;
    await ctx.reply(ctx.t('login-sms-phone-accepted', { phone: started.phone }), {
      reply_markup: { remove_keyboard: true },
    });
    const codeKeyboard = new InlineKeyboard()
      .text(ctx.t('button-resend-code'), RESEND)
      .text(ctx.t('button-cancel'), CANCEL);
    await ctx.reply(ctx.t('login-sms-ask-code', { phone: started.phone }), { reply_markup: codeKeyboard });

    // `email`: after the SMS code Kaspi e-mailed one too; that code goes with the address Kaspi named.
    let stage: 'sms' | 'email' = 'sms';
    for (let tries = 0; ;) {
      await conversation.external((outer) => {
        outer.session.sensitive = 'code';
      });
      const answer = await conversation.waitUntil(
        (update) =>
          Boolean(update.message?.text) ||
          update.callbackQuery?.data === RESEND ||
          update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind(stage === 'sms' ? 'login-sms-ask-code-again' : 'login-email-ask-code'),
        },
      );
      if (answer.callbackQuery) {
        await answer.answerCallbackQuery();
        if (answer.callbackQuery.data === CANCEL) {
          await answer.reply(answer.t('cancelled'));
          return;
        }
        const token = started.token;
        const resent: Attempt<{ phone: string; token: string }> = await conversation.external(() =>
          attempt(() => deps.logins.resendSms(sellerId, token)),
        );
        if (resent.ok) {
          started = resent.value;
          stage = 'sms';
          await answer.reply(answer.t('login-sms-code-resent', { phone: started.phone }), {
            reply_markup: codeKeyboard,
          });
          continue;
        }
        // While the code step waits, «send the number again» would be wrong advice: the last code still works.
        await answer.reply(
          answer.t(resent.key === 'kaspi-login-flood' ? 'login-sms-resend-wait' : resent.key, resent.variables),
        );
        if (loginNextStep(resent.code) === 'restart') return;
        continue;
      }
      const sealed = answer.message!.text!;
      const token = started.token;
      const byEmail = stage === 'email';
      const verified = await conversation.external(() =>
        attempt(async () => {
          const code = openSensitiveInput(deps.secretBox, userId, sealed).replace(/[\s-]/g, '');
          if (!/^\d{4,8}$/.test(code)) return { status: 'not-a-code' as const };
          return loginStep(
            await (byEmail
              ? deps.logins.verifySmsEmailCode(sellerId, token, code)
              : deps.logins.verifySms(sellerId, token, code)),
          );
        }),
      );
      if (verified.ok) {
        if (verified.value.status === 'not-a-code') {
          await answer.reply(answer.t(byEmail ? 'login-email-not-a-code' : 'login-sms-not-a-code'));
          continue;
        }
        if (verified.value.status === 'email-code') {
          stage = 'email';
          started = { phone: started.phone, token: verified.value.token };
          await answer.reply(answer.t('login-sms-email-code', { email: verified.value.email }), {
            reply_markup: codeKeyboard,
          });
          continue;
        }
        await finishLogin(conversation, answer, deps, sellerId, verified.value);
        return;
      }
      const next = loginNextStep(verified.code);
      const key = loginFailureKey(verified.key, byEmail ? 'email-code' : 'sms-code');
      // An expired code is renewed by «Отправить код снова», so that button comes with the notice.
      await answer.reply(answer.t(key, verified.variables), next === 'new-code' ? { reply_markup: codeKeyboard } : {});
      if (next === 'restart' || (next === 'retry' && ++tries >= MAX_TRIES)) return;
    }
  };
}
