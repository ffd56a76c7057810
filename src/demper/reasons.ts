import type { I18n } from '@grammyjs/i18n';

import type { Locale } from '../i18n.js';
import type { Decision } from './strategy.js';

/** «почему такая цена»: one line per decision, from the locale files (`demper-reason-…`). */
export function explainDecision(i18n: I18n, locale: Locale, decision: Decision, oldPrice: number): string {
  const details = decision.details;
  return i18n.t(locale, `demper-reason-${decision.reason.replace(/_/g, '-')}`, {
    old: formatTenge(oldPrice),
    new: formatTenge(decision.price),
    rival: details.rivalName ?? '—',
    rivalPrice: details.rivalPrice !== undefined ? formatTenge(details.rivalPrice) : '—',
    floor: details.floor !== undefined ? formatTenge(details.floor) : '—',
    ceiling: details.ceiling !== undefined ? formatTenge(details.ceiling) : '—',
    place: details.place ?? decision.place,
    step: details.step !== undefined ? formatTenge(details.step) : '—',
  });
}

/** 1 234 567 ₸ with narrow no-break spaces, as Kaspi writes prices. */
export function formatTenge(value: number): string {
  return `${Math.round(value).toLocaleString('ru-RU').replace(/\s/g, '\u202f')}\u00a0₸`;
}
