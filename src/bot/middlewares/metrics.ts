import type { Context, MiddlewareFn, Transformer } from 'grammy';

import { telegramCallsFailed, updatesHandled, updateSeconds } from '../../metrics.js';
import { ACTIONS, CALLBACK_VERSION } from '../callback-data.js';

/** Updates the error boundary answered with an error message (or a Kaspi notice): the outcome of their count. */
const outcomes = new WeakMap<Context, 'error' | 'kaspi-error'>();

export function markUpdateFailed(ctx: Context, outcome: 'error' | 'kaspi-error'): void {
  outcomes.set(ctx, outcome);
}

const ACTION_NAMES = new Map<string, string>(Object.entries(ACTIONS).map(([name, code]) => [code, name]));

/** A closed set of labels: a command the bot knows, a button action, or the kind of message. */
export function updateKind(ctx: Context, commands: readonly string[]): string {
  const text = ctx.message?.text;
  if (text?.startsWith('/')) {
    const command = text.slice(1).split(/[\s@]/)[0]!.toLowerCase();
    return commands.includes(command) ? `/${command}` : '/other';
  }
  if (text !== undefined) return 'text';
  if (ctx.message?.document) return 'document';
  if (ctx.message?.contact) return 'contact';
  if (ctx.message) return 'message';
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) {
    const [version, action] = data.split(':');
    if (version === CALLBACK_VERSION && action !== undefined) return `button:${ACTION_NAMES.get(action) ?? 'other'}`;
    if (data.startsWith('settings/')) return 'menu:settings';
    return 'button:other';
  }
  return 'other';
}

/** Counts and times every update (the first middleware after the per-chat queue). */
export function updateMetrics(commands: readonly string[]): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const kind = updateKind(ctx, commands);
    const stop = updateSeconds.startTimer({ kind });
    let thrown = false;
    try {
      await next();
    } catch (error) {
      thrown = true;
      throw error;
    } finally {
      stop();
      updatesHandled.inc({ kind, outcome: thrown ? 'error' : (outcomes.get(ctx) ?? 'ok') });
    }
  };
}

/** Counts the Bot API calls Telegram refused (auto-retry sits outside, so each refused attempt counts). */
export const countFailedCalls: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (!response.ok) telegramCallsFailed.inc({ method, code: String(response.error_code) });
  return response;
};
