/**
 * The demper's pricing strategy as a pure state machine: no I/O, no clock (time comes in as `now`).
 *
 *   decide(settings, memory, observation, now) → Decision { action, price, reason, details, memory, … }
 *
 * - `settings` (DemperSettings, declared in strategy-context.ts with ReasonCode and DecisionDetails): the seller's
 *   floor, ceiling, step, strategy and rival filters for this city.
 * - `memory` (StrategyMemory, plain JSON, see strategy-memory.ts): all the strategy remembers of this product's
 *   market in this city — the last check, our last move and cut, which rivals answer our cuts (bots) and where
 *   they stop (floors), a probe in progress, our price's recent turnarounds. Pass `undefined` the first time;
 *   store `decision.memory` only when the decision was carried out (a change that waited keeps the old memory).
 * - `observation` (MarketObservation): our price and the city's offers as the storefront shows them.
 * - Decision: `change` to `price`, or `hold`; a reason code and the numbers that explain it (rendered in the
 *   seller's language from `demper-reason-<code>`), our place after it, and `recheckInMs` when the market is
 *   best left alone for a while (a bot we do not fight).
 *
 * What it does: first place at the highest margin. Rivals that count pass the filters (other-city-only sellers
 * and sellers under 4.0 ★ with fewer than 10 reviews are left out by default). We go one step under the one to
 * beat and climb back up as soon as a rival raises or leaves. A rival that answers each cut within one check is
 * a bot: once its floor is known and above ours we settle one step under it and hold (it cannot follow). Far
 * above our floor we step under it (each cut holds first place until its answer, and the market stays high);
 * within 8 % of our floor, while the store's change budget is tight, one probe at our floor shows where it
 * stops (the war ends in one move); against a bot that goes under our floor, at our floor we stop fighting and
 * take the best place above it.
 * When first place is out of reach (a rival below our floor) we sit just under the next seller above the floor,
 * never at the floor losing. At most 4 turnarounds per hour.
 *
 * Guarantees (property-tested over 100,000 random markets): a new price is a whole number of tenge, ≥ the
 * floor, ≥ 10 ₸ and ≤ the ceiling; the seller's own offers never influence it; deciding again on the market the
 * decision produced changes nothing.
 *
 * The parts, one job each: strategy-context.ts (the settings, reason codes and what the parts share),
 * strategy-climb.ts (climbing back up, cooldowns), strategy-war.ts (price wars with bots, turnarounds),
 * strategy-unreachable.ts (first place out of reach); strategy-memory.ts (what is remembered between checks).
 */
import { countedRivals, KASPI_MIN_PRICE, stepAmount, type MarketOfferInput } from './rivals.js';
import { climb } from './strategy-climb.js';
import {
  PROBE_WAIT_MS,
  settingsProblem,
  type Context,
  type DecisionDetails,
  type DemperSettings,
  type ReasonCode,
  type Wanted,
} from './strategy-context.js';
import { isBot, learn, readMemory, remember, type StrategyMemory } from './strategy-memory.js';
import { unreachable } from './strategy-unreachable.js';
import { endWar, retreatPlace, turnsAround } from './strategy-war.js';

export { KASPI_MIN_PRICE, countedRivals, stepAmount, type MarketOfferInput } from './rivals.js';
export type { DecisionDetails, DemperSettings, ReasonCode } from './strategy-context.js';
export { RETREAT_RECHECK_MS } from './strategy-war.js';

export interface MarketObservation {
  ourPrice: number;
  /** Every merchant id of the seller (this store and the others): never a rival. */
  ownMerchantIds: string[];
  /** Offers in the product's city as the storefront shows them (ours included). */
  offers: MarketOfferInput[];
  /**
   * The store has room in Kaspi's rolling change budget for changes worth little (half of it or more is left).
   * Without it a price war is ended in one move; with it we may keep stepping under a bot while that earns more.
   */
  spareBudget?: boolean;
}

export interface Decision {
  action: 'change' | 'hold';
  price: number;
  reason: ReasonCode;
  /** Numbers for the seller's one-line explanation (rendered from the locale files). */
  details: DecisionDetails;
  /** The cheapest rival that counted, if any. */
  leader: { merchantId: string; merchantName: string; price: number } | null;
  /** Our place among the counted offers after the decision (1 = cheapest). */
  place: number;
  /** First place is out of reach above the floor: the runner alerts the seller once per episode. */
  floorReached: boolean;
  priceWar: boolean;
  /** Offers the rival filters left out. */
  ignored: number;
  /** Look at this market again no sooner than this (a bot we do not fight); undefined = the usual interval. */
  recheckInMs?: number;
  /** The memory to store once this decision is carried out. */
  memory: StrategyMemory;
}

