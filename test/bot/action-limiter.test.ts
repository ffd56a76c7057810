import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

import { ActionLimiter } from '../../src/bot/guards/action-limiter.js';
import { PressGuard } from '../../src/bot/guards/press-guard.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const redis = new Redis(TEST_REDIS_URL, { keyPrefix: `action-limiter-test-${process.pid}-${Date.now()}:` });
afterAll(() => redis.disconnect());

describe.each([
  ['in memory (one process)', () => new ActionLimiter(undefined, { sync: 400 }), false],
  ['through Redis, shared by every bot process', () => new ActionLimiter(redis, { sync: 400 }), true],
])('a seller’s expensive actions %s', (_name, make, shared) => {
  it('runs the first at once, refuses the next until the interval passes, and keeps sellers apart', async () => {
    const limiter = make();
    const other = make();
    expect(await limiter.take(1, 'sync')).toBe(0);
    // Another bot process: with Redis it sees the booking, in memory it cannot.
    const wait = await other.take(1, 'sync');
    if (shared) expect(wait).toBeGreaterThan(300);
    else expect(wait).toBe(0);
    expect(await limiter.take(1, 'sync')).toBeGreaterThan(300);
    expect(await limiter.take(2, 'sync')).toBe(0);
    expect(await limiter.take(1, 'unlimited')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 420));
    expect(await limiter.take(1, 'sync')).toBe(0);
  });

  it('with a scope, spaces the action per store: one store’s sync does not hold back the other’s', async () => {
    const limiter = make();
    expect(await limiter.take(7, 'sync', 101)).toBe(0);
    expect(await limiter.take(7, 'sync', 102)).toBe(0);
    expect(await limiter.take(7, 'sync', 101)).toBeGreaterThan(300);
  });
});

describe.each([
  ['in memory (one process)', () => new PressGuard(undefined, 200), false],
  ['through Redis, shared by every bot process', () => new PressGuard(redis, 200), true],
])('one run per button press %s', (_name, make, shared) => {
  it('holds a press for as long as its action runs, then for a short tail; other buttons are free', async () => {
    const guard = make();
    const other = make();
    expect(await guard.begin('1:2:3:data')).toBe(true);
    expect(await other.begin('1:2:3:data')).toBe(!shared);
    // A long action (a rollback of many products): a tap long after the first still finds it held.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await guard.begin('1:2:3:data')).toBe(false);
    expect(await guard.begin('1:2:3:other')).toBe(true);
    await guard.end('1:2:3:data');
    expect(await guard.begin('1:2:3:data')).toBe(false); // the tap that queued behind the action
    await new Promise((resolve) => setTimeout(resolve, 260));
    expect(await guard.begin('1:2:3:data')).toBe(true);
  });
});
