import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { ACTIONS, callbackData, idArg, parseCallback } from '../../src/bot/callback-data.js';
import { whileWorking } from '../../src/bot/replies/chat-action.js';
import { formatPrice, html, localDate, localTimeOrDate, parsePrice } from '../../src/bot/replies/format.js';
import { updateKind } from '../../src/bot/middlewares/metrics.js';
import { fileStatusText } from '../../src/bot/features/preorders.js';
import { I18n } from '@grammyjs/i18n';

import { createI18n, LOCALES, LOCALES_DIR } from '../../src/i18n.js';
import { parseStrategy } from '../../src/excel/products-import.js';
import { NOTICES } from '../../bench/bot-driver.js';
import { priceJump } from '../../src/bot/flows/price-jump.js';

const ROOT = join(import.meta.dirname, '../..');

describe('prices as sellers type them', () => {
  it.each([
    ['12000', 12000],
    ['12 000', 12000],
    ['12\u00a0000 ₸', 12000],
    ['12 000 тг', 12000],
    ['12.000', 12000],
    ['1 234 567', 1234567],
    ['990тенге', 990],
    ['12 500,00', 12500],
    ['12500.00 ₸', 12500],
    ['12.500,00', 12500],
    ['12,500.0', 12500],
    ['990,00', 990],
  ])('%s → %d', (text, expected) => expect(parsePrice(text)).toBe(expected));

  it.each([
    'abc',
    '',
    '-100',
    '12,5',
    '12.50',
    '12 500,50',
    '12500.05',
    ',00',
    '12.00',
    '99,0',
    '1e5',
    '0x10',
    '12 00',
    '99999999999',
    '١٢٣',
  ])('refuses %j', (text) => expect(parsePrice(text)).toBeUndefined());

  it('formats tenge the way Kaspi shows them and escapes HTML', () => {
    expect(formatPrice(1234567)).toBe('1\u202f234\u202f567\u00a0₸');
    expect(html('<b>&')).toBe('&lt;b&gt;&amp;');
  });
});

describe('callback data', () => {
  it('is versioned, compact and refuses anything else', () => {
    const data = callbackData(ACTIONS.priceConfirm, 2_147_483_647, 99_999_999);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(parseCallback(data)).toEqual({ action: 'pf', args: ['2147483647', '99999999'] });
    expect(parseCallback('2:pf:1:2')).toBeUndefined();
    expect(parseCallback('1:p:1;drop table')).toBeUndefined();
    expect(parseCallback('x'.repeat(65))).toBeUndefined();
    expect(() => callbackData(ACTIONS.product, 'a'.repeat(70))).toThrow(/too long/);
    expect(idArg('0')).toBeUndefined();
    expect(idArg('-1')).toBeUndefined();
    expect(idArg('99999999999')).toBeUndefined();
    expect(idArg('42')).toBe(42);
  });
});

