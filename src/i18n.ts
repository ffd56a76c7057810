import { I18n } from '@grammyjs/i18n';
import { fileURLToPath } from 'node:url';

export const LOCALES = ['ru', 'kk', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

/** Every seller-facing text comes from `locales/*.ftl`; Russian is the default and the fallback. */
export function createI18n(): I18n {
  const i18n = new I18n({ defaultLocale: 'ru', fluentBundleOptions: { useIsolating: false } });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}
