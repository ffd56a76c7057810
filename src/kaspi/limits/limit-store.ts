/**
 * The three primitives Kaspi's limits are built from. One process keeps them in memory; several processes
 * (bot + BullMQ workers) share them through Redis, so two workers can never spend the same budget twice.
 */
export interface LimitStore {
  /**
   * Reserves the next free slot on a schedule spaced `intervalMs` apart and returns how long to wait for it.
   * Returns `undefined` (and reserves nothing) when the wait would exceed `maxWaitMs`.
   */
  reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number | undefined>;
  /**
   * Of several schedules (one per key, each spaced `intervalMs`), reserves the slot that comes first — ties go to
   * the earlier key — and returns its key's index and the wait; `undefined` (nothing reserved) when even that
   * wait would exceed `maxWaitMs`. One atomic step, so concurrent callers keep the schedules level.
   * `frozenKeys[i]`, when given, leaves schedule i out while that key is frozen (a paused exit).
   */
  reserveEarliestSlot(
    keys: string[],
    intervalMs: number,
    maxWaitMs: number,
    frozenKeys?: string[],
  ): Promise<{ index: number; wait: number } | undefined>;
  /**
   * Takes up to `wanted` units from a rolling window of `limit` per `windowMs`. Returns what was granted and,
   * when less than wanted, how long until the oldest unit leaves the window.
   */
  takeFromWindow(
    key: string,
    wanted: number,
    limit: number,
    windowMs: number,
  ): Promise<{ granted: number; retryInMs: number }>;
  /** Units used in the window right now. */
  usedInWindow(key: string, windowMs: number): Promise<number>;
  /** Blocks `key` until `untilMs` (epoch ms); a later freeze extends, an earlier one never shortens. */
  freeze(key: string, untilMs: number, reason: string): Promise<void>;
  /** Epoch ms until which `key` is frozen, and why; `undefined` when it is not. */
  frozenUntil(key: string): Promise<{ untilMs: number; reason: string } | undefined>;
}

export class MemoryLimitStore implements LimitStore {
  private readonly nextSlot = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();
  private readonly freezes = new Map<string, { untilMs: number; reason: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  async reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number | undefined> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
    const wait = slot - now;
    if (wait > maxWaitMs) return undefined;
    this.nextSlot.set(key, slot + intervalMs);
    return wait;
  }

  async reserveEarliestSlot(
    keys: string[],
    intervalMs: number,
    maxWaitMs: number,
    frozenKeys?: string[],
  ): Promise<{ index: number; wait: number } | undefined> {
    const now = this.now();
    let best: { index: number; slot: number } | undefined;
    keys.forEach((key, index) => {
      const frozen = frozenKeys?.[index] === undefined ? undefined : this.freezes.get(frozenKeys[index]!);
      if (frozen && frozen.untilMs > now) return;
      const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
      if (!best || slot < best.slot) best = { index, slot };
    });
    if (!best || best.slot - now > maxWaitMs) return undefined;
    this.nextSlot.set(keys[best.index]!, best.slot + intervalMs);
    return { index: best.index, wait: best.slot - now };
  }

  async takeFromWindow(key: string, wanted: number, limit: number, windowMs: number) {
    const now = this.now();
    const entries = this.prune(key, now, windowMs);
    const granted = Math.max(0, Math.min(wanted, limit - entries.length));
    for (let i = 0; i < granted; i++) entries.push(now);
    const retryInMs = granted < wanted && entries.length > 0 ? Math.max(0, entries[0]! + windowMs - now) : 0;
    return { granted, retryInMs };
  }

  async usedInWindow(key: string, windowMs: number): Promise<number> {
    return this.prune(key, this.now(), windowMs).length;
  }

  async freeze(key: string, untilMs: number, reason: string): Promise<void> {
    const current = this.freezes.get(key);
    if (!current || current.untilMs < untilMs) this.freezes.set(key, { untilMs, reason });
  }

  async frozenUntil(key: string) {
    const current = this.freezes.get(key);
    if (!current) return undefined;
    if (current.untilMs <= this.now()) {
      this.freezes.delete(key);
      return undefined;
    }
    return current;
  }

  private prune(key: string, now: number, windowMs: number): number[] {
    const entries = (this.windows.get(key) ?? []).filter((at) => at > now - windowMs);
    this.windows.set(key, entries);
    return entries;
  }
}
