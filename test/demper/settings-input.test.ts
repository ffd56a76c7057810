import { describe, expect, it } from 'vitest';

import type { Product } from '../../src/db/entities/index.js';
import { applySettings, parseDemperSettings } from '../../src/demper/settings-input.js';

function running(nextCheckAt: Date): Product {
  return { demperEnabled: true, minPrice: 1000, maxPrice: null, step: 1, stepIsPercent: false, checkIntervalSeconds: 900, nextCheckAt } as unknown as Product;
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
