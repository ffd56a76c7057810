import { describe, expect, it } from 'vitest';

import type { Product } from '../../src/db/entities/index.js';
import { demperSettingsOf, rivalFiltersOf } from '../../src/demper/settings.js';
import { demperTickMinutes } from '../../src/demper/store-switch.js';

describe('the demper tick in minutes, from DEMPER_CRON', () => {
  it.each([
    ['* * * * *', 1],
    ['*/5 * * * *', 5],
    ['*/20 * * * * *', 1], // the sandbox: every 20 s is «within 1 min»
    ['0,15,30,45 * * * *', 15],
    ['0,10 * * * *', 50], // the longest gap, not the first one
    ['0 * * * *', 60],
    ['0 9-18 * * *', 15 * 60], // overnight, from 18:00 to 09:00
    ['not a cron', 1],
  ])('%s → %i', (cron, minutes) => expect(demperTickMinutes(cron)).toBe(minutes));
});

describe('rival filters: the product’s own value, else the store’s, else on', () => {
  const product = (demperOptions: Product['demperOptions'], store?: unknown) =>
    ({ minPrice: 1000, demperOptions, store, cityOverrides: {} }) as unknown as Product;

  it('both on when nobody said otherwise, with or without a store', () => {
    expect(rivalFiltersOf(product({}))).toEqual({ ignoreIntercity: true, ignoreUnproven: true });
    expect(rivalFiltersOf(product({}), { demperFilters: {} })).toEqual({ ignoreIntercity: true, ignoreUnproven: true });
    expect(rivalFiltersOf(product({}), { demperFilters: null })).toEqual({
      ignoreIntercity: true,
      ignoreUnproven: true,
    });
  });

  it('the store’s switch applies where the product has none; the product’s own wins', () => {
    const store = { demperFilters: { ignoreIntercity: false } };
    expect(demperSettingsOf(product({}), undefined, store)!.rivalFilter).toMatchObject({
      ignoreIntercity: false,
      ignoreUnproven: true,
    });
    expect(demperSettingsOf(product({ ignoreIntercity: true }), undefined, store)!.rivalFilter).toMatchObject({
      ignoreIntercity: true,
      ignoreUnproven: true,
    });
    expect(
      demperSettingsOf(product({ ignoreUnproven: false }), undefined, { demperFilters: { ignoreUnproven: true } })!
        .rivalFilter.ignoreUnproven,
    ).toBe(false);
  });

  it('the two-parameter call reads a loaded product.store', () => {
    const loaded = product({}, { demperFilters: { ignoreUnproven: false } });
    expect(demperSettingsOf(loaded, '750000000')!.rivalFilter).toMatchObject({
      ignoreIntercity: true,
      ignoreUnproven: false,
    });
    // An explicit store wins over the loaded one.
    expect(demperSettingsOf(loaded, undefined, { demperFilters: {} })!.rivalFilter.ignoreUnproven).toBe(true);
  });
});
