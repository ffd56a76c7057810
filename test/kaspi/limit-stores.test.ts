import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';

import { KaspiRateLimitedError } from '../../src/kaspi/errors.js';
import { KaspiLimits } from '../../src/kaspi/limits/kaspi-limits.js';
import { MemoryLimitStore, type LimitStore } from '../../src/kaspi/limits/limit-store.js';
import { RedisLimitStore } from '../../src/kaspi/limits/redis-limit-store.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
afterAll(() => redis.quit());

const stores: [string, () => LimitStore][] = [
  ['memory', () => new MemoryLimitStore()],
  ['redis', () => new RedisLimitStore(redis, `test-limits-${randomBytes(4).toString('hex')}:`)],
];

describe.each(stores)('%s limit store', (_name, make) => {
  it('spaces reserved slots by the interval and refuses waits beyond the maximum', async () => {
    const store = make();
    // Each slot's absolute time lies in [before + wait, after + wait] of its own call (Redis reads its own
    // clock mid-call); gaps are checked against those bounds, so a slow round trip cannot fake a short gap.
    const reserve = async (maxWaitMs: number) => {
      const before = Date.now();
      const wait = await store.reserveSlot('exit', 100, maxWaitMs);
      return wait === undefined ? undefined : { earliest: before + wait, latest: Date.now() + wait, wait };
    };
    const slots = [];
    for (let i = 0; i < 4; i++) slots.push((await reserve(1_000))!);
    expect(slots[0]!.wait).toBeLessThanOrEqual(5);
    for (let i = 1; i < 4; i++) {
      expect(slots[i]!.latest - slots[i - 1]!.earliest, `gap ${i} at most`).toBeGreaterThanOrEqual(99);
      expect(slots[i]!.earliest - slots[i - 1]!.latest, `gap ${i} at least`).toBeLessThanOrEqual(101);
    }
    expect(await reserve(50)).toBeUndefined();
    // A refused reservation takes nothing: the next slot is 400 ms after the first, not 500.
    const next = (await reserve(1_000))!;
    expect(next.latest - slots[0]!.earliest).toBeGreaterThanOrEqual(399);
    expect(next.earliest - slots[0]!.latest).toBeLessThanOrEqual(401);
  });

  it('reserves the earliest of several schedules, keeping them level under concurrent callers', async () => {
    const store = make();
    const keys = ['a', 'b', 'c'];
    // 12 callers at once over 3 schedules of 100 ms: 4 each, waits 0, 100, 200, 300 on every schedule, less
    // whatever time passed between the first call and a later one.
    const started = Date.now();
    const taken = await Promise.all(Array.from({ length: 12 }, () => store.reserveEarliestSlot(keys, 100, 1_000)));
    const spread = Date.now() - started;
    const perKey = keys.map((_key, index) =>
      taken
        .filter((slot) => slot!.index === index)
        .map((slot) => slot!.wait)
        .sort((x, y) => x - y),
    );
    for (const waits of perKey) {
      expect(waits).toHaveLength(4);
      waits.forEach((wait, position) => {
        expect(wait).toBeLessThanOrEqual(position * 100 + 2);
        expect(wait).toBeGreaterThanOrEqual(position * 100 - spread - 2);
      });
    }
    // Beyond the maximum wait nothing is reserved: the next caller still gets the 400 ms slot.
    expect(await store.reserveEarliestSlot(keys, 100, 300 - (Date.now() - started) - 5)).toBeUndefined();
    const next = (await store.reserveEarliestSlot(keys, 100, 1_000))!;
    expect(next.wait).toBeLessThanOrEqual(400 + 2);
    expect(next.wait).toBeGreaterThanOrEqual(400 - (Date.now() - started) - 2);
  });

  it('leaves a frozen schedule out of the earliest-slot choice until its freeze ends', async () => {
    const store = make();
    await store.freeze('exit:b', Date.now() + 300, '403');
    const picks = [];
    for (let i = 0; i < 8; i++)
      picks.push((await store.reserveEarliestSlot(['a', 'b'], 100, 1_000, ['exit:a', 'exit:b']))!.index);
    expect(picks).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // a's queue now reaches 800 ms ahead
    await store.freeze('exit:a', Date.now() + 300, '403');
    expect(await store.reserveEarliestSlot(['a', 'b'], 100, 1_000, ['exit:a', 'exit:b'])).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect((await store.reserveEarliestSlot(['a', 'b'], 100, 1_000, ['exit:a', 'exit:b']))!.index).toBe(1); // b is idle, a still has a queue
  });

  it('grants a rolling window only up to its limit and says when room returns', async () => {
    const store = make();
    expect(await store.takeFromWindow('store-1', 3, 5, 300)).toEqual({ granted: 3, retryInMs: 0 });
    const partial = await store.takeFromWindow('store-1', 4, 5, 300);
    expect(partial.granted).toBe(2);
    expect(partial.retryInMs).toBeGreaterThan(200);
    expect(partial.retryInMs).toBeLessThanOrEqual(300);
    expect((await store.takeFromWindow('store-1', 1, 5, 300)).granted).toBe(0);
    expect(await store.usedInWindow('store-1', 300)).toBe(5);
    expect((await store.takeFromWindow('store-2', 1, 5, 300)).granted).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(await store.usedInWindow('store-1', 300)).toBe(0);
    expect((await store.takeFromWindow('store-1', 5, 5, 300)).granted).toBe(5);
  });

  it('freezes, extends, never shortens, and thaws', async () => {
    const store = make();
    const now = Date.now();
    expect(await store.frozenUntil('merchant')).toBeUndefined();
    await store.freeze('merchant', now + 300, '429');
    await store.freeze('merchant', now + 100, 'shorter');
    expect(await store.frozenUntil('merchant')).toEqual({ untilMs: now + 300, reason: '429' });
    await store.freeze('merchant', now + 400, 'longer');
    expect((await store.frozenUntil('merchant'))?.reason).toBe('longer');
    await new Promise((resolve) => setTimeout(resolve, 420));
    expect(await store.frozenUntil('merchant')).toBeUndefined();
  });
});

