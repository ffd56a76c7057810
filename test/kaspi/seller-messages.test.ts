import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { createI18n, LOCALES, LOCALES_DIR } from '../../src/i18n.js';
import {
  KaspiBadRequestError,
  KaspiIpBlockedError,
  KaspiLoginError,
  KaspiRateLimitedError,
  KaspiSchemaError,
  KaspiSessionExpiredError,
  KaspiTransientError,
  sellerMessageOf,
} from '../../src/kaspi/errors.js';

const i18n = createI18n();
const keysOf = (locale: string) =>
  new Set(
    [...readFileSync(join(LOCALES_DIR, `${locale}.ftl`), 'utf8').matchAll(/^([a-z][\w-]*)\s*=/gm)].map(
      (match) => match[1]!,
    ),
  );

const LOGIN_CODES = [
  'MFA_SEND_FLOOD',
  'MFA_CODE_TOO_MANY_SEND',
  'SECURITY_CODE_INVALID',
  'MFA_CODE_ATTEMPT_LIMIT',
  'CREDENTIALS_INVALID',
  'NO_MERCHANTS',
  'INSUFFICIENT_PERMISSIONS',
  'PHONE_NOT_FOUND',
  'PHONE_INVALID',
  'TIMEOUT_EXCEEDED',
  'NO_SESSION',
  'FAILED',
  'LOGIN_IN_PROGRESS',
  'MFA_CODE_INVALID',
  'INACTIVE_CODE_ERROR',
  'LOGIN_EXPIRED',
  'PAGE_TIMEOUT',
  'LOGIN_PAGE_BLOCKED',
  'BROWSER_UNAVAILABLE',
  'MERCHANT_CHOICE_REQUIRED',
];

const errors = [
  new KaspiSessionExpiredError('x', 'e'),
  new KaspiRateLimitedError('x', 'e', 30 * 60_000, 'merchant-writes'),
  new KaspiRateLimitedError('x', 'e', 60_000, 'storefront'),
  new KaspiIpBlockedError('x', 'e', 403, 'direct'),
  new KaspiTransientError('x', 'e', 502),
  new KaspiBadRequestError('x', 'e', 400, 'INVALID_STORE_ID', undefined),
  new KaspiSchemaError('e', 'offers.0.price', 'expected number'),
  ...LOGIN_CODES.map((code) => new KaspiLoginError('x', 'e', code, 122)),
];

describe('Kaspi errors in the seller’s language', () => {
  it('every locale has the same keys', () => {
    const ru = keysOf('ru');
    for (const locale of LOCALES) expect([...keysOf(locale)].sort()).toEqual([...ru].sort());
  });

  it.each(LOCALES)('every Kaspi error has a %s message, with its variables filled in', (locale) => {
    const keys = keysOf(locale);
    for (const error of errors) {
      const { key, variables } = sellerMessageOf(error);
      expect(keys.has(key), `${locale}: ${key}`).toBe(true);
      const text = i18n.t(locale, key, variables);
      expect(text).not.toMatch(/\{\s*\$|undefined|NaN/);
      expect(text.length).toBeGreaterThan(20);
    }
  });

  it('distinguishes each login code a seller can act on (no generic fallback)', () => {
    for (const code of LOGIN_CODES.filter(
      (code) => !['NO_SESSION', 'FAILED', 'MFA_CODE_TOO_MANY_SEND'].includes(code),
    )) {
      expect(new KaspiLoginError('x', 'e', code).sellerMessage, code).not.toBe('kaspi-login-failed');
    }
  });

  it('tells how long to wait, in Russian by default', () => {
    const flood = sellerMessageOf(new KaspiLoginError('x', 'e', 'MFA_SEND_FLOOD', 122));
    expect(i18n.t('ru', flood.key, flood.variables)).toBe(
      'Kaspi просит подождать перед новым кодом: ещё 122 сек. Затем отправьте номер снова.',
    );
    const limited = sellerMessageOf(new KaspiRateLimitedError('x', 'e', 29 * 60_000 + 1, 'merchant-writes'));
    expect(i18n.t('ru', limited.key, limited.variables)).toContain('через 30 мин');
  });

  it('promises no retry the bot will not make, and tells a slowed-down read from refused changes', () => {
    const writes = sellerMessageOf(new KaspiRateLimitedError('x', 'e', 30 * 60_000, 'merchant-writes'));
    const reads = sellerMessageOf(new KaspiRateLimitedError('x', 'e', 90_000, 'storefront'));
    const blocked = sellerMessageOf(new KaspiIpBlockedError('x', 'e', 403, 'direct'));
    // A 429 on a cabinet read (a sync) is told as slowed-down requests, not as a change not sent.
    const syncRead = sellerMessageOf(new KaspiRateLimitedError('x', 'e', 60_000, 'merchant-writes'), true);
    expect(i18n.t('ru', syncRead.key, syncRead.variables)).toBe(
      'Kaspi просит подождать с запросами. Попробуйте снова примерно через 1 мин.',
    );
    expect(i18n.t('ru', writes.key, writes.variables)).toMatch(
      /^Не отправлено: .*ограничил изменения.*Попробуйте снова примерно через 30 мин/,
    );
    expect(i18n.t('ru', reads.key, reads.variables)).toBe(
      'Kaspi просит подождать с запросами. Попробуйте снова примерно через 2 мин.',
    );
    for (const { key, variables } of [writes, reads, blocked]) {
      for (const locale of LOCALES)
        expect(i18n.t(locale, key, variables), `${locale}: ${key}`).not.toMatch(
          /автоматически|повторим сами|өзіміз|automatically|by ourselves/i,
        );
    }
  });
});
