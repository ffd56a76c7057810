import { randomUUID } from 'node:crypto';

import type { Logger } from '../logger.js';
import type { FollowUpRunner } from './runner.js';
import type { FollowUpScheduling } from './scheduler.js';
import type { FollowUpStore, FollowUpWake } from './store.js';

export interface PollingOptions {
  /** How often the table is looked at for due follow-ups (other processes' ones and missed wake-ups). */
  pollMs: number;
  /** Follow-ups run at the same time by this process. */
  concurrency: number;
}

/**
 * Without Redis: the process looks at the table itself. Due rows are claimed with `for update skip locked`
 * and a lease, so several processes never run one row twice at once, and the claim of a process that died
 * runs out. A wake-up from this process (a follow-up just scheduled or let go of) brings the next look forward.
 */
export class PollingScheduler implements FollowUpScheduling {
  readonly name = 'database';
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = true;
  private polling: Promise<void> | undefined;
  private pollAgain = false;

  constructor(
    private readonly store: FollowUpStore,
    private readonly runner: FollowUpRunner,
    private readonly logger: Logger,
    private readonly options: PollingOptions,
  ) {}

  start(): Promise<void> {
    this.stopped = false;
    this.arm(0);
    return Promise.resolve();
  }

  wake(wake: FollowUpWake): Promise<void> {
    if (!this.stopped) this.arm(wake.delayMs);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    await this.runner.idle();
  }

  /** The next look at the table, `delayMs` from now unless one is planned sooner. */
  private arm(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.timer && at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      if (this.polling) this.pollAgain = true;
      else this.polling = this.poll().finally(() => (this.polling = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      do {
        this.pollAgain = false;
        const free = this.options.concurrency - this.runner.busy;
        if (this.stopped || free <= 0) break;
        const claims = await this.store.claimDue(free, this.runner.leaseMs, randomUUID());
        // More may be due than this process takes at once: then the next look comes as soon as one is done.
        const saturated = claims.length === free;
        for (const claim of claims)
          void this.runner.run(claim).finally(() => {
            if (saturated && !this.stopped) this.arm(0);
          });
      } while (this.pollAgain && !this.stopped);
    } catch (error) {
      this.logger.warn({ err: error }, 'follow-ups: could not look for due follow-ups');
    }
    if (!this.stopped) this.arm(this.options.pollMs);
  }
}
