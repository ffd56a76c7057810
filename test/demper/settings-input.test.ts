import { describe, expect, it } from 'vitest';

import type { Product } from '../../src/db/entities/index.js';
import { applySettings, parseDemperSettings, settingsProblem } from '../../src/demper/settings-input.js';
import { createI18n, LOCALES } from '../../src/i18n.js';

function running(nextCheckAt: Date): Product {
  return {
    demperEnabled: true,
    minPrice: 1000,
    maxPrice: null,
    step: 1,
    stepIsPercent: false,
    checkIntervalSeconds: 900,
    nextCheckAt,
  } as unknown as Product;
}

function changeOf(text: string) {
  const parsed = parseDemperSettings(text);
  if (!parsed.ok) throw new Error(`not parsed: ${text}`);
  return parsed.change;
}

describe('applySettings', () => {
  const now = new Date('2026-11-25T22:00:00Z');
  const later = new Date('2026-11-25T22:14:00Z');

  it('a running demper with new settings checks the product on the next tick, not at the old slot', () => {
    for (const text of ['every=1', 'min=1200', 'step=1%', 'mode=place place=2']) {
      const product = running(later);
      applySettings(product, changeOf(text), now);
      expect(product.nextCheckAt, text).toEqual(now);
    }
  });

  it('a check already due stays due; a product whose demper is off keeps its schedule', () => {
    const due = running(new Date('2026-11-25T21:00:00Z'));
    applySettings(due, changeOf('min=1200'), now);
    expect(due.nextCheckAt).toEqual(new Date('2026-11-25T21:00:00Z'));

    const off = { ...running(later), demperEnabled: false } as Product;
    applySettings(off, changeOf('min=1200'), now);
    expect(off.nextCheckAt).toEqual(later);
    applySettings(off, changeOf('on'), now);
    expect(off.nextCheckAt).toEqual(now);
  });
});

describe('the settings help in each language', () => {
  const i18n = createI18n();

  it.each(LOCALES)('every example the %s help shows is understood', (locale) => {
    const help = i18n.t(locale, 'demper-settings-usage');
    const example = help.split('\n')[0]!.split(': ').slice(1).join(': ');
    expect(parseDemperSettings(example), example).toMatchObject({
      ok: true,
      change: { enabled: true, minPrice: 10_000, maxPrice: 15_000, step: 10 },
    });
    const tokens = [...help.matchAll(/[^\s(),;]+=[^\s(),;]+/g)].map((match) => match[0]);
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    for (const token of tokens) expect(parseDemperSettings(token).ok, `${locale}: ${token}`).toBe(true);
    const off = help
      .split('\n')
      .at(-1)!
      .replace(/^\s*•\s*/, '')
      .split(' ')[0]!;
    expect(parseDemperSettings(off), off).toEqual({ ok: true, change: { enabled: false } });
  });

  it('modes in the seller’s words; 1440 minutes written without a separator', () => {
    expect(parseDemperSettings('режим=лидер')).toEqual({ ok: true, change: { strategy: 'match_leader' } });
    expect(parseDemperSettings('mode=ұстау')).toEqual({ ok: true, change: { strategy: 'hold' } });
    const bad = parseDemperSettings('каждые=5000');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(i18n.t('ru', bad.key, bad.variables)).toBe('каждые=5000 — от 1 до 1440 минут.');
  });
});

describe('settings as sellers type them', () => {
  it('takes «мин 300 000» and «макс: 400000» like «мин=300000»', () => {
    expect(parseDemperSettings('вкл мин 300 000 макс: 400000')).toEqual({
      ok: true,
      change: { enabled: true, minPrice: 300_000, maxPrice: 400_000 },
    });
    expect(parseDemperSettings('шаг 1% каждые 5')).toEqual({
      ok: true,
      change: { step: 1, stepIsPercent: true, checkIntervalSeconds: 300 },
    });
  });

  it('asks whether a lone number is the minimum or the maximum instead of guessing', () => {
    const i18n = createI18n();
    const lone = parseDemperSettings('300 000');
    expect(lone).toMatchObject({ ok: false, key: 'demper-settings-bare-number' });
    if (!lone.ok)
      expect(i18n.t('ru', lone.key, lone.variables)).toBe(
        'Что такое 300000 — минимум или максимум? Напишите, например: мин=300000',
      );
    expect(parseDemperSettings('мин')).toMatchObject({ ok: false, key: 'demper-settings-unknown' });
  });
});