describe('KaspiLimits', () => {
  it('paces cabinet writes at KASPI_PRICEFEED_RPS and refuses all writes of a frozen merchant', async () => {
    const limits = new KaspiLimits(new MemoryLimitStore(), { offersRps: 8, pricefeedRps: 10, changesPerWindow: 240 });
    const started = performance.now();
    for (let i = 0; i < 4; i++) await limits.cabinetWriteSlot('m1');
    // 4 writes at 10/s need at least 3 intervals of 100 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    await limits.freezeMerchant(
      'm1',
      new KaspiRateLimitedError('429', 'cabinet.pricefeed-batch', 60_000, 'merchant-writes'),
    );
    await expect(limits.cabinetWriteSlot('m1')).rejects.toMatchObject({
      kind: 'rate-limited',
      scope: 'merchant-writes',
    });
    await expect(limits.cabinetWriteSlot('m2')).resolves.toBeUndefined();
  });

  it('shares one budget between two processes through Redis', async () => {
    const prefix = `test-limits-${randomBytes(4).toString('hex')}:`;
    const other = new Redis(TEST_REDIS_URL);
    try {
      const a = new KaspiLimits(new RedisLimitStore(redis, prefix), {
        offersRps: 8,
        pricefeedRps: 1.5,
        changesPerWindow: 10,
      });
      const b = new KaspiLimits(new RedisLimitStore(other, prefix), {
        offersRps: 8,
        pricefeedRps: 1.5,
        changesPerWindow: 10,
      });
      const grants = await Promise.all([a.takeChanges('30067228', 7), b.takeChanges('30067228', 7)]);
      expect(grants.map((grant) => grant.granted).sort()).toEqual([3, 7]);
      expect(await a.changesLeft('30067228')).toBe(0);
      await a.freezeMerchant('30067228', new KaspiRateLimitedError('429', 'x', 30_000, 'merchant-writes'));
      await expect(b.assertWritesAllowed('30067228')).rejects.toBeInstanceOf(KaspiRateLimitedError);
    } finally {
      await other.quit();
    }
  });
});
