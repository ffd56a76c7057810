import type { MiddlewareFn } from 'grammy';

import type { BotContext } from '../context.js';

const MAX_DEPTH = 8;

/**
 * PostgreSQL `text` and `jsonb` cannot hold U+0000: one in a search, a SKU, or any message a conversation
 * stores failed the whole update with the catch-all error. A Telegram client can send it; nothing a seller
 * means needs it. Replaced by U+FFFD, which has the same length, so entity offsets stay right.
 */
export const replaceNulCharacters: MiddlewareFn<BotContext> = async (ctx, next) => {
  scrub(ctx.update, 0);
  await next();
};

function scrub(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) record[key] = item.replaceAll('\u0000', '\ufffd');
    } else scrub(item, depth + 1);
  }
}
