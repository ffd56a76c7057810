import type { Update } from 'grammy/types';

import { BotApiError, badRequest, type ApiParams } from './api-params.js';
import { ABORTED, type MethodTable } from './dispatcher.js';
import type { Connection } from './http-io.js';
import type { Lifecycle } from './lifecycle.js';
import type { UpdateQueue } from './update-queue.js';

interface PendingPoll {
  limit: number;
  finish: (outcome: Update[] | BotApiError | typeof ABORTED) => void;
  timer?: NodeJS.Timeout;
}

/** Telegram's answer to getUpdates while a webhook is set, also given to a poll waiting when one is set. */
export function webhookConflict(): BotApiError {
  return new BotApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  );
}

/** getUpdates: answers at once when updates wait, else holds the request until one comes or the timeout ends. */
export class LongPolling {
  private poll: PendingPoll | undefined;
  private readonly pollWaiters = new Set<() => void>();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly lifecycle: Lifecycle,
    private readonly webhookActive: () => boolean,
    private readonly waitTimeoutMs: number,
    private readonly describeRecentCalls: () => string,
  ) {}

  methods(): MethodTable {
    return { getUpdates: (params, connection) => this.getUpdates(params, connection) };
  }

  /** A new update: the waiting poll, if any, returns with what there is now. */
  offer(): void {
    const poll = this.poll;
    if (!poll) return;
    const batch = this.queue.available(poll.limit);
    if (batch.length > 0) poll.finish(batch);
  }

  /** Ends the waiting poll, if any, with these updates or this error. */
  end(outcome: Update[] | BotApiError): void {
    this.poll?.finish(outcome);
  }

  waitForPoll(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.poll) return Promise.resolve();
    if (this.lifecycle.closed) return Promise.reject(new Error('waitForPoll: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.pollWaiters.delete(started);
        this.lifecycle.removeWaiter(settle);
        if (error) reject(error);
        else resolve();
      };
      const started = () => settle();
      const timer = setTimeout(
        () => settle(new Error(`waitForPoll: no long poll within ${timeoutMs} ms.\n${this.describeRecentCalls()}`)),
        timeoutMs,
      );
      this.pollWaiters.add(started);
      this.lifecycle.addWaiter(settle);
    });
  }

  private getUpdates(params: ApiParams, connection: Connection): Promise<Update[] | typeof ABORTED> | Update[] {
    if (this.webhookActive()) throw webhookConflict();
    const offset = params.integer('offset', () => badRequest('wrong parameter offset')) ?? 0;
    const limit = Math.min(100, Math.max(1, params.integer('limit', () => badRequest('wrong parameter limit')) ?? 100));
    const timeout = Math.max(0, params.integer('timeout', () => badRequest('wrong parameter timeout')) ?? 0);
    this.queue.setAllowedUpdates(params);
    this.queue.confirm(offset);
    // Telegram answers the older of two overlapping long polls with 409 and serves the newer one.
    this.poll?.finish(
      new BotApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    const batch = this.queue.available(limit);
    if (batch.length > 0 || timeout === 0 || this.lifecycle.closed) return batch;
    return new Promise((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        finish: (outcome) => {
          if (this.poll !== poll) return;
          this.poll = undefined;
          clearTimeout(poll.timer);
          if (outcome instanceof BotApiError) reject(outcome);
          else resolve(outcome);
        },
      };
      poll.timer = setTimeout(() => poll.finish([]), timeout * 1000);
      connection.onAbort(() => poll.finish(ABORTED));
      this.poll = poll;
      for (const started of [...this.pollWaiters]) started();
    });
  }
}