describe('locales', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) =>
      statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : [],
    );
  const source = [
    ...files(join(ROOT, 'src/bot')),
    ...files(join(ROOT, 'src/excel')),
    ...files(join(ROOT, 'src/preorders')),
    ...files(join(ROOT, 'conversations')),
  ]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const dynamic = [
    'batch-confirm-',
    'batch-done-',
    'batch-nothing-',
    'batch-select-',
    'batch-sent-',
    'batch-applied-',
  ].flatMap((prefix) => [`${prefix}enable`, `${prefix}disable`]);
  const used = new Set([
    ...[...source.matchAll(/\bt\(\s*'([a-z0-9-]+)'/g)].map((match) => match[1]!),
    ...[...source.matchAll(/'([a-z]+(?:-[a-z0-9]+)+)'/g)]
      .map((match) => match[1]!)
      .filter(
        (key) =>
          ![
            'price-edit',
            'demper-settings',
            'demper-setup',
            'demper-notifier',
            'preorder-edit',
            'preorders-upload',
            'excel-import',
          ].includes(key) &&
          /^(card|button|availability|price|products|batch|login|stores|sync|welcome|offers|notify|store|demper|history|preorder|preorders|xlsx|import|export)-/.test(
            key,
          ),
      ),
    ...dynamic,
    ...['all', 'important', 'off'].map((level) => `notify-${level}`),
    ...['none', 'active', 'expired'].map((state) => `stores-line-${state}`),
    ...['floor-reached', 'lost-first-place', 'not-applied', 'session-expired', 'rate-limited'].map(
      (kind) => `demper-alert-${kind}`,
    ),
    ...['on', 'off', 'dry', 'live'].map((state) => `demper-switched-${state}`),
    ...['first-place', 'match-leader', 'target-place', 'hold'].map((strategy) => `demper-strategy-${strategy}`),
    ...['demper', 'manual', 'import', 'rollback'].map((source) => `history-source-${source}`),
    ...['planned', 'sent', 'applied', 'failed'].map((status) => `history-status-${status}`),
    ...[
      'start',
      'help',
      'login',
      'stores',
      'sync',
      'products',
      'price',
      'enable',
      'disable',
      'offers',
      'demper',
      'history',
      'preorders',
      'export',
      'import',
      'settings',
      'cancel',
      'logout',
    ].map((command) => `command-${command}`),
    ...['sku', 'title', 'price', 'onSale', 'min', 'max', 'step', 'demper', 'strategy', 'place', 'rival'].map(
      (column) => `xlsx-col-${column}`,
    ),
    ...['planned', 'uploading', 'uploaded', 'confirmed', 'failed', 'on-kaspi'].map(
      (status) => `preorder-status-${status}`,
    ),
    ...['sent', 'not-found', 'refused', 'deferred', 'unchanged'].map((result) => `preorder-outcome-${result}`),
    ...['processing', 'flushed', 'error', 'unfinished'].map((status) => `preorder-file-${status}`),
    ...['not-found', 'not-shown', 'file-refused', 'not-sent', 'points', 'other'].map(
      (kind) => `preorder-failure-${kind}`,
    ),
    ...['first_place', 'match_leader', 'hold', 'place'].map((strategy) => `xlsx-strategy-${strategy}`),
    ...[
      'sms-login',
      'email-login',
      'price-edit',
      'demper-settings',
      'demper-setup',
      'preorder-edit',
      'excel-import',
    ].map((conversation) => `left-${conversation}`),
    ...['f', 'm', 'p2', 'h'].map((code) => `button-tap-strategy-${code}`),
    ...['min', 'max', 'step'].map((name) => `demper-setup-ask-${name}`),
  ]);
  const i18n = createI18n();

  it('every key the bot uses exists in Russian, Kazakh and English', () => {
    expect(used.size).toBeGreaterThan(100);
    for (const locale of LOCALES) {
      const text = readFileSync(join(ROOT, `locales/${locale}.ftl`), 'utf8');
      const missing = [...used].filter((key) => !new RegExp(`^${key} =`, 'm').test(text));
      expect(missing, `${locale} lacks ${missing.join(', ')}`).toEqual([]);
    }
  });

  it('every message of every locale parses: a syntax slip drops the whole message, which then shows as {key}', () => {
    for (const locale of LOCALES) {
      const keys = [...readFileSync(join(ROOT, `locales/${locale}.ftl`), 'utf8').matchAll(/^([a-z][\w-]*)\s*=/gm)].map(
        (match) => match[1]!,
      );
      expect(keys.length).toBeGreaterThan(300);
      // This locale alone: the bot's i18n falls back to Russian, which would hide a Kazakh or English slip.
      const alone = new I18n({ defaultLocale: locale, fluentBundleOptions: { useIsolating: false } });
      alone.loadLocaleSync(locale, { filePath: join(LOCALES_DIR, `${locale}.ftl`) });
      // A message that parsed but wants variables throws for the missing ones: it is there.
      const rendered = (key: string): string => {
        try {
          return alone.t(locale, key);
        } catch (error) {
          if (error instanceof ReferenceError) return 'parsed';
          throw error;
        }
      };
      const dropped = keys.filter((key) => rendered(key) === `{${key}}`);
      expect(dropped, `${locale}: ${dropped.join(', ')}`).toEqual([]);
    }
    expect(i18n.t('ru', 'import-row-bad-bound', { column: 'min', value: 'abc' })).toBe(
      '«Минимум»: «abc» — не цена, нужно целое число тенге от 10',
    );
    expect(i18n.t('en', 'import-row-bad-bound', { column: 'max', value: 'abc' })).toMatch(
      /^“Maximum”: “abc” is not a price/,
    );
  });

  it('the three locales have the same keys', () => {
    const keys = (locale: string) =>
      [...readFileSync(join(ROOT, `locales/${locale}.ftl`), 'utf8').matchAll(/^([a-z0-9-]+) =/gm)]
        .map((match) => match[1])
        .sort();
    expect(keys('kk')).toEqual(keys('ru'));
    expect(keys('en')).toEqual(keys('ru'));
  });

  it('plural forms read right in Russian', () => {
    expect(i18n.t('ru', 'batch-confirm-disable', { count: 3 })).toMatch(/^Снять с продажи 3 товара\?/);
    expect(i18n.t('ru', 'batch-confirm-disable', { count: 5 })).toMatch(/^Снять с продажи 5 товаров\?/);
    expect(i18n.t('ru', 'batch-confirm-disable', { count: 1 })).toMatch(/^Снять с продажи 1 товар\?/);
    expect(i18n.t('en', 'batch-confirm-disable', { count: 1 })).toMatch(/^Take 1 product off sale/);
  });
});

