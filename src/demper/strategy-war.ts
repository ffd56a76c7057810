/**
 * A price war with a bot (a rival that answers each cut within one check): ending it (probe at our floor,
 * settle one step under its floor), retreating from a bot that goes under our floor, and the turnaround limit
 * that keeps our own price from see-sawing.
 */
import { stepAmount, type MarketOfferInput } from './rivals.js';
import type { Context, DecisionDetails, Wanted } from './strategy-context.js';
import type { StrategyMemory } from './strategy-memory.js';
import { bestPlaceAbove, unreachable } from './strategy-unreachable.js';

/** After leaving a bot under our floor, the next look comes this much later (it follows us up meanwhile). */
export const RETREAT_RECHECK_MS = 15 * 60_000;
const MAX_REVERSALS_PER_HOUR = 4;
/**
 * A probe at our floor is tried only once our price is this close to it (a share of the floor): the probe shows
 * every slow rival a low price, and they follow it down for good. Far above the floor, stepping with the bot
 * keeps the whole market high and earns more (measured in the market simulator).
 */
const PROBE_WITHIN_FLOOR_SHARE = 0.08;

/** Moving to `price` turns our price around once more than MAX_REVERSALS_PER_HOUR allows within the last hour. */
export function turnsAround(memory: StrategyMemory, ourPrice: number, price: number, now: number): boolean {
  if (price === ourPrice || memory.lastDirection === null) return false;
  const direction = price < ourPrice ? 'down' : 'up';
  if (direction === memory.lastDirection) return false;
  return memory.reversals.filter((at) => now - at <= 60 * 60_000).length >= MAX_REVERSALS_PER_HOUR;
}

/**
 * A bot answers each cut within one check. Its floor known and above ours: one step under it, and hold — it
 * cannot follow (the war is over). Unknown, close to our floor and while the store's budget is tight: one probe
 * at our floor shows where it stops (the war ends in one move). Otherwise, and for a bot that goes under our
 * floor, we keep stepping under it: each cut buys first place until its answer; `priceWar` marks the change as
 * the least valuable for the budget, and at our floor we stop and take the best place above it.
 */
export function endWar(context: Context, bot: MarketOfferInput, target: number, details: DecisionDetails): Wanted {
  const { settings, floor, memory } = context;
  const known = memory.rivals[bot.merchantId]!;
  if (known.floor !== null) {
    const settle = known.floor - stepAmount(settings, known.floor);
    const step = stepAmount(settings, known.floor);
    if (settle >= floor)
      return {
        price: Math.min(settle, context.ourPrice),
        reason: 'price_war_end',
        details: { ...details, step, rivalFloor: known.floor },
        priceWar: true,
      };
  }
  // Stepping under it buys first place until each answer (about two thirds of the time) at a margin that
  // shrinks one step per check: worth more than settling low while the budget has room for it, and the way to
  // meet a bot that goes lower than our floor at all.
  const roomAboveFloor = (context.ourPrice - floor) / floor;
  if (known.lowest < floor || known.floor !== null || context.spareBudget || roomAboveFloor > PROBE_WITHIN_FLOOR_SHARE)
    return { price: target, reason: 'undercut_leader', details, priceWar: true };
  const probe =
    settings.maxDropPerChange !== null ? Math.max(floor, context.ourPrice - settings.maxDropPerChange) : floor;
  return {
    price: probe,
    reason: 'price_war_probe',
    details: { ...details, floor },
    priceWar: true,
    probe: bot.merchantId,
  };
}

/** Not fighting `bot` under our floor: just under the cheapest other rival we can beat above the floor, or the ceiling. */
export function retreatPlace(context: Context, others: MarketOfferInput[], bot: MarketOfferInput): Wanted {
  const above = bestPlaceAbove(context, others);
  const details: DecisionDetails = { rivalName: bot.merchantName, rivalPrice: bot.price, floor: context.floor };
  const base = { reason: 'price_war_retreat' as const, priceWar: true, recheckInMs: RETREAT_RECHECK_MS };
  if (above)
    return {
      ...base,
      price: above.price,
      details: {
        ...details,
        anchorName: above.anchor.merchantName,
        anchorPrice: above.anchor.listedPrice ?? above.anchor.price,
        step: above.step,
      },
    };
  return { ...unreachable(context, [], bot), priceWar: true, recheckInMs: RETREAT_RECHECK_MS };
}
