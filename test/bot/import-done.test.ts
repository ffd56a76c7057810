import { describe, expect, it } from 'vitest';

import { importDoneText } from '../../src/bot/replies/import-done.js';
import type { ImportSummary } from '../../src/excel/import-apply.js';
import { createI18n, LOCALES } from '../../src/i18n.js';

const i18n = createI18n();
const summary = (changes: Partial<ImportSummary> = {}): ImportSummary => ({
  settings: 0,
  settingsRefused: 0,
  availability: { sent: 0, unchanged: 0, deferred: 0, skipped: 0 },
  prices: { sent: 0, unchanged: 0, deferred: 0, failed: 0 },
  preorders: { sent: 0, other: 0 },
  demper: { switchedOn: 0, spreadSeconds: 0 },
  sent: { availability: [], prices: [] },
  ...changes,
});
const ru = (value: ImportSummary) => importDoneText((key, variables) => i18n.t('ru', key, variables), value);

describe('the applied import’s summary', () => {
  it('names only what was done; with nothing held back it says everything was sent', () => {
    expect(ru(summary({ availability: { sent: 1, unchanged: 0, deferred: 0, skipped: 0 } }))).toBe(
      '✅ Готово. В продаже — 1. Всё отправлено в Kaspi.',
    );
    expect(
      ru(
        summary({
          settings: 2,
          prices: { sent: 3, unchanged: 1, deferred: 0, failed: 0 },
          preorders: { sent: 1, other: 0 },
        }),
      ),
    ).toBe('✅ Готово. Настройки демпера — 2, цены — 4, предзаказы — 1. Всё отправлено в Kaspi.');
    // Settings alone are saved here, not sent anywhere: no «отправлено» claim.
    expect(ru(summary({ settings: 1 }))).toBe('✅ Готово. Настройки демпера — 1.');
  });

  it('gives the 30-minute advice only for changes Kaspi’s limit really held back, and failures only when some failed', () => {
    const held = ru(summary({ prices: { sent: 5, unchanged: 0, deferred: 2, failed: 1 } }));
    expect(held).toBe(
      '✅ Готово. Цены — 5. Не отправлено из-за лимита Kaspi — 2: отправьте этот же файл ещё раз через 30 минут. Не удалось — 1.',
    );
    for (const text of [ru(summary({ settings: 1 })), ru(summary({ preorders: { sent: 2, other: 0 } }))]) {
      expect(text).not.toMatch(/лимит|30 минут|Не удалось|— 0/);
    }
  });

  it.each(LOCALES)('%s: no zero is ever named', (locale) => {
    const text = importDoneText(
      (key, variables) => i18n.t(locale, key, variables),
      summary({ prices: { sent: 1, unchanged: 0, deferred: 0, failed: 0 } }),
    );
    expect(text).not.toMatch(/\b0\b|[{}$]/);
    expect(text).toContain('1');
  });
});
