import type { Transformer } from 'grammy';

import { wellFormed } from '../replies/format.js';

const MAX_DEPTH = 8;

/**
 * Every string the bot sends Telegram made well-formed UTF-16. A reply that quotes a seller's input cut in
 * the middle of an emoji (in code outside the bot layer too, e.g. demper settings errors) would otherwise be
 * refused by Telegram and, inside a conversation, make PostgreSQL refuse the stored state (jsonb).
 * Inline keyboards lose their empty rows (grammY's `.row()` after the last button leaves one).
 */
export const wellFormedPayloads: Transformer = (prev, method, payload, signal) =>
  prev(method, withoutEmptyRows(scrub(payload, 0)) as typeof payload, signal);

function withoutEmptyRows(payload: unknown): unknown {
  const markup = (payload as { reply_markup?: { inline_keyboard?: unknown } } | undefined)?.reply_markup;
  const rows = markup?.inline_keyboard;
  if (!Array.isArray(rows) || rows.every((row) => Array.isArray(row) && row.length > 0)) return payload;
  return {
    ...(payload as object),
    reply_markup: { inline_keyboard: rows.filter((row) => Array.isArray(row) && row.length > 0) },
  };
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  // Only plain objects: an InputFile or a stream must reach grammY as it is.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}
