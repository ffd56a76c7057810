import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';
import { ALMATY, MERCHANT, startTestSandbox } from './support.js';

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe('Kaspi sandbox world: its catalogue and its rivals', () => {
  it('is deterministic for a seed', async () => {
    const again = await startKaspiSandbox({
      seed: 21,
      rivalTickMs: 0,
      productsPerMerchant: 20,
      logger: captureLogger('silent').logger,
    });
    const other = await startKaspiSandbox({
      seed: 99,
      rivalTickMs: 0,
      productsPerMerchant: 20,
      logger: captureLogger('silent').logger,
    });
    try {
      const skus = (box: KaspiSandbox) => box.catalogue('30463421').map((offer) => [offer.sku, offer.price]);
      expect(skus(again)).toEqual(skus(sandbox));
      expect(skus(other)).not.toEqual(skus(sandbox));
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('moves rivals: dempers answer an undercut, never below their floor', async () => {
    const box = await startKaspiSandbox({
      seed: 23,
      rivalTickMs: 0,
      productsPerMerchant: 30,
      logger: captureLogger('silent').logger,
    });
    try {
      let answered = 0;
      for (const offer of box
        .catalogue(MERCHANT)
        .filter((candidate) => candidate.available)
        .slice(0, 30)) {
        const before = box.storefront(offer.masterSku, ALMATY).filter((o) => o.merchantId !== MERCHANT);
        box.tickRivals();
        const after = box.storefront(offer.masterSku, ALMATY).filter((o) => o.merchantId !== MERCHANT);
        const ours = offer.allCityPrices[ALMATY]?.price ?? offer.price;
        for (const rival of after) {
          const previous = before.find((candidate) => candidate.merchantId === rival.merchantId);
          if (previous && (rival.price as number) < (previous.price as number) && (rival.price as number) < ours)
            answered++;
        }
      }
      expect(answered).toBeGreaterThan(0);
    } finally {
      await box.close();
    }
  });
});
