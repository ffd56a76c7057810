import type { Logger } from '../logger.js';
import type { BotApiError } from './api-params.js';
import type { RecordedCall } from './fake-telegram.js';
import type { Lifecycle } from './lifecycle.js';

/** How one method call ended; `aborted` when the client hung up on a long poll. */
export type Outcome =
  { ok: true; result: unknown; description?: string; aborted?: boolean } | { ok: false; error: BotApiError };

interface CallWaiter {
  predicate: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Every Bot API call in the order it was answered, and the tests waiting for one. */
export class CallLog {
  readonly calls: RecordedCall[] = [];
  private readonly waiters = new Set<CallWaiter>();

  constructor(
    private readonly lifecycle: Lifecycle,
    private readonly waitTimeoutMs: number,
    private readonly logger: Logger | undefined,
  ) {}

  record(
    method: string,
    payload: Record<string, unknown>,
    at: number,
    outcome: Outcome,
    viaWebhookReply = false,
  ): void {
    const call: RecordedCall = outcome.ok
      ? { method, payload, at, ok: true, result: outcome.result }
      : {
          method,
          payload,
          at,
          ok: false,
          error: { error_code: outcome.error.errorCode, description: outcome.error.description },
        };
    if (outcome.ok && outcome.aborted) call.aborted = true;
    if (viaWebhookReply) call.viaWebhookReply = true;
    this.calls.push(call);
    if (call.ok) this.logger?.debug({ method, aborted: call.aborted }, 'fake Telegram call');
    else this.logger?.debug({ method, error: call.error }, 'fake Telegram call failed');
    for (const waiter of [...this.waiters]) {
      try {
        if (waiter.predicate(call)) waiter.resolve(call);
      } catch (error) {
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options: { timeoutMs?: number; since?: number } = {},
  ): Promise<RecordedCall> {
    const since = options.since ?? 0;
    const existing = this.calls.slice(since).find(predicate);
    if (existing) return Promise.resolve(existing);
    if (this.lifecycle.closed) return Promise.reject(new Error('waitForCall: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: CallWaiter = {
        predicate,
        resolve: (call) => {
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          resolve(call);
        },
        reject: (error) => {
          this.waiters.delete(waiter);
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: setTimeout(
          () =>
            waiter.reject(
              new Error(`waitForCall: no matching Bot API call within ${timeoutMs} ms.\n${this.describeRecentCalls()}`),
            ),
          timeoutMs,
        ),
      };
      this.waiters.add(waiter);
    });
  }

  callbackAnswers(queryId: string): RecordedCall | undefined {
    return this.calls.find(
      (call) => call.method === 'answerCallbackQuery' && call.ok && String(call.payload.callback_query_id) === queryId,
    );
  }

  /** The last calls, for the message of a wait that timed out. */
  describeRecentCalls(): string {
    const recent = this.calls.slice(-12);
    if (recent.length === 0) return 'No Bot API calls were recorded.';
    const start = this.calls.length - recent.length;
    const lines = recent.map((call, index) => {
      const status = call.ok ? 'ok' : `${call.error?.error_code} ${call.error?.description}`;
      let payload = JSON.stringify(call.payload);
      if (payload.length > 160) payload = `${payload.slice(0, 157)}...`;
      return `  [${start + index}] ${call.method} ${status} ${payload}`;
    });
    return `Recent Bot API calls (${this.calls.length} in all):\n${lines.join('\n')}`;
  }

  rejectWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.reject(new Error('waitForCall: the fake Telegram was closed'));
  }
}
