import type { BotContext } from '../context.js';

/** How long a button press of one message counts as the same tap (a double tap, a slow network resending it). */
export const REPEATED_PRESS_MS = 15_000;

/**
 * A second tap of the same button on the same message within seconds is answered with «уже выполняется» and not
 * run again: two reports of one rollback, or of one product taken off sale, read as two actions.
 */
export async function repeatedPress(ctx: BotContext): Promise<boolean> {
  const message = ctx.callbackQuery?.message;
  const data = ctx.callbackQuery?.data;
  if (!message || !data) return false;
  const wait = await ctx.deps.presses.take(ctx.seller.id, 'press', `${message.chat.id}:${message.message_id}:${data}`);
  if (wait === 0) return false;
  await ctx.answerCallbackQuery({ text: ctx.t('press-in-progress') }).catch(() => undefined);
  return true;
}
