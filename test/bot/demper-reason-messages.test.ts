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

/** A market alert's second sentence: what the demper did with our price instead of following a rival under the floor. */
const OUTCOMES = ['demper-alert-keep', 'demper-alert-move', 'demper-alert-propose'];
const ALERT_KEYS = [
  ...OUTCOMES,
  'demper-alert-floor-reached',
  'demper-alert-lost-first-place',
  'demper-reason-floor-reached',
];
/** Every variable of a Fluent message, selectors included (`{ $needFloor -> … }`). */
const allVariablesOf = (locale: string, key: string): string[] => {
  const text = readFileSync(join(LOCALES_DIR, `${locale}.ftl`), 'utf8');
  const start = text.search(new RegExp(`^${key} = `, 'm'));
  const rest = text.slice(start).split('\n');
  const body = [
    rest[0],
    ...rest.slice(1).filter((_, index, lines) => lines.slice(0, index + 1).every((l) => /^\s/.test(l))),
  ];
  return [...new Set([...body.join('\n').matchAll(/\$(\w+)/g)].map((match) => match[1]!))].sort();
};

describe('demper alerts say what was done', () => {
  const outcome = { price: '11 990 ₸', old: '12 500 ₸', place: 2, needFloor: '11 499 ₸' };

  it.each(LOCALES)('%s: the outcome names the price, the place and what first place would take', (locale) => {
    for (const key of ALERT_KEYS)
      expect(allVariablesOf(locale, key), `${locale} ${key}`).toEqual(allVariablesOf('ru', key));
    for (const key of OUTCOMES) {
      const full = i18n.t(locale, key, outcome);
      for (const value of ['11 990 ₸', '11 499 ₸', '2']) expect(full, `${locale} ${key}`).toContain(value);
      if (key !== 'demper-alert-keep') expect(full, `${locale} ${key}`).toContain('12 500 ₸');
      // Without a floor to name (a place lost to a bot, a held price) the clause is left out, not shown as «none».
      const short = i18n.t(locale, key, { ...outcome, needFloor: 'none' });
      expect(short, `${locale} ${key}`).not.toMatch(/none|11 499|[{}$]/);
      expect(short.length, `${locale} ${key}`).toBeLessThan(full.length);
    }
    // No alert or reason claims «we do not go lower» as if that were all: each says what we hold.
    expect(
      i18n.t(locale, 'demper-reason-floor-reached', { rival: 'R', rivalPrice: '1', floor: '2', old: '3 ₸' }),
    ).toContain('3 ₸');
  });

  it('in Russian, as a seller reads it', () => {
    expect(i18n.t('ru', 'demper-alert-keep', { ...outcome, price: '324 000 ₸', needFloor: '292 786 ₸' })).toBe(
      'Держим 324 000 ₸ — 2-е место; первое место — только при минимуме ниже 292 786 ₸.',
    );
    expect(i18n.t('ru', 'demper-alert-move', { ...outcome, needFloor: 'none' })).toBe(
      'Ставим 11 990 ₸ вместо 12 500 ₸ — 2-е место.',
    );
    for (const key of ALERT_KEYS)
      expect(i18n.t('ru', key, { ...VARIABLES, ...outcome, title: 'T', rivalName: 'R' })).not.toMatch(/не опускаемся/i);
  });
});
