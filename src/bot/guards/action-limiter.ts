import type { Redis } from 'ioredis';

/**
 * Spaces out a seller's expensive actions (sync, competitor lookups, logins) so one impatient thumb cannot
 * spend the store's Kaspi budget. Shared through Redis when configured, so every bot process agrees.
 */
export class ActionLimiter {
  private readonly lastAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly intervals: Record<string, number>,
  ) {}

  /**
   * Returns 0 when the action may run now (and books it), else the milliseconds to wait. `scope` spaces the
   * action per thing it acts on (a store's sync) rather than per seller.
   */
  async take(sellerId: number, action: string, scope?: string | number): Promise<number> {
    const interval = this.intervals[action] ?? 0;
    if (interval <= 0) return 0;
    const key = `kaspi-bot:action:${action}:${sellerId}${scope === undefined ? '' : `:${scope}`}`;
    if (this.redis) {
      const booked = await this.redis.set(key, '1', 'PX', interval, 'NX');
      if (booked === 'OK') return 0;
      return Math.max(1, await this.redis.pttl(key));
    }
    const now = Date.now();
    const last = this.lastAt.get(key);
    if (last !== undefined && now - last < interval) return interval - (now - last);
    this.lastAt.set(key, now);
    if (this.lastAt.size > 10_000)
      for (const [stale, at] of this.lastAt) if (now - at > 3_600_000) this.lastAt.delete(stale);
    return 0;
  }
}