describe('settings typed the way people type', () => {
  it.each([
    ['мин:300000', { minPrice: 300_000 }],
    ['мин = 300 000', { minPrice: 300_000 }],
    ['мин 300 000 ₸', { minPrice: 300_000 }],
    ['каждые 5 мин', { checkIntervalSeconds: 300 }],
    ['every=10 min', { checkIntervalSeconds: 600 }],
    ['шаг 1 %', { step: 1, stepIsPercent: true }],
  ])('%s', (text, change) => expect(parseDemperSettings(text)).toEqual({ ok: true, change }));

  it('a lone price with its currency is still asked about', () => {
    expect(parseDemperSettings('300 000 ₸')).toMatchObject({ ok: false, key: 'demper-settings-bare-number' });
  });
});

describe('a city’s own bounds', () => {
  it('takes «город=Астана мин=…», a city name of several words, and «сброс»; refuses product-wide settings for one city', () => {
    expect(parseDemperSettings('город=Астана мин=310 000 шаг=5')).toEqual({
      ok: true,
      change: { city: 'Астана', minPrice: 310_000, step: 5, stepIsPercent: false },
    });
    expect(parseDemperSettings('город: Усть-Каменогорск макс=-')).toEqual({
      ok: true,
      change: { city: 'Усть-Каменогорск', maxPrice: null },
    });
    expect(parseDemperSettings('city=Nur Sultan min=100')).toEqual({
      ok: true,
      change: { city: 'Nur Sultan', minPrice: 100 },
    });
    expect(parseDemperSettings('қала=Астана тастау')).toEqual({
      ok: true,
      change: { city: 'Астана', resetCity: true },
    });
    expect(parseDemperSettings('сброс')).toMatchObject({ ok: false, key: 'demper-settings-reset-needs-city' });
    expect(parseDemperSettings('город=Астана режим=лидер')).toMatchObject({
      ok: false,
      key: 'demper-settings-city-bounds-only',
    });
    // On/off is the product's in every city: «город=Астана выкл» would switch all of them off.
    expect(parseDemperSettings('город=Астана выкл')).toMatchObject({
      ok: false,
      key: 'demper-settings-city-bounds-only',
    });
    expect(parseDemperSettings('город=Астана шаг=2%')).toMatchObject({
      ok: false,
      key: 'demper-settings-city-step-tenge',
    });
    // One message, one value per setting: «min» twice (or a product floor and a city's in one line) is asked about.
    expect(parseDemperSettings('вкл мин=120000 город=Астана мин=125000')).toMatchObject({
      ok: false,
      key: 'demper-settings-twice',
      variables: { name: 'min' },
    });
    expect(parseDemperSettings('min=1000 мин=2000')).toMatchObject({ ok: false, key: 'demper-settings-twice' });
  });

  it('a city’s own floor does not switch the demper on without the product’s floor', () => {
    const product = { minPrice: null, maxPrice: null, demperEnabled: false, cityOverrides: {} };
    expect(settingsProblem(product, { enabled: true, minPrice: 125_000, city: 'Астана' }, '710000000')).toMatchObject({
      ok: false,
      key: 'demper-settings-floor-required',
    });
    expect(
      settingsProblem(
        { ...product, minPrice: 120_000 },
        { enabled: true, minPrice: 125_000, city: 'Астана' },
        '710000000',
      ),
    ).toBeUndefined();
    expect(
      settingsProblem({ ...product, minPrice: 120_000, maxPrice: 124_000 }, { minPrice: 125_000 }, '710000000'),
    ).toMatchObject({ ok: false, key: 'demper-settings-min-above-max' });
  });
});

