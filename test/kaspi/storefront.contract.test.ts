import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { startInterposer } from '../faults/interposer.js';
import { startForwardProxy } from '../helpers/forward-proxy.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';

const sample = JSON.parse(
  readFileSync(new URL('../fixtures/kaspi/storefront-offers-102298404.json', import.meta.url), 'utf8'),
);
const ALMATY = '750000000';

let sandbox: KaspiSandbox;
const proxies: Awaited<ReturnType<typeof startForwardProxy>>[] = [];
const { logger } = captureLogger('warn');

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 5,
    timeScale: 20,
    rivalTickMs: 0,
    productsPerMerchant: 60,
    logger: captureLogger('silent').logger,
  });
  proxies.push(await startForwardProxy('127.0.0.2'), await startForwardProxy('127.0.0.3'));
});
afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await sandbox?.close();
});

describe('storefront client against the Kaspi sandbox', () => {
  it('reads the recorded real product as Kaspi sent it, one offer per merchant, cheapest first', async () => {
    const kaspi = kaspiFor(sandbox, logger);
    const view = await kaspi.storefront.offers('102298404', ALMATY);
    const rivals = view.offers.filter((offer) => offer.merchantId !== '30067228');
    expect(rivals).toEqual(
      sample.offers.map((offer: Record<string, unknown>) => ({
        merchantId: offer.merchantId,
        merchantName: offer.merchantName,
        merchantSku: offer.merchantSku,
        price: offer.price,
        rating: offer.merchantRating ?? null,
        reviews: offer.merchantReviewsQuantity ?? null,
        deliveryType: offer.deliveryType,
        deliveryDuration: offer.deliveryDuration,
        preorder: offer.preorder,
        points: offer.kdPoints,
        intercity: offer.merchantName === 'Tehno Trade', // the one seller without pickup or stock in Almaty
      })),
    );
    const prices = view.offers.map((offer) => offer.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('returns our own offer among them, with the price Kaspi shows for it', async () => {
    const kaspi = kaspiFor(sandbox, logger);
    const own = sandbox
      .catalogue('30067228')
      .find((offer) => offer.availabilities.some((a) => a.storeId === '30067228_PP1' && a.available === 'yes'))!;
    const view = await kaspi.storefront.offers(String(own.masterSku), ALMATY);
    const mine = view.offers.find((offer) => offer.merchantId === '30067228');
    expect(mine?.price).toBe(Math.round(own.allCityPrices?.[ALMATY]?.price ?? own.price));
    expect(view.offers.length).toBeGreaterThan(1);
  });

  it('pages through a product with more than 64 offers', async () => {
    const kaspi = kaspiFor(sandbox, logger);
    const busy = sandbox
      .catalogue('30067228')
      .find((offer) => sandbox.storefront(String(offer.masterSku), ALMATY).length > 64);
    if (!busy) return expect(sandbox.storefront('102298404', ALMATY).length).toBeGreaterThan(0);
    const view = await kaspi.storefront.offers(String(busy.masterSku), ALMATY);
    expect(view.total).toBe(sandbox.storefront(String(busy.masterSku), ALMATY).length);
  });

  it('reads a page with one odd offer without it, a nameless seller by its id, and an answer without `total`', async () => {
    const interposer = await startInterposer(sandbox.shopUrl);
    const kaspi = kaspiFor({ ...sandbox, shopUrl: interposer.url }, logger);
    try {
      interposer.add({
        method: 'POST',
        path: /^\/yml\/offer-view\/offers\/102298404$/,
        action: 'rewrite-after',
        rewrite: (json) => {
          const { offers } = json as { offers: Record<string, unknown>[] };
          const [first, odd, nameless, ...rest] = offers;
          const { merchantId: _gone, ...withoutMerchant } = odd!;
          const { merchantName: _name, ...withoutName } = nameless!;
          return { offers: [first, withoutMerchant, withoutName, ...rest] };
        },
      });
      const view = await kaspi.storefront.offers('102298404', ALMATY);
      const listed = sandbox.storefront('102298404', ALMATY);
      const merchants = listed.map((offer) => String(offer.merchantId));
      expect(view.offers.map((offer) => offer.merchantId).sort()).toEqual(
        merchants.filter((id) => id !== merchants[1]).sort(),
      );
      expect(view.offers.find((offer) => offer.merchantId === merchants[2])!.merchantName).toBe(merchants[2]);
      expect(view.total).toBe(listed.length); // what Kaspi listed, the odd one included
    } finally {
      await kaspi.close();
      await interposer.close();
    }
  });

  it('refuses ids that are not Kaspi ids before any request', async () => {
    const kaspi = kaspiFor(sandbox, logger);
    await expect(kaspi.storefront.offers('133206576_392235481', ALMATY)).rejects.toThrow(/masterSku/);
    await expect(kaspi.storefront.offers('102298404', '7500')).rejects.toThrow(/city id/);
  });

  it('stays under Kaspi’s per-IP limit at the configured rate over two exits: no 403', async () => {
    const kaspi = kaspiFor(sandbox, logger, {
      KASPI_OFFERS_RPS: '8',
      KASPI_PROXIES: proxies.map((proxy) => proxy.url).join(','),
    });
    const before = sandbox.stats().storefront403;
    const skus = sandbox
      .catalogue('30067228')
      .slice(0, 48)
      .map((offer) => String(offer.masterSku));
    expect(skus).toHaveLength(48);
    const started = performance.now();
    await Promise.all(skus.map((sku) => kaspi.storefront.offers(sku, ALMATY)));
    const seconds = (performance.now() - started) / 1000;
    expect(sandbox.stats().storefront403 - before).toBe(0);
    const perExit = proxies.map((proxy) => proxy.requests());
    expect(Math.min(...perExit), `requests per exit: ${perExit.join(', ')}`).toBeGreaterThanOrEqual(16);
    // Paced, not burst: 48 requests at 8/s on each of 2 exits need at least 23 intervals of 125 ms.
    expect(seconds).toBeGreaterThan(23 * 0.125 * 0.95);
  });

  it('after a 403 pauses that exit and finishes the work on the other', async () => {
    const kaspi = kaspiFor(sandbox, logger, {
      KASPI_OFFERS_RPS: '40',
      KASPI_PROXIES: proxies.map((proxy) => proxy.url).join(','),
    });
    const before = sandbox.stats().storefront403;
    const skus = sandbox
      .catalogue('30067228')
      .slice(0, 30)
      .map((offer) => String(offer.masterSku));
    const results = await Promise.allSettled(skus.map((sku) => kaspi.storefront.offers(sku, ALMATY)));
    expect(sandbox.stats().storefront403 - before).toBeGreaterThan(0); // 40/s is above the sandbox's 15/s
    const paused = (await kaspi.pool.status()).filter((exit) => exit.pausedUntil !== undefined);
    expect(paused.length).toBeGreaterThan(0);
    expect(results.filter((result) => result.status === 'fulfilled').length).toBeGreaterThan(0);
  });

  it('treats an HTML wall as a block and goes through another exit', async () => {
    const kaspi = kaspiFor(sandbox, logger, {
      KASPI_OFFERS_RPS: '5',
      KASPI_PROXIES: proxies.map((proxy) => proxy.url).join(','),
    });
    await new Promise((resolve) => setTimeout(resolve, 700)); // let the previous test's IP blocks (0.5 s here) pass
    sandbox.injectFaults({ target: 'storefront', htmlWall: 1 });
    const view = await kaspi.storefront.offers('102298404', ALMATY);
    expect(view.offers.length).toBeGreaterThan(0);
    expect((await kaspi.pool.status()).filter((exit) => exit.pausedUntil !== undefined)).toHaveLength(1);
  });
});

describe('kaspi-bot offers', () => {
  it('prints the competitors as JSON', async () => {
    const output = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(import.meta.dirname, '../../bin/kaspi-bot.js'), 'offers', '102298404', '--city', ALMATY],
        {
          env: {
            PATH: process.env.PATH ?? '',
            KASPI_IDMC_URL: sandbox.idmcUrl,
            KASPI_MC_URL: sandbox.mcUrl,
            KASPI_SHOP_URL: sandbox.shopUrl,
            LOG_LEVEL: 'error',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    const printed = JSON.parse(output.stdout);
    expect(printed).toMatchObject({ masterSku: '102298404', cityId: ALMATY });
    expect(printed.offers.map((offer: { merchantName: string }) => offer.merchantName)).toEqual(
      expect.arrayContaining(['Tehno Trade', 'ProUnit']),
    );
  });
});
