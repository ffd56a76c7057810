/**
 * First place out of reach above the seller's floor (the one to beat is priced under it): sit just under the
 * cheapest seller we can still beat above the floor, or at the ceiling, never at the floor losing.
 */
import { stepAmount, type MarketOfferInput } from './rivals.js';
import type { Context, DecisionDetails, Wanted } from './strategy-context.js';

/** First place needs a price under our floor: take the best place above it at the best price. */
export function unreachable(context: Context, candidates: MarketOfferInput[], leader: MarketOfferInput): Wanted {
  const { settings, floor, ceiling, ourPrice } = context;
  const needFloor = leader.price - stepAmount(settings, leader.price) + 1;
  const details: DecisionDetails = {
    rivalName: leader.merchantName,
    rivalPrice: leader.listedPrice ?? leader.price,
    floor,
    needFloor,
  };
  const above = bestPlaceAbove(context, candidates);
  if (above) {
    return {
      price: above.price,
      reason: 'unreachable_first',
      details: { ...details, anchorName: above.anchor.merchantName, anchorPrice: above.anchor.price, step: above.step },
      floorReached: true,
    };
  }
  if (ceiling !== null)
    return { price: ceiling, reason: 'unreachable_ceiling', details: { ...details, ceiling }, floorReached: true };
  return { price: Math.max(ourPrice, floor), reason: 'floor_reached', details, floorReached: true };
}

/** One step under the cheapest of `rivals` that leaves us at or above the floor (capped at the ceiling). */
export function bestPlaceAbove(
  context: Context,
  rivals: MarketOfferInput[],
): { price: number; anchor: MarketOfferInput; step: number } | undefined {
  for (const rival of rivals) {
    const step = stepAmount(context.settings, rival.price);
    let price = rival.price - step;
    if (price < context.floor) continue;
    if (context.ceiling !== null) price = Math.min(context.ceiling, price);
    return { price, anchor: rival, step };
  }
  return undefined;
}