describe('whileWorking', () => {
  it('keeps «печатает…» showing while a slow Kaspi read waits, stops with it, and never fails the work', async () => {
    vi.useFakeTimers();
    try {
      const actions: string[] = [];
      let failNext = false;
      const ctx = {
        replyWithChatAction: async (action: string) => {
          actions.push(action);
          if (failNext) throw new Error('Telegram 429');
          return true;
        },
      } as unknown as Parameters<typeof whileWorking>[0];
      const slow = whileWorking(
        ctx,
        'typing',
        () => new Promise<string>((resolve) => setTimeout(() => resolve('offers'), 12_000)),
      );
      failNext = true;
      await vi.advanceTimersByTimeAsync(12_000);
      expect(await slow).toBe('offers');
      expect(actions).toEqual(['typing', 'typing', 'typing']); // at 0, 4.5 and 9 s
      await vi.advanceTimersByTimeAsync(20_000);
      expect(actions).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('update kinds in /metrics', () => {
  const kind = (update: Record<string, unknown>) => updateKind(update as never, ['start', 'price']);
  it('are a closed set: known commands, button actions by name, message kinds — never the text or ids', () => {
    expect(kind({ message: { text: '/price 123 4500' } })).toBe('/price');
    expect(kind({ message: { text: '/start@kaspi_bot' } })).toBe('/start');
    expect(kind({ message: { text: '/77010000001' } })).toBe('/other');
    expect(kind({ message: { text: 'Айгерим +7 701 000 00 01' } })).toBe('text');
    expect(kind({ message: { document: {} } })).toBe('document');
    expect(kind({ callbackQuery: { data: callbackData(ACTIONS.priceConfirm, 15, 4500) } })).toBe('button:priceConfirm');
    expect(kind({ callbackQuery: { data: '1:zz:secret' } })).toBe('button:other');
    expect(kind({ callbackQuery: { data: 'settings/0/1//hash' } })).toBe('menu:settings');
    expect(kind({ callbackQuery: { data: '<script>' } })).toBe('button:other');
  });
});

describe('price-list file statuses', () => {
  it('every status Kaspi sends reads as words in each language; an unknown one as Kaspi wrote it, never a raw key', () => {
    const i18n = createI18n();
    for (const locale of LOCALES) {
      const t = (key: string) => i18n.t(locale, key);
      // Each one is its own message in this language, not the lower-cased fallback an unknown status gets.
      const expected = {
        PROCESSING: 'processing',
        FLUSHED: 'flushed',
        ERROR: 'error',
        FAILED: 'error',
        UNFINISHED: 'unfinished',
      };
      for (const [status, key] of Object.entries(expected))
        expect(fileStatusText(t, status), status).toBe(t(`preorder-file-${key}`));
      expect(fileStatusText(t, 'QUEUED_<b>')).toBe('queued_&lt;b&gt;');
    }
  });
});

describe('localDate', () => {
  it('is the seller’s calendar day, not UTC’s: 22:30 UTC is already tomorrow in Almaty', () => {
    const late = new Date('2026-11-25T22:30:00Z');
    expect(localDate('Asia/Almaty', late)).toBe('2026-11-26');
    expect(localDate('UTC', late)).toBe('2026-11-25');
    expect(localDate('Not/AZone', late)).toBe('2026-11-26'); // a broken stored zone falls back to Almaty
  });

  it('«проверено» on a card: the time today, the date and time on another day, in the seller’s zone', () => {
    const now = new Date('2026-11-25T14:20:00Z'); // 19:20 in Almaty
    expect(localTimeOrDate(new Date('2026-11-25T09:05:00Z'), 'Asia/Almaty', now)).toBe('14:05');
    expect(localTimeOrDate(new Date('2026-11-24T09:05:00Z'), 'Asia/Almaty', now)).toBe('24.11 14:05');
    // 20:00 UTC is already the 26th in Almaty, so it is not «today» there.
    expect(localTimeOrDate(new Date('2026-11-25T20:00:00Z'), 'Asia/Almaty', now)).toBe('26.11 01:00');
    expect(localTimeOrDate(new Date('2026-11-25T09:05:00Z'), 'Not/AZone', now)).toBe('14:05');
  });
});

describe('the strategy column of /export and /import', () => {
  const i18n = createI18n();

  it.each(LOCALES)('reads back every strategy /export writes in %s', (locale) => {
    for (const strategy of ['first_place', 'match_leader', 'hold'] as const) {
      expect(parseStrategy(i18n.t(locale, `xlsx-strategy-${strategy}`)), `${locale} ${strategy}`).toEqual({
        strategy,
        place: 1,
      });
    }
    expect(parseStrategy(i18n.t(locale, 'xlsx-strategy-place', { place: 3 }))).toEqual({
      strategy: 'target_place',
      place: 3,
    });
  });

  it('takes the old English codes and places as sellers type them; refuses the rest', () => {
    expect(parseStrategy('first')).toEqual({ strategy: 'first_place', place: 1 });
    expect(parseStrategy('  Цена   лидера ')).toEqual({ strategy: 'match_leader', place: 1 });
    for (const typed of [
      'место 2',
      '2 место',
      '2-е место',
      '2-ое место',
      '2-ші орын',
      '2 орын',
      'place 2',
      '2nd place',
    ]) {
      expect(parseStrategy(typed), typed).toEqual({ strategy: 'target_place', place: 2 });
    }
    for (const wrong of ['место 0', 'место 11', 'второе', 'дешевле всех', '2', ''])
      expect(parseStrategy(wrong), wrong).toBeUndefined();
  });
});

describe('the bench drivers read the bot as it speaks now', () => {
  it('every notice bench:bot tolerates matches its Russian message (a reworded text must not turn into «no answer»)', () => {
    const i18n = createI18n();
    const sample = {
      minutes: 5,
      seconds: 30,
      title: 'Чайник',
      new: '1 000 ₸',
      old: '2 000 ₸',
      store: 'Магазин',
      code: 'X',
      count: 2,
    };
    for (const notice of NOTICES) expect(i18n.t('ru', notice.key, sample), notice.key).toMatch(notice.pattern);
  });
});

describe('a price far from the current one (a missing or an extra zero)', () => {
  it('is a drop below half or a rise above double; anything between is an ordinary change', () => {
    expect(priceJump(365_000, 36_500)).toEqual({ kind: 'drop', percent: 90 });
    expect(priceJump(365_000, 3_650_000)).toEqual({ kind: 'rise', times: 10 });
    expect(priceJump(1_000, 2_500)).toEqual({ kind: 'rise', times: 2.5 });
    for (const to of [500, 1_000, 1_990, 2_000]) expect(priceJump(1_000, to), String(to)).toBeUndefined();
    expect(priceJump(0, 5_000)).toBeUndefined();
  });
});
