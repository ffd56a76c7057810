import type { Api } from 'grammy';

import type { Logger } from '../logger.js';
import { deliverOutbox } from './delivery.js';
import type { ClaimedFollowUp, FollowUpStore, FollowUpWake } from './store.js';
import type { FollowUpHandler, FollowUpHandlers, FollowUpServices, FollowUpStep } from './types.js';

/** The longest wait between two read-backs (as the in-memory loops waited before). */
const MAX_WAIT_MS = 60_000;

export interface RunnerOptions {
  /** How long a claim lasts without renewal; a process that dies holding one frees it after this. */
  leaseMs: number;
  /** Runs one step of a follow-up as one unit of work (the services' reads share one identity map). */
  unitOfWork?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** The wait before read-back number `attempts + 1`: the first wait, doubled each time, at most a minute. */
function backoffMs(firstWaitMs: number, attempts: number): number {
  return Math.min(firstWaitMs * 2 ** Math.max(0, attempts), MAX_WAIT_MS);
}

/**
 * Runs claimed follow-ups, whichever scheduler claimed them: what was left to tell first, then one read-back
 * by the kind's handler, then what it found — recorded before it is told, told before the row is closed.
 * Every write is conditional on this process's claim: once another process has taken the row over (this one
 * was too slow and its lease ran out), this one stops without telling anything.
 */
export class FollowUpRunner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: FollowUpStore,
    private readonly handlers: FollowUpHandlers,
    private readonly services: FollowUpServices,
    private readonly telegram: Api,
    private readonly logger: Logger,
    private readonly options: RunnerOptions,
    /** Called with the row's next wake-up once this process lets go of it. */
    private readonly onReleased: (wake: FollowUpWake) => Promise<void> | void,
  ) {}

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /** Follow-ups this process is working on now. */
  get busy(): number {
    return this.running.size;
  }

  /** Runs a claimed follow-up; never throws (a failure is logged and the row read back again later). */
  run(claim: ClaimedFollowUp): Promise<void> {
    const task = this.runClaimed(claim).finally(() => this.running.delete(task));
    this.running.add(task);
    return task;
  }

  /** Waits for the follow-ups running here. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  private async runClaimed(claim: ClaimedFollowUp): Promise<void> {
    const logger = this.logger.child({ followUpId: claim.id, kind: claim.kind });
    // The lease is renewed while the read-back runs: a store's preorders can take Kaspi minutes to read.
    const renewal = setInterval(
      () =>
        void this.store
          .renew(claim.id, claim.token, this.options.leaseMs)
          .catch((error: unknown) => logger.warn({ err: error }, 'follow-up: could not renew the lease')),
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    renewal.unref();
    try {
      const step = () => this.step(claim, logger);
      await (this.options.unitOfWork ? this.options.unitOfWork(step) : step());
    } catch (error) {
      logger.error({ err: error }, 'follow-up failed; it is read back again later');
      await this.retryLater(claim, error, logger).catch((failure: unknown) =>
        logger.error({ err: failure }, 'follow-up: could not reschedule (its lease will expire)'),
      );
    } finally {
      clearInterval(renewal);
    }
  }

  private async step(claim: ClaimedFollowUp, logger: Logger): Promise<void> {
    // What a process that died had decided but not told yet goes out before anything is read again.
    if (claim.outbox.length > 0 && !(await this.deliver(claim, logger))) return;
    if (claim.closing) return void (await this.store.finish(claim));
    // The row's kind says which payload it carries (it was written by `schedule` for that kind).
    const handler = this.handlers[claim.kind] as unknown as FollowUpHandler<unknown>;
    const found: FollowUpStep<unknown> = await handler(
      {
        id: claim.id,
        payload: claim.payload,
        attempts: claim.attempts,
        deadline: claim.deadline,
        timeoutMs: claim.timeoutMs,
      },
      this.services,
    );
    const payload = found.payload ?? claim.payload;
    const wait = backoffMs(claim.firstWaitMs, claim.attempts);
    if (!found.done && found.tell.length === 0) {
      // Still pending past twice its window: the read-back gave no answer in time; nothing is guessed.
      if (Date.now() > claim.deadline.getTime() + claim.timeoutMs)
        return void (await this.store.fail(claim, 'no answer within twice the read-back window'));
      return this.release(claim, wait, payload);
    }
    // The outcome is recorded (the right to tell is this claim's) before anything is told; see deliverOutbox.
    const committed = await this.store.commit(claim, found.tell, found.done, payload);
    if (!committed) return logger.info('follow-up taken over by another process before it told anything');
    if (!(await this.deliver({ ...claim, outbox: found.tell, payload }, logger))) return;
    if (committed.closing) await this.store.finish(claim);
    // A request joined meanwhile (another upload of the store): its read-back starts from the first wait.
    else await this.release(claim, committed.joined ? claim.firstWaitMs : wait, payload);
  }

  /** False when the outbox could not be emptied now (taken over, or Telegram unreachable: tried again later). */
  private async deliver(claim: ClaimedFollowUp, logger: Logger): Promise<boolean> {
    const result = await deliverOutbox(claim, this.store, this.telegram, logger);
    if (result === 'later') await this.retryLater(claim, new Error('Telegram did not take the message'), logger);
    return result === 'told';
  }

  private async release(claim: ClaimedFollowUp, waitMs: number, payload: unknown, error?: string): Promise<void> {
    const wake = await this.store.release(claim, waitMs, payload, error);
    if (wake) await this.onReleased(wake);
  }

  private async retryLater(claim: ClaimedFollowUp, error: unknown, logger: Logger): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    if (Date.now() > claim.deadline.getTime() + claim.timeoutMs) {
      logger.warn({ err: error }, 'follow-up given up: it kept failing past twice its read-back window');
      return this.store.fail(claim, message.slice(0, 2000));
    }
    await this.release(claim, backoffMs(claim.firstWaitMs, claim.attempts), claim.payload, message.slice(0, 2000));
  }
}
