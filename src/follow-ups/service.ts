import type { FollowUpKind } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { openKeyOf } from './handlers/index.js';
import type { FollowUpRunner } from './runner.js';
import type { FollowUpScheduling } from './scheduler.js';
import type { FollowUpStore } from './store.js';
import type { FollowUpPayloads, FollowUps } from './types.js';

export interface FollowUpTimings {
  /** The first read-back after the change was sent (Kaspi applies writes in seconds to minutes). */
  firstWaitMs: number;
  /** How long Kaspi is given to show it before the seller is told it did not apply. */
  timeoutMs: number;
}

/** The follow-ups of one process: a row per follow-up, and the scheduler that wakes this process for them. */
export class FollowUpService implements FollowUps {
  constructor(
    private readonly store: FollowUpStore,
    private readonly runner: FollowUpRunner,
    private readonly scheduling: FollowUpScheduling,
    private readonly timings: FollowUpTimings,
    private readonly logger: Logger,
  ) {}

  get backend(): 'database' | 'bullmq' {
    return this.scheduling.name;
  }

  async schedule<K extends FollowUpKind>(kind: K, payload: FollowUpPayloads[K]): Promise<number> {
    const { firstWaitMs, timeoutMs } = this.timings;
    const wake = await this.store.insert(kind, payload, openKeyOf(kind, payload), firstWaitMs, timeoutMs);
    // The row is what counts: a wake-up that cannot be queued now is found by the scheduler's next look.
    await this.scheduling
      .wake(wake)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, followUpId: wake.id }, 'follow-up: wake-up not queued'),
      );
    return wake.id;
  }

  setMessage(id: number, messageId: number): Promise<void> {
    return this.store.setMessage(id, messageId);
  }

  start(): Promise<void> {
    return this.scheduling.start();
  }

  stop(): Promise<void> {
    return this.scheduling.stop();
  }

  async settled(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.runner.busy > 0 || (await this.store.openCount()) > 0) {
      if (Date.now() > deadline) throw new Error(`follow-ups still open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
