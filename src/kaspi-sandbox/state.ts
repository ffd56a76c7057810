import { randomBytes } from 'node:crypto';

import { createLogger, type Logger } from '../logger.js';
import { generateWorld, MERCHANTS, type Rival } from './catalogue.js';
import { SandboxFaultBook } from './faults.js';
import { SandboxPricefeed } from './pricefeed.js';
import { SeededRandom } from './random.js';
import {
  DEFAULT_LIMITS,
  type ExpiredSessionShape,
  type KaspiSandboxOptions,
  type SandboxLimits,
  type SandboxOffer,
  type SandboxWriteRecord,
} from './types.js';

/** Where each host listens; filled in once the servers are up, read by every redirect. */
export interface SandboxUrls {
  idmc: string;
  mc: string;
  shop: string;
}

/**
 * The sandbox's in-memory Kaspi, shared by its three hosts: the merchants' offers, the rivals, the write log, the
 * pending faults, the request counters, and Kaspi's durations divided by the time scale.
 */
export class SandboxWorld {
  readonly limits: SandboxLimits;
  readonly scale: number;
  readonly seed: number;
  readonly random: SeededRandom;
  readonly logger: Logger;
  readonly offers: Map<string, SandboxOffer[]>;
  readonly pricefeed: SandboxPricefeed;
  readonly rivals: Map<string, Rival[]>;
  readonly urls: SandboxUrls = { idmc: '', mc: '', shop: '' };
  readonly faults = new SandboxFaultBook();
  readonly counters = { storefront403: 0, cabinet429: 0, requests: {} as Record<string, number> };
  /** Milliseconds (before scaling) between accepting a write and applying it. */
  readonly applyDelayMs: number;
  /** How expired and unknown cabinet sessions are answered unless a test named another shape. */
  readonly expiredSessionShape: ExpiredSessionShape;
  private readonly writeLog: SandboxWriteRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: KaspiSandboxOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.scale = Math.max(1, options.timeScale ?? 1);
    this.seed = options.seed ?? 1;
    this.random = new SeededRandom(this.seed * 7919 + 17);
    this.logger = options.logger ?? createLogger({ level: 'info' });
    const world = generateWorld(this.seed, options.productsPerMerchant ?? 40);
    this.offers = world.offers;
    this.pricefeed = new SandboxPricefeed(this.offers, MERCHANTS);
    this.rivals = world.rivals;
    this.applyDelayMs = options.applyDelayMs ?? 5_000;
    this.expiredSessionShape = options.expiredSessionShape ?? '401';
  }

  scaled(ms: number): number {
    return ms / this.scale;
  }

  /** Runs `task` after `ms` of Kaspi time; `stopTimers` cancels whatever is still waiting. */
  later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, this.scaled(ms));
    this.timers.add(timer);
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  token(bytes = 16): string {
    return randomBytes(bytes).toString('hex');
  }

  recordWrite(record: SandboxWriteRecord): void {
    this.writeLog.push(record);
  }

  writes(merchantUid?: string): SandboxWriteRecord[] {
    return this.writeLog
      .filter((record) => merchantUid === undefined || record.merchantUid === merchantUid)
      .map((record) => structuredClone(record));
  }
}
