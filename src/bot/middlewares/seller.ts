import type { MiddlewareFn } from 'grammy';

import type { BotContext } from '../context.js';

/**
 * Loads the seller behind the update into `ctx.seller` (created on first contact, language from Telegram): the
 * i18n negotiator that runs next reads their language from it. The bot serves private chats only: in groups
 * nothing of a store would be private.
 */
export const loadSeller: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from || from.is_bot) return;
  if (ctx.chat && ctx.chat.type !== 'private') return;
  const { seller, created } = await ctx.deps.sellers.forUpdate(
    { id: from.id, firstName: from.first_name, username: from.username, languageCode: from.language_code },
    ctx.chat?.id,
  );
  if (created) ctx.logger.info({ sellerId: seller.id }, 'new seller');
  ctx.seller = seller;
  ctx.logger = ctx.logger.child({ sellerId: seller.id });
  await next();
};
