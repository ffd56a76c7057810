import { createI18n } from '../i18n.js';
import { languageByUser } from './middlewares/seller.js';

/** The process's one I18n: the bot's middleware negotiates each update's locale, services name it. */
export function createBotI18n() {
  return createI18n({
    localeNegotiator: (ctx) => (ctx.from ? languageByUser.get(ctx.from.id) : undefined) ?? 'ru',
  });
}
