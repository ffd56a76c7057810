import type { MiddlewareFn } from 'grammy';

import { SellerSchema, type Seller } from '../../db/entities/index.js';
import type { Locale } from '../../i18n.js';
import type { BotContext } from '../context.js';

/** The language a seller reads, by Telegram user id; filled on every update, read by the i18n negotiator. */
export const languageByUser = new Map<number, Locale>();

function languageOf(code: string | undefined): Locale {
  if (code?.startsWith('kk')) return 'kk';
  if (code?.startsWith('en')) return 'en';
  return 'ru'; // Russian first: most Kaspi sellers read it, whatever their phone says
}

/**
 * Loads the seller behind the update (created on first contact, language from Telegram). The bot serves
 * private chats only: in groups nothing of a store would be private.
 */
export const loadSeller: MiddlewareFn<BotContext> = async (ctx, next) => {
  const from = ctx.from;
  if (!from || from.is_bot) return;
  if (ctx.chat && ctx.chat.type !== 'private') return;
  const em = ctx.deps.orm.em.fork();
  let seller: Seller | null = await em.findOne(SellerSchema, { telegramUserId: from.id });
  if (!seller) {
    seller = em.create(SellerSchema, {
      telegramUserId: from.id,
      chatId: ctx.chat?.id ?? from.id,
      firstName: from.first_name.slice(0, 256),
      username: from.username ?? null,
      language: languageOf(from.language_code),
    });
    await em.flush();
    ctx.logger.info({ sellerId: seller.id }, 'new seller');
  } else if (ctx.chat && seller.chatId !== ctx.chat.id) {
    seller.chatId = ctx.chat.id;
    await em.flush();
  }
  ctx.seller = seller;
  languageByUser.set(from.id, seller.language);
  ctx.logger = ctx.logger.child({ sellerId: seller.id });
  await next();
};
