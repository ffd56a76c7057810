/** A new price below this share of the current one is confirmed first (a seller typing 12 345 for 123 450). */
const BIG_DROP_SHARE = 0.5;
/** A new price above this multiple of the current one is confirmed first (3 650 000 typed for 365 000). */
const BIG_RISE_FACTOR = 2;

export type PriceJump = { kind: 'drop'; percent: number } | { kind: 'rise'; times: number };

/**
 * A change far enough from the current price to be a missing or an extra zero: asked about in the chat, marked
 * in the Excel import preview. `undefined` for an ordinary change (or no current price to compare with).
 */
export function priceJump(from: number, to: number): PriceJump | undefined {
  if (!(from > 0)) return undefined;
  if (to < from * BIG_DROP_SHARE) return { kind: 'drop', percent: Math.round((1 - to / from) * 100) };
  if (to > from * BIG_RISE_FACTOR) return { kind: 'rise', times: Math.round((to / from) * 10) / 10 };
  return undefined;
}
