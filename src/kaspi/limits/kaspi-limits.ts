import { KaspiIpBlockedError, KaspiRateLimitedError } from '../errors.js';
import { sleep } from '../http.js';
import type { LimitStore } from './limit-store.js';

export const CHANGE_WINDOW_MS = 30 * 60_000;

export interface KaspiLimitsOptions {
  /** Storefront requests per second per exit IP (KASPI_OFFERS_RPS). */
  offersRps: number;
  /** Cabinet writes per second per merchant (KASPI_PRICEFEED_RPS). */
  pricefeedRps: number;
  /** Price/stock changes per store per rolling window (KASPI_CHANGES_PER_30MIN). */
  changesPerWindow: number;
  /** The rolling window; 30 minutes on Kaspi, shorter in tests. */
  changeWindowMs?: number;
  /** How long a 403 pauses an exit IP (Kaspi's storefront block lasts ~10 s; we wait longer). */
  exitPauseMs?: number;
}

/**
 * Kaspi's limits as one object the client asks before every request (REFERENCE §3.5, §4.3). Requests are
 * paced, never burst: a slot is reserved on a shared schedule and the caller sleeps until it.
 */
export class KaspiLimits {
  /** The rolling window Kaspi counts a store's changes in. */
  readonly changeWindowMs: number;
  private readonly exitPauseMs: number;

  constructor(
    private readonly store: LimitStore,
    private readonly options: KaspiLimitsOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.changeWindowMs = options.changeWindowMs ?? CHANGE_WINDOW_MS;
    this.exitPauseMs = options.exitPauseMs ?? 30_000;
  }

  /**
   * Waits for the first free storefront slot among `exitIds` (paused exits left out) and returns that exit, or
   * `undefined` when none is free within `maxWaitMs`. Every caller takes the soonest slot of any exit, so a
   * burst fills all exits' schedules evenly instead of queueing on some while others idle.
   */
  async storefrontEarliestSlot(
    exitIds: string[],
    maxWaitMs: number,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    // One round trip on the demper's hot path: the pause check is part of the reservation.
    const slot = await this.store.reserveEarliestSlot(
      exitIds.map((exitId) => `storefront:${exitId}`),
      1000 / this.options.offersRps,
      maxWaitMs,
      exitIds.map((exitId) => `exit:${exitId}`),
    );
    if (!slot) return undefined;
    if (slot.wait > 0) await sleep(slot.wait, signal);
    return exitIds[slot.index];
  }

  /** Waits for a cabinet write slot of the merchant; refuses at once while the merchant is frozen after a 429. */
  async cabinetWriteSlot(merchantUid: string, signal?: AbortSignal): Promise<void> {
    await this.assertWritesAllowed(merchantUid);
    const wait = await this.store.reserveSlot(
      `pricefeed:${merchantUid}`,
      1000 / this.options.pricefeedRps,
      Number.MAX_SAFE_INTEGER,
    );
    if (wait! > 0) await sleep(wait!, signal);
  }

  /**
   * Whether a session keep-alive read of a store may go now: at most one per `intervalMs` per store, whichever
   * process asks, and none while the merchant is frozen after a 429 (the block is account-wide on Kaspi).
   */
  async keepAliveSlot(storeKey: string, merchantUid: string, intervalMs: number): Promise<boolean> {
    if (await this.store.frozenUntil(`merchant:${merchantUid}`)) return false;
    return (await this.store.reserveSlot(`keepalive:${storeKey}`, intervalMs, 0)) !== undefined;
  }

  async assertWritesAllowed(merchantUid: string): Promise<void> {
    const frozen = await this.store.frozenUntil(`merchant:${merchantUid}`);
    if (frozen) {
      throw new KaspiRateLimitedError(
        `writes of merchant ${merchantUid} are paused (${frozen.reason})`,
        'limits.merchant-freeze',
        frozen.untilMs - this.now(),
        'merchant-writes',
      );
    }
  }

  /**
   * Takes up to `wanted` changes from the store's rolling budget; the rest must wait for the next window.
   * Every item of a batch write counts as one change.
   */
  async takeChanges(storeKey: string, wanted: number): Promise<{ granted: number; retryInMs: number }> {
    if (wanted <= 0) return { granted: 0, retryInMs: 0 };
    return this.store.takeFromWindow(`changes:${storeKey}`, wanted, this.options.changesPerWindow, this.changeWindowMs);
  }

  /** Kaspi's limit of changes per store in the rolling window. */
  get changesPerWindow(): number {
    return this.options.changesPerWindow;
  }

  async changesLeft(storeKey: string): Promise<number> {
    return this.options.changesPerWindow - (await this.store.usedInWindow(`changes:${storeKey}`, this.changeWindowMs));
  }

  /** After a 429: no write of this merchant leaves until the block is over, from any process. */
  async freezeMerchant(merchantUid: string, error: KaspiRateLimitedError): Promise<void> {
    await this.store.freeze(
      `merchant:${merchantUid}`,
      this.now() + error.retryAfterMs,
      `Kaspi 429 on ${error.endpoint}`,
    );
  }

  /** After a 403 or an HTML wall on the storefront: rest this exit IP. */
  async pauseExit(exitId: string, error: KaspiIpBlockedError | KaspiRateLimitedError): Promise<void> {
    const pause =
      error instanceof KaspiRateLimitedError ? Math.max(error.retryAfterMs, this.exitPauseMs) : this.exitPauseMs;
    await this.store.freeze(
      `exit:${exitId}`,
      this.now() + pause,
      `Kaspi ${error instanceof KaspiIpBlockedError ? error.status : 429} on ${error.endpoint}`,
    );
  }

  async exitPausedUntil(exitId: string): Promise<number | undefined> {
    return (await this.store.frozenUntil(`exit:${exitId}`))?.untilMs;
  }
}
