import { InlineKeyboard } from 'grammy';

import { ACTIONS, callbackData } from '../src/bot/callback-data.js';
import type { ConversationContext } from '../src/bot/context.js';
import type { BotDeps } from '../src/bot/deps.js';
import { attempt, type Attempt } from '../src/bot/flows/attempt.js';
import { openSensitiveInput } from '../src/bot/middlewares/sensitive-input.js';
import { loginNextStep } from '../src/kaspi/errors.js';
import type { EmailLoginOutcome } from '../src/kaspi/login-service.js';
import {
  cancelledBy,
  finishLogin,
  loginFailureKey,
  loginStep,
  MAX_TRIES,
  remind,
  type FinalLoginStep,
  type LoginConversation,
} from './common.js';
import { smsLoginConversation } from './sms-login.js';

const CANCEL = callbackData(ACTIONS.cancel);
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,24}$/;

/**
 * Kaspi login by e-mail and password, driven in Chromium: e-mail → password (sealed at once, deleted from the
 * chat) → the code Kaspi e-mails when it asks for one (an expired one is renewed without the password again) →
 * merchant when there are several or Kaspi asks which. A refused step is followed by what `loginNextStep` says.
 */
export function emailLoginConversation(deps: BotDeps) {
  const smsLogin = smsLoginConversation(deps);
  return async function emailLogin(conversation: LoginConversation, ctx: ConversationContext): Promise<void> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const userId = ctx.from!.id;
    const cancelKeyboard = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);
    // Without a browser the seller learns it before typing a password, and the SMS login goes on at once.
    if (!(await conversation.external(() => deps.logins.emailLoginAvailable))) return smsInstead(conversation, ctx);

    await ctx.reply(ctx.t('login-email-ask-email'), { reply_markup: cancelKeyboard });
    let email: string | undefined;
    for (let tries = 0; !email; tries++) {
      if (tries >= MAX_TRIES) return void (await ctx.reply(ctx.t('login-gave-up')));
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('login-email-ask-email'),
        },
      );
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
      const answer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('login-email-ask-password'),
        },
      );
      if (await cancelledBy(answer)) return;
      const sealed = answer.message!.text!;
      const account = email;
      await answer.reply(answer.t('login-email-wait'));
      const started: Attempt<EmailStep> = await conversation.external(() =>
        attempt(async () =>
          asEmailStep(
            await deps.logins.startEmail(sellerId, account, openSensitiveInput(deps.secretBox, userId, sealed)),
          ),
        ),
      );
      if (!started.ok) {
        if (started.code === 'BROWSER_UNAVAILABLE') return smsInstead(conversation, answer);
        await answer.reply(answer.t(loginFailureKey(started.key, 'password'), started.variables));
        // A wrong password or Kaspi's pause before another code: the password is asked for again.
        if (loginNextStep(started.code) === 'restart') return;
        continue;
      }
      const step =
        started.value.status === 'code-required'
          ? await askCode(conversation, answer, started.value.loginId)
          : started.value;
      if (step === 'password') continue;
      if (step) await finishLogin(conversation, answer, deps, sellerId, step);
      return;
    }
  };

  /** «Вход по e-mail сейчас недоступен — войдите по SMS», and the SMS login right there, without another tap. */
  async function smsInstead(conversation: LoginConversation, ctx: ConversationContext): Promise<void> {
    await ctx.reply(ctx.t('kaspi-login-email-unavailable'));
    await smsLogin(conversation, ctx);
  }

  /**
   * The code Kaspi e-mailed: a wrong one is asked for again, an expired one is replaced by a fresh e-mail.
   * `password`: the fresh code has to wait for Kaspi's pause, so the login starts over from the password.
   */
  async function askCode(
    conversation: LoginConversation,
    ctx: ConversationContext,
    firstLoginId: string,
  ): Promise<FinalLoginStep | 'password' | undefined> {
    const sellerId = await conversation.external((outer) => outer.seller.id);
    const userId = ctx.from!.id;
    const cancelKeyboard = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);
    let loginId = firstLoginId;
    await ctx.reply(ctx.t('login-email-ask-code'), { reply_markup: cancelKeyboard });
    for (let codeTries = 0; codeTries < MAX_TRIES;) {
      await conversation.external((outer) => {
        outer.session.sensitive = 'code';
      });
      const codeAnswer = await conversation.waitUntil(
        (update) => Boolean(update.message?.text) || update.callbackQuery?.data === CANCEL,
        {
          otherwise: remind('login-email-ask-code'),
        },
      );
      const current = loginId;
      if (await cancelledBy(codeAnswer)) {
        await conversation.external(() => deps.logins.cancelEmail(current));
        return undefined;
      }
      const sealedCode = codeAnswer.message!.text!;
      const verified = await conversation.external(() =>
        attempt(async () => {
          const code = openSensitiveInput(deps.secretBox, userId, sealedCode).replace(/[\s-]/g, '');
          if (!/^\d{4,8}$/.test(code)) return { status: 'not-a-code' as const };
          return loginStep(await deps.logins.verifyEmailCode(sellerId, current, code));
        }),
      );
      if (verified.ok) {
        if (verified.value.status === 'not-a-code') {
          await codeAnswer.reply(codeAnswer.t('login-email-not-a-code'));
          continue;
        }
        if (verified.value.status !== 'email-code') return verified.value;
        continue; // not an answer of the e-mail login
      }
      const next = loginNextStep(verified.code);
      if (next === 'new-code') {
        const renewed: Attempt<EmailStep> = await conversation.external(() =>
          attempt(async () => asEmailStep(await deps.logins.renewEmailCode(sellerId, current))),
        );
        if (renewed.ok) {
          if (renewed.value.status !== 'code-required') return renewed.value;
          loginId = renewed.value.loginId;
          await codeAnswer.reply(codeAnswer.t('login-email-code-renewed'), { reply_markup: cancelKeyboard });
          continue;
        }
        await codeAnswer.reply(codeAnswer.t(loginFailureKey(renewed.key, 'password'), renewed.variables));
        return loginNextStep(renewed.code) === 'restart' ? undefined : 'password';
      }
      await codeAnswer.reply(codeAnswer.t(loginFailureKey(verified.key, 'email-code'), verified.variables));
      if (next === 'restart') return undefined;
      if (next === 'retry') codeTries++;
    }
    await ctx.reply(ctx.t('login-gave-up'));
    await conversation.external(() => deps.logins.cancelEmail(loginId));
    return undefined;
  }
}

/** The JSON-safe form of an e-mail login's outcome, as a conversation keeps it. */
type EmailStep = FinalLoginStep | { status: 'code-required'; loginId: string };

function asEmailStep(outcome: EmailLoginOutcome): EmailStep {
  if (outcome.status === 'code-required') return outcome;
  const step = loginStep(outcome);
  if (step.status === 'email-code') throw new Error('an e-mail login never asks for a second e-mailed code');
  return step;
}
