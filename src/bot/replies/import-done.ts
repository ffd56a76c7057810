import type { ImportSummary } from '../../excel/import-apply.js';
import { countsSentence } from './counts.js';

type Translate = (key: string, variables?: Record<string, string | number>) => string;

/**
 * An applied Excel import in a few words: what was done (zeros left out), then what was not — the changes Kaspi's
 * limit held back (with the one thing to do about them) and those that failed — or «всё отправлено» when every
 * write went to Kaspi.
 */
export function importDoneText(t: Translate, summary: ImportSummary): string {
  const written = [
    ['import-done-on-sale', summary.availability.sent + summary.availability.unchanged],
    ['import-done-prices', summary.prices.sent + summary.prices.unchanged],
    ['import-done-preorders', summary.preorders.sent],
  ] as [string, number][];
  const done = countsSentence(t, [['import-done-settings', summary.settings], ...written]);
  const deferred = summary.availability.deferred + summary.prices.deferred;
  const failed =
    summary.settingsRefused + summary.availability.skipped + summary.prices.failed + summary.preorders.other;
  const lines = [t('import-done', { details: done ?? t('import-done-nothing') })];
  if (deferred > 0) lines.push(t('import-done-deferred', { count: deferred }));
  if (failed > 0) lines.push(t('import-done-failed', { count: failed }));
  if (deferred === 0 && failed === 0 && written.some(([, count]) => count > 0)) lines.push(t('import-done-all-sent'));
  return lines.join(' ');
}
