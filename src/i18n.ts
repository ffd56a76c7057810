import { I18n, type LocaleNegotiator } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import { fileURLToPath } from 'node:url';

export const LOCALES = ['ru', 'kk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

/** Every seller-facing text comes from `locales/*.ftl`; Russian is the default and the fallback. */
export function createI18n<C extends Context = Context>(
  options: { localeNegotiator?: LocaleNegotiator<C> } = {},
): I18n<C> {
  const i18n = new I18n<C>({
    defaultLocale: 'ru',
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: options.localeNegotiator,
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}
