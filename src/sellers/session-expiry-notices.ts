import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';

import type { Store } from '../db/entities/index.js';
import { claimReloginNotice, renewsByItself } from '../kaspi/session-keeper.js';

const EXPIRED_NOTICE_MS = 10 * 60_000;

/**
 * The throttle of «your Kaspi session expired» messages: one message per store, not a stack, whether it comes
 * from a command's answer or from the demper. With Redis every bot and worker process shares the answer;
 * without, this object remembers — so the process builds one (in its container) and hands it to the bot and the
 * notifier alike.
 */
export class SessionExpiryNotices {
  /** When this process last told each store's expiry (used only without Redis). */
  private readonly toldAt = new Map<number, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly redis?: Redis,
  ) {}

  /** Whether a notice for this store is due now; claims it (the next ten minutes stay quiet) when it is. */
  async due(storeId: number): Promise<boolean> {
    if (this.redis)
      return (await this.redis.set(`kaspi-bot:expired-notice:${storeId}`, '1', 'PX', EXPIRED_NOTICE_MS, 'NX')) === 'OK';
    const last = this.toldAt.get(storeId);
    if (last !== undefined && Date.now() - last < EXPIRED_NOTICE_MS) return false;
    this.toldAt.set(storeId, Date.now());
    return true;
  }

  /** After a new login the next expiry must be told again. */
  async forget(storeId: number): Promise<void> {
    this.toldAt.delete(storeId);
    await this.redis?.del(`kaspi-bot:expired-notice:${storeId}`);
  }

  /**
   * Whether the demper's «log in again» alert goes out: not yet for an e-mail store that logs in again by itself
   * (the keep-alive asks when it cannot), not again once this expiry was told (by any process, a database
   * claim), and not when the seller just read it in answer to a command.
   */
  async alertDue(store: Store, now = new Date()): Promise<boolean> {
    if (renewsByItself(store, now)) return false;
    if (!(await claimReloginNotice(this.orm, store.id))) return false;
    return this.due(store.id);
  }
}
