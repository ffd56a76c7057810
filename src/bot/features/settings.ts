import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';

import { NOTIFY_LEVELS, SELLER_LANGUAGES, SellerSchema } from '../../db/entities/index.js';
import type { BotContext } from '../context.js';
import { languageByUser } from '../middlewares/seller.js';

const LANGUAGE_NAMES: Record<(typeof SELLER_LANGUAGES)[number], string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

/** `/settings`: language and notifications, as an `@grammyjs/menu` that redraws itself in the new language. */
export const settingsMenu = new Menu<BotContext>('settings', { onMenuOutdated: (ctx) => ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') }) });

settingsMenu.dynamic((ctx, range) => {
  for (const language of SELLER_LANGUAGES) {
    range.text(`${ctx.seller.language === language ? '✅ ' : ''}${LANGUAGE_NAMES[language]}`, async (menuCtx) => {
      await saveSeller(menuCtx, { language });
      menuCtx.seller.language = language;
      languageByUser.set(menuCtx.from.id, language);
      await menuCtx.i18n.renegotiateLocale();
      await menuCtx.editMessageText(settingsText(menuCtx));
    });
  }
  range.row();
  for (const level of NOTIFY_LEVELS) {
    range.text(`${ctx.seller.notifyLevel === level ? '✅ ' : ''}${ctx.t(`notify-${level}`)}`, async (menuCtx) => {
      await saveSeller(menuCtx, { notifyLevel: level });
      menuCtx.seller.notifyLevel = level;
      await menuCtx.editMessageText(settingsText(menuCtx));
    });
  }
});

async function saveSeller(ctx: BotContext, changes: Partial<Pick<BotContext['seller'], 'language' | 'notifyLevel'>>): Promise<void> {
  await ctx.deps.orm.em.fork().nativeUpdate(SellerSchema, { id: ctx.seller.id }, changes);
}

function settingsText(ctx: BotContext): string {
  return ctx.t('settings', { language: LANGUAGE_NAMES[ctx.seller.language as (typeof SELLER_LANGUAGES)[number]], notify: ctx.t(`notify-${ctx.seller.notifyLevel}`) });
}

export async function showSettings(ctx: BotContext): Promise<void> {
  await ctx.reply(settingsText(ctx), { reply_markup: settingsMenu });
}

export const settingsFeature = new Composer<BotContext>();
settingsFeature.use(settingsMenu);
settingsFeature.command('settings', showSettings);
