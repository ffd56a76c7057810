import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { ALMATY, MERCHANT, raw, sample, startTestSandbox } from './support.js';

let sandbox: KaspiSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe('Kaspi sandbox storefront, spoken to by hand', () => {
  it('replays the recorded storefront answer field for field', async () => {
    const answer = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, id: '102298404', limit: 64, page: 0, sortOption: 'PRICE' },
      })
    ).json as {
      offers: Record<string, unknown>[];
      total: number;
    };
    const rivals = answer.offers.filter((offer) => offer.merchantId !== MERCHANT);
    expect(rivals).toEqual(sample.offers);
    expect(rivals.map((offer) => Object.keys(offer))).toEqual(sample.offers.map((offer: object) => Object.keys(offer)));
    // The one deliberate difference: the sample says total 20 because it was trimmed to four offers.
    expect(answer.total).toBe(answer.offers.length);
  });

  it('answers GET with 405, a limit above 64 with 400, and paginates', async () => {
    expect((await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`)).status).toBe(405);
    expect(
      (
        await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
          method: 'POST',
          body: { cityId: ALMATY, limit: 65 },
        })
      ).status,
    ).toBe(400);
    const first = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, limit: 2, page: 0 },
      })
    ).json as { offers: unknown[]; total: number };
    const second = (
      await raw(`${sandbox.shopUrl}/yml/offer-view/offers/102298404`, {
        method: 'POST',
        body: { cityId: ALMATY, limit: 2, page: 1 },
      })
    ).json as { offers: unknown[] };
    expect(first.offers).toHaveLength(2);
    expect(second.offers).toHaveLength(2);
    expect(first.total).toBe(5);
    expect(
      (await raw(`${sandbox.shopUrl}/yml/offer-view/offers/999`, { method: 'POST', body: { cityId: ALMATY } })).json,
    ).toMatchObject({ offers: [], total: 0 });
  });

  it('blocks one source IP above 15 requests per second while another is fine, then lets it back', async () => {
    const url = `${sandbox.shopUrl}/yml/offer-view/offers/102298404`;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 403).length).toBeGreaterThanOrEqual(5);
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.3' })).status).toBe(200);
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' })).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 10_000 / 100 + 50));
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.2' })).status).toBe(200);
  });

  it('injects each fault kind on demand', async () => {
    const url = `${sandbox.shopUrl}/yml/offer-view/offers/102298404`;
    sandbox.injectFaults({ target: 'storefront', serverErrors: 1 });
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).status).toBe(502);
    sandbox.injectFaults({ target: 'storefront', htmlWall: 1 });
    const wall = await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' });
    expect([wall.status, wall.text.startsWith('<!doctype html>')]).toEqual([200, true]);
    sandbox.injectFaults({ target: 'storefront', resets: 1 });
    await expect(raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await raw(url, { method: 'POST', body: { cityId: ALMATY }, from: '127.0.0.4' })).status).toBe(200);
  });
});
