import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { attempt } from '../src/bot/helpers/attempt.js';
import { openSensitiveInput } from '../src/bot/middlewares/sensitive-input.js';
import { cancelledBy, finishLogin, loginStep, MAX_TRIES, remind, type LoginConversation, type LoginStep } from './common.js';

export const EMAIL_LOGIN = 'email-login';

const CANCEL = callbackData(ACTIONS.cancel);
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,24}$/;

/**
 * Kaspi login by e-mail and password, driven in Chromium: e-mail → password (sealed at once, deleted from the
 * chat) → the code Kaspi e-mails or texts when it asks for one → merchant when there are several.
 */
export function emailLoginConversation(deps: BotDeps) {
  return async function emailLogin(conversation: LoginConversation, ctx: ConversationContext): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const userId = ctx.from!.id;
    const cancelKeyboard = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);

    await ctx.reply(ctx.t('login-email-ask-email'), { reply_markup: cancelKeyboard });
    let email: string | undefined;
    for (let tries = 0; !email; tries++) {
      if (tries >= MAX_TRIES) return void (await ctx.reply(ctx.t('login-gave-up')));
      const answer = await conversation.waitUntil((update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL, {
        otherwise: remind('login-email-ask-email'),
      });
      if (await cancelledBy(answer)) return;
      const text = answer.message!.text!.trim();
      if (EMAIL.test(text)) email = text.toLowerCase();
      else await answer.reply(answer.t('login-email-invalid'));
    }

    for (let tries = 0; ; tries++) {
      if (tries >= MAX_TRIES) return void (await ctx.reply(ctx.t('login-gave-up')));
      await conversation.external((outer) => {
        outer.session.sensitive = 'password';
      });
      await ctx.reply(ctx.t('login-email-ask-password'), { reply_markup: cancelKeyboard });
      const answer = await conversation.waitUntil((update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL, {
        otherwise: remind('login-email-ask-password'),
      });
      if (await cancelledBy(answer)) return;
      const sealed = answer.message!.text!;
      const account = email;
      await answer.reply(answer.t('login-email-wait'));
      const started = await conversation.external(() =>
        attempt(async () => {
          const outcome = await deps.logins.startEmail(sellerId, account, openSensitiveInput(deps.secretBox, userId, sealed));
          return outcome.status === 'code-required' ? outcome : loginStep(outcome);
        }),
      );
      if (!started.ok) {
        await answer.reply(answer.t(started.key, started.variables));
        if (started.code === 'CREDENTIALS_INVALID') continue;
        return;
      }
      let step: LoginStep | undefined = started.value.status === 'code-required' ? undefined : started.value;
      if (started.value.status === 'code-required') {
        const loginId = started.value.loginId;
        await answer.reply(answer.t('login-email-ask-code'), { reply_markup: cancelKeyboard });
        for (let codeTries = 0; !step; codeTries++) {
          if (codeTries >= MAX_TRIES) return void (await ctx.reply(ctx.t('login-gave-up')));
          await conversation.external((outer) => {
            outer.session.sensitive = 'code';
          });
          const codeAnswer = await conversation.waitUntil((update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL, {
            otherwise: remind('login-email-ask-code'),
          });
          if (await cancelledBy(codeAnswer)) {
            await conversation.external(() => deps.logins.cancelEmail(loginId));
            return;
          }
          const sealedCode = codeAnswer.message!.text!;
          const verified = await conversation.external(() =>
            attempt(async () => {
              const code = openSensitiveInput(deps.secretBox, userId, sealedCode).replace(/[\s-]/g, '');
              if (!/^\d{4,8}$/.test(code)) return { status: 'not-a-code' as const };
              return loginStep(await deps.logins.verifyEmailCode(sellerId, loginId, code));
            }),
          );
          if (!verified.ok) {
            await codeAnswer.reply(codeAnswer.t(verified.key, verified.variables));
            if (verified.code !== 'SECURITY_CODE_INVALID') return;
          } else if (verified.value.status === 'not-a-code') await codeAnswer.reply(codeAnswer.t('login-sms-not-a-code'));
          else step = verified.value;
        }
      }
      await finishLogin(conversation, answer, deps, sellerId, step!);
      return;
    }
  };
}
