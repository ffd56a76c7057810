import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createI18n, LOCALES, LOCALES_DIR } from '../../src/i18n.js';

/** The demper v2 reasons («почему эта цена») and the digest's budget line, as reasons.ts renders them. */
const NEW_REASONS = [
  'price_war_probe',
  'price_war_end',
  'price_war_retreat',
  'unreachable_first',
  'unreachable_ceiling',
  'rival_raised',
  'reversal_limit',
];
const KEYS = [...NEW_REASONS.map((code) => `demper-reason-${code.replace(/_/g, '-')}`), 'demper-digest-waited'];
/** Every variable reasons.ts passes, already formatted, with values that cannot be mistaken for one another. */
const VARIABLES = {
  old: '12 000 ₸',
  new: '11 990 ₸',
  rival: 'Sulpak',
  rivalPrice: '11 500 ₸',
  floor: '11 000 ₸',
  ceiling: '15 000 ₸',
  place: 3,
  step: '10 ₸',
  anchor: 'Alma Market',
  anchorPrice: '12 300 ₸',
  needFloor: '11 499 ₸',
  rivalFloor: '11 200 ₸',
  count: 7,
};
const i18n = createI18n();
const variablesOf = (locale: string, key: string): string[] => {
  const text = readFileSync(join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  const line = new RegExp(`^${key} = (.*)$`, 'm').exec(text)?.[1] ?? '';
  return [...new Set([...line.matchAll(/\{ *\$(\w+) *\}/g)].map((match) => match[1]!))].sort();
};

describe('the new demper reasons in every language', () => {
  it.each(LOCALES)('%s: each renders whole, with the same numbers as the Russian one', (locale) => {
    for (const key of KEYS) {
      const text = i18n.t(locale, key, VARIABLES);
      expect(text, `${locale} ${key}`).not.toMatch(/[{}]|\$/);
      expect(variablesOf(locale, key), `${locale} ${key}`).toEqual(variablesOf('ru', key));
      for (const name of variablesOf(locale, key))
        expect(text, `${locale} ${key} ${name}`).toContain(String(VARIABLES[name as keyof typeof VARIABLES]));
    }
  });

  it('say what the issue asks, in Russian', () => {
    expect(i18n.t('ru', 'demper-reason-unreachable-first', VARIABLES)).toBe(
      'Sulpak продаёт за 11 500 ₸ — ниже вашего минимума 11 000 ₸: первое место — только при мин. ниже 11 499 ₸. Берём 3-е место: 11 990 ₸, на 10 ₸ дешевле Alma Market (12 300 ₸).',
    );
    expect(i18n.t('ru', 'demper-reason-price-war-end', VARIABLES)).toMatch(
      /Sulpak не опускается ниже 11 200 ₸ — ставим 11 990 ₸.*Ценовая война окончена\./,
    );
    expect(i18n.t('ru', 'demper-digest-waited', { count: 12 })).toBe(
      'Ещё 12 изменений ждут: у Kaspi лимит 250 изменений за 30 минут, сделаем их в следующие проверки.',
    );
    // Every variable of the meaning is there.
    expect(variablesOf('ru', 'demper-reason-price-war-retreat')).toEqual([
      'anchor',
      'anchorPrice',
      'floor',
      'new',
      'place',
      'rival',
    ]);
    expect(variablesOf('ru', 'demper-reason-unreachable-ceiling')).toEqual([
      'floor',
      'needFloor',
      'new',
      'rival',
      'rivalPrice',
    ]);
    expect(variablesOf('ru', 'demper-reason-reversal-limit')).toEqual(['count', 'old']);
  });
});
