import type { Redis } from 'ioredis';

/** After the action is over, a repeat of the same press still counts as the same tap for this long. */
const REPEATED_PRESS_TAIL_MS = 15_000;
/** A press whose handler never ends (a crashed process) frees its button after this. */
const PRESS_HELD_MS = 10 * 60_000;

/**
 * One run per button press: held from the first tap until its action is over, plus a short tail. A second tap
 * of the same button on the same message waits behind the first in the chat's queue; without this it would
 * run again when the first is done (a rollback of many products outlasts any fixed window) and report twice.
 * Shared through Redis when configured, so two bot processes agree.
 */
export class PressGuard {
  private readonly heldUntil = new Map<string, number>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly tailMs = REPEATED_PRESS_TAIL_MS,
  ) {}

  async begin(key: string): Promise<boolean> {
    if (this.redis) return (await this.redis.set(`kaspi-bot:press:${key}`, '1', 'PX', PRESS_HELD_MS, 'NX')) === 'OK';
    const now = Date.now();
    if ((this.heldUntil.get(key) ?? 0) > now) return false;
    this.heldUntil.set(key, now + PRESS_HELD_MS);
    if (this.heldUntil.size > 10_000)
      for (const [stale, until] of this.heldUntil) if (until < now) this.heldUntil.delete(stale);
    return true;
  }

  async end(key: string): Promise<void> {
    if (this.redis) await this.redis.pexpire(`kaspi-bot:press:${key}`, this.tailMs);
    else this.heldUntil.set(key, Date.now() + this.tailMs);
  }
}
