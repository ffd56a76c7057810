/**
 * We already beat the one to beat: stay, or climb back up to one step under it — at once when a rival raised or
 * left, otherwise not within the cooldown after our own cut (avoids see-saw). A probe at our floor that a bot
 * has answered ends the war here too.
 */
import type { MarketOfferInput } from './rivals.js';
import { PROBE_WAIT_MS, type Context, type DecisionDetails, type ReasonCode, type Wanted } from './strategy-context.js';
import type { StrategyMemory } from './strategy-memory.js';

/** We already beat the anchor: stay, or climb to one step under it (the cooldown only holds back climbing after our own cut). */
export function climb(
  context: Context,
  anchor: MarketOfferInput,
  target: number,
  reason: ReasonCode,
  details: DecisionDetails,
): Wanted {
  const { settings, ourPrice, memory, now } = context;
  if (target === ourPrice) return { price: ourPrice, reason: 'already_optimal', details };
  if (!settings.autoRaise)
    return { price: ourPrice, reason: reason === 'target_place' ? 'target_place' : 'already_first', details };
  if (memory.probe?.rivalId === anchor.merchantId && now - memory.probe.at <= PROBE_WAIT_MS) {
    // The probe showed where the bot stops: one step under it, and the war is over. Not yet: wait one more check.
    const rivalFloor = memory.rivals[anchor.merchantId]?.floor ?? null;
    if (rivalFloor !== null)
      return { price: target, reason: 'price_war_end', details: { ...details, rivalFloor }, priceWar: true };
    return {
      price: ourPrice,
      reason: 'price_war_probe',
      details: { ...details, floor: context.floor },
      priceWar: true,
      probe: anchor.merchantId,
    };
  }
  const rivalRaised = rivalRaisedSinceLastCheck(memory, anchor);
  const justCut = memory.lastCutAt !== null && now - memory.lastCutAt < settings.raiseCooldownMs;
  if (justCut && !rivalRaised) return { price: ourPrice, reason: 'raise_cooldown', details };
  return { price: target, reason: rivalRaised ? 'rival_raised' : 'raise_to_gap', details };
}

/** The one to beat is priced higher than at the last check, or the cheapest one then is gone or dearer. */
function rivalRaisedSinceLastCheck(memory: StrategyMemory, anchor: MarketOfferInput): boolean {
  const previous = memory.lastCheck;
  if (!previous) return false;
  const before = previous.rivals[anchor.merchantId];
  if (before !== undefined && anchor.price > before) return true;
  const cheapestBefore = Math.min(...Object.values(previous.rivals));
  return Number.isFinite(cheapestBefore) && anchor.price > cheapestBefore;
}
