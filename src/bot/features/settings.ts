import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';

import { NOTIFY_LEVELS, SELLER_LANGUAGES, type SellerSettings } from '../../sellers/seller-service.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { BotDeps } from '../deps.js';

const LANGUAGE_NAMES: Record<(typeof SELLER_LANGUAGES)[number], string> = {
  ru: 'Русский',
  kk: 'Қазақша',
  en: 'English',
};

/** Quiet hours a seller picks with one tap (minutes after local midnight); night hours cross midnight. */
const QUIET_PRESETS: readonly { from: number; to: number }[] = [
  { from: 22 * 60, to: 8 * 60 },
  { from: 23 * 60, to: 7 * 60 },
  { from: 0, to: 9 * 60 },
];

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

function quietText(ctx: BotContext): string {
  const { quietFromMinute: from, quietToMinute: to } = ctx.seller;
  return from === null || to === null || from === to ? ctx.t('quiet-none') : `${hhmm(from)}–${hhmm(to)}`;
}

/** The seller's settings are saved through the seller service. */
type SettingsFeatureDeps = Pick<BotDeps, 'sellers'>;

/** `/settings`: language, notifications and quiet hours, as an `@grammyjs/menu` that redraws itself in the new language. */
function settingsMenuOf(deps: SettingsFeatureDeps): Menu<BotContext> {
  const settingsMenu = new Menu<BotContext>('settings', {
    onMenuOutdated: (ctx) => ctx.answerCallbackQuery({ text: ctx.t('menu-outdated') }),
  });
  const saveSeller = (ctx: BotContext, changes: SellerSettings) => deps.sellers.saveSettings(ctx.seller.id, changes);

  settingsMenu.dynamic((ctx, range) => {
    // Two buttons a row throughout: a phone shows about 14 letters of each («✅ 22:00–08:00» just fits).
    for (const [index, language] of SELLER_LANGUAGES.entries()) {
      if (index === 2) range.row();
      range.text(`${ctx.seller.language === language ? '✅ ' : ''}${LANGUAGE_NAMES[language]}`, async (menuCtx) => {
        await saveSeller(menuCtx, { language });
        // The negotiator reads the update's seller: the rest of this reply is in the new language.
        menuCtx.seller.language = language;
        await menuCtx.i18n.renegotiateLocale();
        await menuCtx.editMessageText(settingsText(menuCtx));
      });
    }
    range.row();
    for (const [index, level] of NOTIFY_LEVELS.entries()) {
      if (index === 2) range.row();
      range.text(`${ctx.seller.notifyLevel === level ? '✅ ' : ''}${ctx.t(`notify-${level}`)}`, async (menuCtx) => {
        await saveSeller(menuCtx, { notifyLevel: level });
        menuCtx.seller.notifyLevel = level;
        await menuCtx.editMessageText(settingsText(menuCtx));
      });
    }
    range.row();
    for (const [index, preset] of QUIET_PRESETS.entries()) {
      if (index === 2) range.row();
      const chosen = ctx.seller.quietFromMinute === preset.from && ctx.seller.quietToMinute === preset.to;
      range.text(`${chosen ? '✅' : ''}${hhmm(preset.from)}–${hhmm(preset.to)}`, async (menuCtx) => {
        await saveSeller(menuCtx, { quietFromMinute: preset.from, quietToMinute: preset.to });
        menuCtx.seller.quietFromMinute = preset.from;
        menuCtx.seller.quietToMinute = preset.to;
        await menuCtx.editMessageText(settingsText(menuCtx));
      });
    }
    const noQuietHours = ctx.seller.quietFromMinute === null || ctx.seller.quietToMinute === null;
    range.text(`${noQuietHours ? '✅ ' : ''}${ctx.t('button-quiet-off')}`, async (menuCtx) => {
      await saveSeller(menuCtx, { quietFromMinute: null, quietToMinute: null });
      menuCtx.seller.quietFromMinute = null;
      menuCtx.seller.quietToMinute = null;
      await menuCtx.editMessageText(settingsText(menuCtx));
    });
  });
  return settingsMenu;
}

function settingsText(ctx: BotContext): string {
  return ctx.t('settings', {
    language: LANGUAGE_NAMES[ctx.seller.language as (typeof SELLER_LANGUAGES)[number]],
    notify: ctx.t(`notify-${ctx.seller.notifyLevel}`),
    quiet: quietText(ctx),
  });
}

/**
 * `/settings` and «⚙️ Настройки» of the main menu. The menu's button is answered here rather than in the welcome
 * feature: the menu lives in this feature's closure, and this feature runs first.
 */
export function createSettingsFeature(deps: SettingsFeatureDeps): Composer<BotContext> {
  const settingsMenu = settingsMenuOf(deps);
  const showSettings = (ctx: BotContext) => ctx.reply(settingsText(ctx), { reply_markup: settingsMenu });
  const feature = new Composer<BotContext>();
  feature.use(settingsMenu);

  feature.command('settings', showSettings);
  feature.callbackQuery(new RegExp(`^${callbackData(ACTIONS.menu, 'settings')}(?::|$)`), async (ctx) => {
    await ctx.answerCallbackQuery();
    await showSettings(ctx);
  });
  return feature;
}