describe('a floor under Kaspi’s 10 ₸', () => {
  const i18n = createI18n();

  it.each([
    ['мин=5', 5],
    ['min=9', 9],
    ['вкл мин 1', 1],
    ['min=9₸', 9],
  ])('%s becomes 10 ₸ and remembers what was typed', (text, typed) => {
    const parsed = parseDemperSettings(text);
    expect(parsed).toMatchObject({ ok: true, change: { minPrice: 10, raisedMinFrom: typed } });
  });

  it('a floor of 10 ₸ or more is taken as typed, with nothing to say', () => {
    expect(parseDemperSettings('мин=10')).toEqual({ ok: true, change: { minPrice: 10 } });
    expect(parseDemperSettings('мин=11')).toEqual({ ok: true, change: { minPrice: 11 } });
  });

  it('a city’s floor under 10 ₸ becomes 10 ₸ too', () => {
    expect(parseDemperSettings('город=Астана мин=3')).toEqual({
      ok: true,
      change: { city: 'Астана', minPrice: 10, raisedMinFrom: 3 },
    });
  });

  it.each(['мин=abc', 'мин=0', 'мин=-5', 'мин=5.5', 'мин=9,99', 'мин=5.', 'min=½'])(
    '%s is still refused as no price',
    (text) => {
      const parsed = parseDemperSettings(text);
      expect(parsed).toMatchObject({ ok: false, key: 'demper-settings-bad-price', variables: { name: 'min' } });
      if (!parsed.ok) expect(i18n.t('ru', parsed.key, parsed.variables)).toMatch(/— не цена/);
    },
  );

  it('a ceiling under 10 ₸ is still refused', () => {
    expect(parseDemperSettings('макс=9')).toMatchObject({
      ok: false,
      key: 'demper-settings-bad-price',
      variables: { name: 'max', value: '9' },
    });
    expect(parseDemperSettings('мин=5 макс=8')).toMatchObject({
      ok: false,
      key: 'demper-settings-bad-price',
      variables: { name: 'max' },
    });
  });

  it('a raised floor is a retune like any floor: a running demper looks at the product on the next tick', () => {
    const now = new Date('2026-11-25T22:00:00Z');
    const product = running(new Date('2026-11-25T22:14:00Z'));
    applySettings(product, changeOf('мин=5'), now);
    expect(product.minPrice).toBe(10);
    expect(product.nextCheckAt).toEqual(now);
  });

  it('the reply’s note reads right in each language', () => {
    expect(i18n.t('ru', 'demper-floor-raised', { typed: '5 ₸', floor: '10 ₸' })).toBe(
      'Минимум 5 ₸ ниже минимальной цены Kaspi — поставили 10 ₸.',
    );
    for (const locale of LOCALES)
      expect(i18n.t(locale, 'demper-floor-raised', { typed: '5 ₸', floor: '10 ₸' })).toMatch(/5 ₸.*10 ₸/);
  });
});

describe('keywords in Russian, Kazakh and English, whatever the seller’s language', () => {
  const everywhere = { enabled: true, minPrice: 10_000, maxPrice: 15_000, step: 10, stepIsPercent: false };

  it.each([
    'вкл мин=10000 макс=15000 шаг=10',
    'қосу мин=10000 макс=15000 қадам=10',
    'on min=10000 max=15000 step=10',
    'қосу min=10000 max=15000 step=10',
    'вкл min=10000 макс=15000 қадам=10',
    'қосу мин: 10 000 макс 15000 қадам=10',
  ])('%s', (text) => expect(parseDemperSettings(text)).toEqual({ ok: true, change: everywhere }));

  it.each([
    ['орын=2', { targetPlace: 2, strategy: 'target_place' }],
    ['place=2', { targetPlace: 2, strategy: 'target_place' }],
    ['место=3', { targetPlace: 3, strategy: 'target_place' }],
    ['режим=көшбасшы', { strategy: 'match_leader' }],
    ['mode=көшбасшы', { strategy: 'match_leader' }],
    ['mode=лидер', { strategy: 'match_leader' }],
    ['режим=hold', { strategy: 'hold' }],
    ['әр=5', { checkIntervalSeconds: 300 }],
    ['әр 10 минут', { checkIntervalSeconds: 600 }],
    ['өшіру', { enabled: false }],
    ['қала=Астана мин=310000', { city: 'Астана', minPrice: 310_000 }],
    ['city=Астана тастау', { city: 'Астана', resetCity: true }],
  ])('%s', (text, change) => expect(parseDemperSettings(text)).toEqual({ ok: true, change }));

  it('a name given twice in two languages is still asked about', () => {
    expect(parseDemperSettings('min=1000 мин=2000')).toMatchObject({ ok: false, key: 'demper-settings-twice' });
    expect(parseDemperSettings('step=10 қадам=5')).toMatchObject({
      ok: false,
      key: 'demper-settings-twice',
      variables: { name: 'step' },
    });
  });

  it('the Kazakh help speaks Kazakh keywords, the English help English ones', () => {
    const i18n = createI18n();
    expect(i18n.t('kk', 'demper-settings-usage')).not.toMatch(/\b(min|max|step|mode|place|every)=/);
    expect(i18n.t('kk', 'demper-settings-usage')).toMatch(/қадам=10/);
    expect(i18n.t('en', 'demper-settings-usage')).not.toMatch(/(мин|макс|шаг|қадам)=/);
    expect(i18n.t('kk', 'demper-settings-bad-mode', { value: 'x' })).toMatch(/режим=көшбасшы/);
  });
});
