import { ApiParams, BotApiError } from './api-params.js';
import type { CallLog, Outcome } from './call-log.js';
import type { ChatState } from './chat-state.js';
import type { Faults } from './faults.js';
import type { Connection } from './http-io.js';

/** One Bot API method; throws BotApiError for Telegram's refusals. */
type Handler = (params: ApiParams, connection: Connection) => unknown;

/** Methods by their canonical Bot API spelling (`sendMessage`). */
export type MethodTable = Record<string, Handler>;

export interface KnownMethod {
  name: string;
  handler: Handler;
}

/** Marks a result that carries Telegram's optional success `description` (e.g. "Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

/** What a long poll returns when its client hung up: recorded as aborted, answered to nobody. */
export const ABORTED = Symbol('aborted');

/** Finds a method whatever case the client used, runs it (or the fault injected for it) and records the call. */
export class MethodDispatcher {
  private readonly methods: Map<string, KnownMethod>;

  constructor(
    private readonly state: ChatState,
    private readonly log: CallLog,
    private readonly faults: Faults,
    tables: MethodTable[],
  ) {
    this.methods = new Map(
      tables
        .flatMap((table) => Object.entries(table))
        .map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
    );
  }

  find(rawMethod: string): KnownMethod | undefined {
    return this.methods.get(rawMethod.toLowerCase());
  }

  /** Runs a method and records the call; chat events it causes are released only after the record exists. */
  async invoke(
    method: KnownMethod,
    params: ApiParams,
    connection: Connection,
    at: number,
    viaWebhookReply = false,
  ): Promise<Outcome> {
    const release = this.state.holdEvents();
    let outcome: Outcome;
    try {
      const fault = this.faults.take(method.name);
      if (fault) throw fault;
      let result = method.handler(params, connection);
      if (result instanceof Promise) {
        // Only getUpdates waits, and it changes no chat; holding events across the wait would stall them.
        release();
        result = await result;
      }
      if (result === ABORTED) outcome = { ok: true, result: [], aborted: true };
      else if (result instanceof Described)
        outcome = { ok: true, result: result.result, description: result.description };
      else outcome = { ok: true, result };
    } catch (error) {
      if (!(error instanceof BotApiError)) {
        release();
        throw error;
      }
      outcome = { ok: false, error };
    }
    this.log.record(method.name, params.recordedPayload(), at, outcome, viaWebhookReply);
    release();
    return outcome;
  }

  /** A bot may answer the webhook POST with one method call in the body; Telegram performs it. */
  async performWebhookReply(rawMethod: string, values: Record<string, unknown>, at: number): Promise<void> {
    const known = this.find(rawMethod);
    const params = ApiParams.fromObject(values);
    if (known) await this.invoke(known, params, { onAbort: () => undefined }, at, true);
    else
      this.log.record(
        rawMethod,
        params.recordedPayload(),
        at,
        { ok: false, error: new BotApiError(404, 'Not Found') },
        true,
      );
  }
}
