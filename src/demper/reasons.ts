import type { I18n } from '@grammyjs/i18n';

import type { PriceReasonDetails } from '../db/entities/index.js';
import type { Locale } from '../i18n.js';
import type { Decision } from './strategy.js';

/** What a recorded change keeps of its decision, so the reason can be told again in another language. */
export function reasonDetailsOf(decision: Pick<Decision, 'place' | 'details'>): PriceReasonDetails {
  return { ...decision.details, place: decision.place };
}

/** A recorded demper change's reason in `locale`, from its code and details. */
export function explainRecorded(
  i18n: I18n,
  locale: Locale,
  change: { reasonCode: string; newPrice: number; oldPrice: number; reasonDetails: PriceReasonDetails },
): string {
  const { place, ...details } = change.reasonDetails;
  return explainDecision(
    i18n,
    locale,
    { reason: change.reasonCode, price: change.newPrice, place, details } as Decision,
    change.oldPrice,
  );
}

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
    place: decision.place ?? details.place,
    step: details.step !== undefined ? formatTenge(details.step) : '—',
    anchor: details.anchorName ?? '—',
    anchorPrice: details.anchorPrice !== undefined ? formatTenge(details.anchorPrice) : '—',
    needFloor: details.needFloor !== undefined ? formatTenge(details.needFloor) : '—',
    rivalFloor: details.rivalFloor !== undefined ? formatTenge(details.rivalFloor) : '—',
    count: details.count ?? 0,
  });
}

/** 1 234 567 ₸ with narrow no-break spaces, as Kaspi writes prices. */
export function formatTenge(value: number): string {
  return `${Math.round(value).toLocaleString('ru-RU').replace(/\s/g, '\u202f')}\u00a0₸`;
}
