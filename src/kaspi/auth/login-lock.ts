import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

import { KaspiLoginError } from '../errors.js';

/**
 * One login at a time per Kaspi account: parallel logins trigger MFA_SEND_FLOOD (REFERENCE §1.5). With Redis
 * the lock holds across processes; a crashed holder's lock expires by itself.
 */
export class LoginLock {
  private readonly local = new Set<string>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly ttlMs = 180_000,
  ) {}

  async run<T>(account: string, task: () => Promise<T>): Promise<T> {
    const key = `kaspi-login-lock:${account}`;
    const token = randomUUID();
    const acquired = this.redis
      ? (await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK'
      : !this.local.has(key);
    if (!acquired)
      throw new KaspiLoginError('another login of this account is in progress', 'login.lock', 'LOGIN_IN_PROGRESS');
    if (!this.redis) this.local.add(key);
    try {
      return await task();
    } finally {
      if (this.redis) {
        // Release only our own lock, never one a later login took after ours expired.
        await this.redis.eval(
          `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
          1,
          key,
          token,
        );
      } else {
        this.local.delete(key);
      }
    }
  }
}
