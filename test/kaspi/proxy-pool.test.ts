import { describe, expect, it } from 'vitest';

import { KaspiIpBlockedError, KaspiTransientError } from '../../src/kaspi/errors.js';
import { KaspiLimits } from '../../src/kaspi/limits/kaspi-limits.js';
import { MemoryLimitStore } from '../../src/kaspi/limits/limit-store.js';
import { NoExitAvailableError, ProxyPool, proxyToExit } from '../../src/kaspi/proxy-pool.js';
import { captureLogger } from '../helpers/logs.js';

const PROXIES = ['http://127.0.0.2:8001', 'http://user:p%40ss@127.0.0.3:8002', 'http://127.0.0.4:8003'];

function pool(options: { rps?: number; exitPauseMs?: number } = {}) {
  const limits = new KaspiLimits(new MemoryLimitStore(), {
    offersRps: options.rps ?? 20,
    pricefeedRps: 1.5,
    changesPerWindow: 240,
    exitPauseMs: options.exitPauseMs ?? 60_000,
  });
  return new ProxyPool(PROXIES, limits, captureLogger('silent').logger, { benchAfterFailures: 3, benchMs: 60_000 });
}

describe('ProxyPool', () => {
  it('turns proxy URLs into exits without exposing credentials in their id', () => {
    const exit = proxyToExit(PROXIES[1]!);
    expect(exit.id).toBe('http://127.0.0.3:8002');
    expect(exit.config).toEqual({
      protocol: 'http',
      host: '127.0.0.3',
      port: 8002,
      auth: { username: 'user', password: 'p@ss' },
    });
  });

  it('spreads requests evenly over the exits', async () => {
    const proxies = pool();
    const used: string[] = [];
    for (let i = 0; i < 9; i++) used.push((await proxies.acquire()).id);
    const counts = new Map<string, number>();
    for (const id of used) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()]).toEqual([3, 3, 3]);
  });

  it('a burst is spread so every exit works at its limit: no exit idles while another has a queue', async () => {
    const proxies = pool({ rps: 20 }); // 50 ms per exit
    const started = Date.now();
    const served = await Promise.all(
      Array.from({ length: 30 }, async () => ({ id: (await proxies.acquire()).id, at: Date.now() - started })),
    );
    const counts = new Map<string, number>();
    for (const { id } of served) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()]).toEqual([10, 10, 10]);
    // 30 requests at 3 × 20 rps take 9 intervals (450 ms) after the first, not more.
    expect(Math.max(...served.map((request) => request.at))).toBeLessThan(450 + 150);
  });

  it('pauses an exit after a 403 and routes around it', async () => {
    const proxies = pool();
    const blocked = await proxies.acquire();
    await proxies.reportFailure(blocked, new KaspiIpBlockedError('403', 'storefront.offers', 403, blocked.id));
    for (let i = 0; i < 6; i++) expect((await proxies.acquire()).id).not.toBe(blocked.id);
    const status = await proxies.status();
    expect(status.find((exit) => exit.id === blocked.id)?.pausedUntil).toBeGreaterThan(Date.now());
  });

  it('benches an exit after repeated network failures, and only then', async () => {
    const proxies = pool();
    const flaky = await proxies.acquire();
    const failure = new KaspiTransientError('reset', 'storefront.offers', undefined);
    await proxies.reportFailure(flaky, failure);
    await proxies.reportFailure(flaky, failure);
    proxies.reportSuccess(flaky); // a success resets the streak
    await proxies.reportFailure(flaky, failure);
    await proxies.reportFailure(flaky, failure);
    expect((await proxies.status()).find((exit) => exit.id === flaky.id)?.benchedUntil).toBeUndefined();
    await proxies.reportFailure(flaky, failure);
    expect((await proxies.status()).find((exit) => exit.id === flaky.id)?.benchedUntil).toBeGreaterThan(Date.now());
    for (let i = 0; i < 4; i++) expect((await proxies.acquire()).id).not.toBe(flaky.id);
  });

  it('says so when no exit can serve within the wait', async () => {
    const proxies = pool({ rps: 1 });
    for (let i = 0; i < 3; i++) await proxies.acquire();
    await expect(proxies.acquire(100)).rejects.toBeInstanceOf(NoExitAvailableError);
  });
});
