import type { Context } from 'grammy';

import { createI18n, type Locale } from '../i18n.js';

/** The bot's context and a conversation's both carry the seller of the update (the seller middleware loads it). */
type WithSeller = Context & { seller?: { language: Locale } };

/**
 * The process's one I18n: the bot's middleware negotiates each update's locale from the update's seller, services
 * name it. Messages sent outside an update (the demper's notifier) name the seller's language themselves.
 */
export function createBotI18n() {
  return createI18n({ localeNegotiator: (ctx: WithSeller) => ctx.seller?.language ?? 'ru' });
}
