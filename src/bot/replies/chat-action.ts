import type { Context } from 'grammy';

/** Telegram shows a chat action for about 5 seconds; renewing it a little sooner keeps it steady. */
const RENEW_MS = 4_500;

/**
 * Shows «печатает…» (or another action) for as long as `work` runs — a Kaspi read can wait seconds for its
 * turn under the rate limits, and a seller who sees nothing for that long taps again. The action is cosmetic:
 * a failure to send it never fails the work.
 */
export async function whileWorking<T>(
  ctx: Context,
  action: 'typing' | 'upload_document',
  work: () => Promise<T>,
): Promise<T> {
  const show = () => ctx.replyWithChatAction(action).catch(() => undefined);
  void show();
  const timer = setInterval(show, RENEW_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
