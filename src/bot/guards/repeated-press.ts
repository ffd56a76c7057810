import type { BotContext } from '../context.js';
import type { PressGuard } from './press-guard.js';

/** Wraps a button handler so that one press of one button of one message runs it once (`presses` remembers the press). */
export function onePress<C extends BotContext>(
  presses: PressGuard,
  handler: (ctx: C) => Promise<unknown>,
): (ctx: C) => Promise<unknown> {
  return async (ctx) => {
    const message = ctx.callbackQuery?.message;
    const data = ctx.callbackQuery?.data;
    if (!message || !data) return handler(ctx);
    const key = `${ctx.from?.id ?? 0}:${message.chat.id}:${message.message_id}:${data}`;
    if (!(await presses.begin(key))) {
      await ctx.answerCallbackQuery({ text: ctx.t('press-repeated') }).catch(() => undefined);
      return;
    }
    try {
      return await handler(ctx);
    } finally {
      await presses
        .end(key)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not release a button press'));
    }
  };
}