export function decide(
  settings: DemperSettings,
  memoryIn: unknown,
  observation: MarketObservation,
  now: number,
): Decision {
  const { ourPrice } = observation;
  const { rivals, ignored } = countedRivals(
    observation.offers,
    observation.ownMerchantIds,
    settings.excludedMerchants,
    settings.rivalFilter,
  );
  const learned = learn(readMemory(memoryIn), ourPrice, rivals, now);
  const leader = rivals[0]
    ? {
        merchantId: rivals[0].merchantId,
        merchantName: rivals[0].merchantName,
        price: rivals[0].listedPrice ?? rivals[0].price,
      }
    : null;
  const placeAt = (price: number) => 1 + rivals.filter((rival) => rival.price < price).length;
  const finish = (wanted: Wanted): Decision => {
    let memory = remember(learned, ourPrice, wanted.price, rivals, now);
    const probeLives = memory.probe !== null && now - memory.probe.at <= PROBE_WAIT_MS && wanted.price === ourPrice;
    memory = {
      ...memory,
      probe: wanted.probe
        ? { rivalId: wanted.probe, at: memory.probe && probeLives ? memory.probe.at : now }
        : probeLives
          ? memory.probe
          : null,
    };
    return {
      action: wanted.price === ourPrice ? 'hold' : 'change',
      price: wanted.price,
      reason: wanted.reason,
      details: leader
        ? { rivalName: leader.merchantName, rivalPrice: leader.price, ...wanted.details }
        : wanted.details,
      leader,
      place: placeAt(wanted.price),
      floorReached: wanted.floorReached ?? false,
      priceWar: wanted.priceWar ?? false,
      ignored,
      ...(wanted.recheckInMs !== undefined ? { recheckInMs: wanted.recheckInMs } : {}),
      memory,
    };
  };

  if (settingsProblem(settings)) return finish({ price: ourPrice, reason: 'invalid_settings', details: {} });
  const floor = Math.max(settings.minPrice, KASPI_MIN_PRICE);
  const ceiling = settings.maxPrice;
  const context: Context = {
    settings,
    memory: learned,
    ourPrice,
    rivals,
    floor,
    ceiling,
    now,
    spareBudget: observation.spareBudget === true,
  };
  const wanted = wantedPrice(context);

  // However the market reads, one change goes down at most as far as the seller allows (repairs aside).
  let target = Math.floor(wanted.price);
  let reason = wanted.reason;
  const maxDrop = settings.maxDropPerChange;
  const inBounds = ourPrice >= floor && (ceiling === null || ourPrice <= ceiling);
  // A price over the ceiling goes to the ceiling first (a repair); the market's price follows step by step.
  if (maxDrop !== null && ceiling !== null && ourPrice > ceiling) target = Math.max(target, ceiling);
  if (maxDrop !== null && inBounds && target < ourPrice - maxDrop) {
    target = ourPrice - maxDrop;
    reason = 'max_drop_limited';
  }
  // The seller's bounds win over any market reasoning; a price already outside them is repaired.
  let price = Math.max(floor, target);
  if (ceiling !== null) price = Math.min(ceiling, price);
  let result: Wanted = { ...wanted, price, reason };
  if (ourPrice < floor && price === floor)
    result = { ...result, reason: 'below_floor_fix', details: { ...result.details, floor } };
  else if (ceiling !== null && ourPrice > ceiling && price === ceiling)
    result = { ...result, reason: 'above_ceiling_fix', details: { ...result.details, ceiling } };
  else if (inBounds && turnsAround(learned, ourPrice, price, now)) {
    // Up, down, up, down: each turn shows every rival a new price to answer. Repairs are never held back.
    result = { price: ourPrice, reason: 'reversal_limit', details: { count: learned.reversals.length } };
  }
  return finish(result);
}

/** What the market calls for, before the seller's floor and ceiling are applied. */
function wantedPrice(context: Context): Wanted {
  const { settings, ourPrice, rivals, ceiling, memory, now } = context;
  if (settings.strategy === 'hold') return { price: ourPrice, reason: 'strategy_hold', details: {} };
  const anchorIndex = settings.strategy === 'target_place' ? settings.targetPlace - 1 : 0;
  const anchor = rivals[anchorIndex];
  if (!anchor) {
    if (settings.whenAlone === 'ceiling' && ceiling !== null)
      return { price: ceiling, reason: 'no_rivals_ceiling', details: { ceiling } };
    return {
      price: ourPrice,
      reason: settings.strategy === 'target_place' && rivals.length ? 'target_place' : 'no_rivals_hold',
      details: {},
    };
  }
  const step = stepAmount(settings, anchor.price);
  let target = settings.strategy === 'match_leader' ? anchor.price : anchor.price - step;
  if (ceiling !== null) target = Math.min(ceiling, target);
  const baseReason: ReasonCode =
    settings.strategy === 'match_leader'
      ? 'match_leader'
      : settings.strategy === 'target_place'
        ? 'target_place'
        : 'undercut_leader';
  const details: DecisionDetails = {
    rivalName: anchor.merchantName,
    rivalPrice: anchor.listedPrice ?? anchor.price,
    step,
  };

  const bot = settings.priceWar !== 'off' && isBot(memory.rivals[anchor.merchantId], now);
  // Checked before climbing: a price under the floor is repaired straight to the best place above it.
  if (target < context.floor) {
    // A bot that follows us under our floor: stop there and take the best place above it; it follows us up, and
    // the fight starts again from a price worth having.
    if (bot && settings.priceWar === 'jump') return retreatPlace(context, rivals.slice(anchorIndex + 1), anchor);
    return unreachable(context, rivals.slice(anchorIndex), anchor);
  }
  if (target >= ourPrice) return climb(context, anchor, target, baseReason, details);
  if (bot) {
    if (settings.priceWar === 'hold') return { price: ourPrice, reason: 'price_war_hold', details, priceWar: true };
    return endWar(context, anchor, target, details);
  }
  if (settings.maxDropPerChange !== null && ourPrice - target > settings.maxDropPerChange) {
    return { price: ourPrice - settings.maxDropPerChange, reason: 'max_drop_limited', details };
  }
  // Ahead of a filtered seller by what a buyer pays to avoid it, not by its listed price.
  if (anchor.listedPrice !== undefined && baseReason === 'undercut_leader')
    return { price: target, reason: 'undercut_filtered', details: { ...details, anchorPrice: anchor.price } };
  return { price: target, reason: baseReason, details };
}
