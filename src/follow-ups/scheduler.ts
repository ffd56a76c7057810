import type { FollowUpWake } from './store.js';

/**
 * What wakes a follow-up when it is due. The database row is the truth either way; a scheduler only decides
 * when a process looks at it, and a wake-up that finds the row not due, held or done does nothing.
 */
export interface FollowUpScheduling {
  readonly name: 'database' | 'bullmq';
  start(): Promise<void>;
  /** Stops waking follow-ups and waits for those running in this process. */
  stop(): Promise<void>;
  /** The follow-up is due `delayMs` from now (a new one, or one a run let go of). */
  wake(wake: FollowUpWake): Promise<void>;
}
