import { BotApiError } from './api-params.js';

/** Errors a test asked for: the next calls of a method fail with them, one each, in order. */
export class Faults {
  private readonly queues = new Map<string, BotApiError[]>();

  injectFlood(method: string, retryAfterSeconds: number, times = 1): void {
    for (let index = 0; index < times; index++) {
      this.add(
        method,
        new BotApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds }),
      );
    }
  }

  injectError(method: string, errorCode: number, description: string, times = 1): void {
    for (let index = 0; index < times; index++) this.add(method, new BotApiError(errorCode, description));
  }

  /** The error the next call of this method fails with, if any; it is used up. */
  take(method: string): BotApiError | undefined {
    return this.queues.get(method.toLowerCase())?.shift();
  }

  private add(method: string, error: BotApiError): void {
    const key = method.toLowerCase();
    const queue = this.queues.get(key) ?? [];
    queue.push(error);
    this.queues.set(key, queue);
  }
}
