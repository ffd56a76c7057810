import type { ServerResponse } from 'node:http';

import { sendJson, SlidingCounter } from './http-util.js';
import type { SandboxWorld } from './state.js';

/** Kaspi's write limits per merchant: a per-second rate and a 30-minute change budget, each enforced by a long block. */
export class CabinetWriteLimits {
  private readonly writeHits = new SlidingCounter();
  private readonly changeHits = new SlidingCounter();
  private readonly merchantBlockedUntil = new Map<string, number>();

  constructor(private readonly world: SandboxWorld) {}

  /** True when a write of `changes` offers may go on; otherwise it has answered 429 (and blocked the merchant). */
  allow(merchantUid: string, changes: number, response: ServerResponse): boolean {
    const { limits, counters } = this.world;
    const now = Date.now();
    const block = () => {
      this.merchantBlockedUntil.set(merchantUid, now + this.world.scaled(limits.writeBlockMs));
      counters.cabinet429++;
    };
    if ((this.merchantBlockedUntil.get(merchantUid) ?? 0) > now) {
      counters.cabinet429++;
      sendJson(response, 429, { errorCode: 'TOO_MANY_REQUESTS' });
      return false;
    }
    if (this.writeHits.hit(merchantUid, now, 1000) > limits.writeRpsPerMerchant) {
      block();
      sendJson(response, 429, { errorCode: 'TOO_MANY_REQUESTS' });
      return false;
    }
    const changeWindow = this.world.scaled(30 * 60_000);
    if (this.changeHits.count(merchantUid, now, changeWindow) + changes > limits.changesPer30Min) {
      block();
      sendJson(response, 429, { errorCode: 'TOO_MANY_CHANGES' });
      return false;
    }
    this.changeHits.hit(merchantUid, now, changeWindow, changes);
    return true;
  }
}
