import { AsyncResource } from 'node:async_hooks';

import type { Logger } from '../logger.js';
import { backgroundTasks } from '../metrics.js';

/**
 * Long work (sync, read-backs) runs here, off the update's handler, so a chat never waits on another chat and
 * the runner's per-chat queue is not held for minutes. Tasks are keyed: the same key never runs twice at once.
 */
export class BackgroundTasks {
  private readonly running = new Map<string, Promise<void>>();
  /**
   * The async context this object was built in (the process's, outside any update). A task runs there, not in
   * the update that started it: a read-back minutes later must read the database, not the finished update's
   * unit of work (its identity map), and must not share that EntityManager with the next update of the chat.
   */
  private readonly outsideUpdates = new AsyncResource('BackgroundTasks');

  constructor(private readonly logger: Logger) {}

  /** Starts the task unless one with this key runs; returns false when it was already running. */
  start(key: string, task: () => Promise<void>): boolean {
    if (this.running.has(key)) return false;
    backgroundTasks.inc();
    const promise = this.outsideUpdates
      .runInAsyncScope(task)
      .catch((error: unknown) => this.logger.error({ err: error, task: key }, 'background task failed'))
      .finally(() => {
        this.running.delete(key);
        backgroundTasks.dec();
      });
    this.running.set(key, promise);
    return true;
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Waits for everything started so far (shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }
}
