import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { captureLogger } from '../helpers/logs.js';
import { loginByHand, MERCHANT, raw, startTestSandbox } from './support.js';

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe('Kaspi sandbox cabinet writes, spoken to by hand', () => {
  it('reproduces the write pitfalls that took real offers off sale', async () => {
    const jar = await loginByHand(sandbox, '+7 (701) 000-00-02');
    const headers = { 'x-auth-version': '3' };
    const [withStock, missingPoint] = sandbox
      .catalogue(MERCHANT)
      .filter((offer) => offer.availabilities.every((a) => a.available === 'yes'));
    expect(withStock && missingPoint).toBeTruthy();
    const item = (offer: typeof withStock, availabilities: unknown[]) => ({
      merchantUid: MERCHANT,
      sku: offer!.sku,
      model: offer!.model,
      price: offer!.price,
      availabilities,
    });
    const batch = [
      item(
        withStock,
        withStock!.availabilities.map((a) => ({ storeId: a.storeId, available: 'yes', stockCount: 1 })),
      ),
      item(missingPoint, [{ storeId: missingPoint!.availabilities[0]!.storeId, available: 'yes' }]),
    ];
    const accepted = await raw(`${sandbox.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
      method: 'POST',
      body: batch,
      cookies: jar,
      headers,
    });
    expect(accepted.json).toMatchObject({ id: expect.any(String) });
    const bare = [item(withStock, [{ storeId: 'PP1', available: 'yes' }])];
    expect(
      (
        await raw(`${sandbox.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
          method: 'POST',
          body: bare,
          cookies: jar,
          headers,
        })
      ).json,
    ).toMatchObject({
      errorCode: 'INVALID_STORE_ID',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000 / 100 + 50));
    const after = sandbox.catalogue(MERCHANT);
    expect(after.find((offer) => offer.sku === withStock!.sku)!.availabilities.every((a) => a.available === 'no')).toBe(
      true,
    );
    const partly = after.find((offer) => offer.sku === missingPoint!.sku)!.availabilities;
    expect(partly[0]!.available).toBe('yes');
    expect(partly[1]).toMatchObject({ available: 'no', stockCount: 0 });
    expect(sandbox.writes(MERCHANT)).toHaveLength(1);
  });

  it('blocks a merchant’s writes for 30 (scaled) minutes above 3 per second, and above 250 changes in 30 minutes', async () => {
    const local = await startKaspiSandbox({
      seed: 22,
      timeScale: 600,
      rivalTickMs: 0,
      productsPerMerchant: 3,
      limits: { changesPer30Min: 5 },
      logger: captureLogger('silent').logger,
    });
    try {
      const jar = await loginByHand(local);
      const offer = local.catalogue(MERCHANT)[0]!;
      const body = [
        {
          merchantUid: MERCHANT,
          sku: offer.sku,
          model: offer.model,
          price: offer.price,
          availabilities: offer.availabilities.map(({ storeId, available }) => ({ storeId, available })),
        },
      ];
      const write = () =>
        raw(`${local.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
          method: 'POST',
          body,
          cookies: jar,
          headers: { 'x-auth-version': '3' },
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await write()).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses[3]).toBe(429);
      expect(local.stats().cabinet429).toBeGreaterThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, (30 * 60_000) / 600 + 100)); // block and change window both over
      expect((await write()).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the per-second window, within the 30-minute one
      // 5 changes per window here: one is spent, so a batch of five exceeds it.
      const changes = await raw(`${local.mcUrl}/pricefeed/upload/merchant/process/process/batch`, {
        method: 'POST',
        body: [...body, ...body, ...body, ...body, ...body],
        cookies: jar,
        headers: { 'x-auth-version': '3' },
      });
      expect(changes.json).toEqual({ errorCode: 'TOO_MANY_CHANGES' });
    } finally {
      await local.close();
    }
  });
});
