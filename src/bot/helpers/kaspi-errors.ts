import { InlineKeyboard } from 'grammy';
import type { Redis } from 'ioredis';

import { isKaspiError, KaspiSessionExpiredError, sellerMessageOf } from '../../kaspi/errors.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';

const EXPIRED_NOTICE_MS = 10 * 60_000;
const expiredNoticeAt = new Map<number, number>();

/**
 * Whether a «session expired» notice for this store is due (one message, not a stack). With Redis every bot
 * and worker process shares the answer; alone, this process remembers.
 */
export async function expiredNoticeDue(storeId: number, redis?: Redis): Promise<boolean> {
  if (redis)
    return (await redis.set(`kaspi-bot:expired-notice:${storeId}`, '1', 'PX', EXPIRED_NOTICE_MS, 'NX')) === 'OK';
  const last = expiredNoticeAt.get(storeId);
  if (last !== undefined && Date.now() - last < EXPIRED_NOTICE_MS) return false;
  expiredNoticeAt.set(storeId, Date.now());
  return true;
}

/** After a new login the next expiry must be told again. */
export async function forgetExpiredNotice(storeId: number, redis?: Redis): Promise<void> {
  expiredNoticeAt.delete(storeId);
  await redis?.del(`kaspi-bot:expired-notice:${storeId}`);
}

export function reloginKeyboard(ctx: { t: BotContext['t'] }, storeId: number): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-relogin'), callbackData(ACTIONS.storeRelogin, storeId));
}

/**
 * Tells the seller what a Kaspi failure means, in their language; `true` when the error was a Kaspi one.
 * An expired session gets one message with a «Войти снова» button, and background notices about the same
 * store are held back for ten minutes so the chat does not fill with the same error.
 */
export async function replyKaspiError(ctx: BotContext, error: unknown, storeId: number | undefined): Promise<boolean> {
  if (!isKaspiError(error)) return false;
  if (error instanceof KaspiSessionExpiredError && storeId !== undefined) {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    await expiredNoticeDue(storeId, ctx.deps.redis);
    await ctx.reply(ctx.t('kaspi-error-session-expired'), { reply_markup: reloginKeyboard(ctx, storeId) });
    return true;
  }
  const { key, variables } = sellerMessageOf(error);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  await ctx.reply(ctx.t(key, variables));
  return true;
}
