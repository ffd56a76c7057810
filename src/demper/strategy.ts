/**
 * The demper's pricing strategy as a pure state machine: no I/O, no clock (time comes in as `now`).
 *
 *   decide(settings, memory, observation, now) → Decision { action, price, reason, details, memory, … }
 *
 * - `settings` (DemperSettings): the seller's floor, ceiling, step, strategy and rival filters for this city.
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
 */
import { countedRivals, KASPI_MIN_PRICE, stepAmount, type MarketOfferInput, type RivalFilter } from './rivals.js';
import { isBot, learn, readMemory, remember, type StrategyMemory } from './strategy-memory.js';

export { KASPI_MIN_PRICE, countedRivals, stepAmount, type MarketOfferInput } from './rivals.js';

type Strategy = 'first_place' | 'match_leader' | 'target_place' | 'hold';

export interface DemperSettings {
  /** Floor in whole tenge; the demper never goes below it. */
  minPrice: number;
  /** Ceiling in whole tenge; null = no ceiling (raises stop at the rival-derived target). */
  maxPrice: number | null;
  /** Undercut step: tenge, or percent of the rival's price when `stepIsPercent`. */
  step: number;
  stepIsPercent: boolean;
  strategy: Strategy;
  /** For `target_place`: the place (1 = cheapest) to hold. */
  targetPlace: number;
  /** Merchants never treated as rivals (partners, own brands elsewhere). */
  excludedMerchants: string[];
  /** Climb toward just under the rival to beat when there is room. */
  autoRaise: boolean;
  /** No climbing back within this long after our own cut unless a rival raised (avoids see-saw). */
  raiseCooldownMs: number;
  /** With no rivals: hold, or go to the ceiling. */
  whenAlone: 'hold' | 'ceiling';
  /** At most this many tenge down in one change; null = no limit. */
  maxDropPerChange: number | null;
  /** A rival answering each cut within one check: end the war (probe, settle), hold, or keep stepping. */
  priceWar: 'jump' | 'hold' | 'off';
  rivalFilter: RivalFilter;
}

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

export type ReasonCode =
  | 'undercut_leader'
  | 'undercut_filtered'
  | 'match_leader'
  | 'target_place'
  | 'raise_to_gap'
  | 'rival_raised'
  | 'already_first'
  | 'already_optimal'
  | 'raise_cooldown'
  | 'no_rivals_hold'
  | 'no_rivals_ceiling'
  | 'floor_reached'
  | 'unreachable_first'
  | 'unreachable_ceiling'
  | 'below_floor_fix'
  | 'above_ceiling_fix'
  | 'max_drop_limited'
  | 'price_war_probe'
  | 'price_war_end'
  | 'price_war_retreat'
  | 'price_war_hold'
  | 'reversal_limit'
  | 'strategy_hold'
  | 'invalid_settings';

export interface DecisionDetails {
  rivalName?: string;
  rivalPrice?: number;
  floor?: number;
  ceiling?: number;
  place?: number;
  step?: number;
  /** The seller we price just under when first place is out of reach or not worth a war. */
  anchorName?: string;
  anchorPrice?: number;
  /** First place becomes possible with a floor below this. */
  needFloor?: number;
  /** A bot's floor, as far as we can tell. */
  rivalFloor?: number;
  count?: number;
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

/** After leaving a bot under our floor, the next look comes this much later (it follows us up meanwhile). */
export const RETREAT_RECHECK_MS = 15 * 60_000;
const MAX_REVERSALS_PER_HOUR = 4;
/**
 * A probe at our floor is tried only once our price is this close to it (a share of the floor): the probe shows
 * every slow rival a low price, and they follow it down for good. Far above the floor, stepping with the bot
 * keeps the whole market high and earns more (measured in the market simulator).
 */
const PROBE_WITHIN_FLOOR_SHARE = 0.08;

/** A probe not answered clearly within this long (a bot that never holds one price) is given up. */
const PROBE_WAIT_MS = 10 * 60_000;

function settingsProblem(settings: DemperSettings): string | undefined {
  const { minPrice, maxPrice, step } = settings;
  if (!Number.isInteger(minPrice) || minPrice < KASPI_MIN_PRICE) return 'floor';
  if (maxPrice !== null && (!Number.isInteger(maxPrice) || maxPrice < minPrice)) return 'ceiling';
  if (!Number.isFinite(step) || step <= 0 || (settings.stepIsPercent && step >= 50)) return 'step';
  if (settings.strategy === 'target_place' && (!Number.isInteger(settings.targetPlace) || settings.targetPlace < 1))
    return 'place';
  if (
    settings.maxDropPerChange !== null &&
    (!Number.isInteger(settings.maxDropPerChange) || settings.maxDropPerChange < 1)
  )
    return 'max-drop';
  return undefined;
}

interface Wanted {
  price: number;
  reason: ReasonCode;
  details: DecisionDetails;
  floorReached?: boolean;
  priceWar?: boolean;
  recheckInMs?: number;
  probe?: string;
}

interface Context {
  settings: DemperSettings;
  memory: StrategyMemory;
  ourPrice: number;
  rivals: MarketOfferInput[];
  floor: number;
  ceiling: number | null;
  now: number;
  spareBudget: boolean;
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

function turnsAround(memory: StrategyMemory, ourPrice: number, price: number, now: number): boolean {
  if (price === ourPrice || memory.lastDirection === null) return false;
  const direction = price < ourPrice ? 'down' : 'up';
  if (direction === memory.lastDirection) return false;
  return memory.reversals.filter((at) => now - at <= 60 * 60_000).length >= MAX_REVERSALS_PER_HOUR;
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

/** We already beat the anchor: stay, or climb to one step under it (the cooldown only holds back climbing after our own cut). */
function climb(
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

/**
 * A bot answers each cut within one check. Its floor known and above ours: one step under it, and hold — it
 * cannot follow (the war is over). Unknown, close to our floor and while the store's budget is tight: one probe
 * at our floor shows where it stops (the war ends in one move). Otherwise, and for a bot that goes under our
 * floor, we keep stepping under it: each cut buys first place until its answer; `priceWar` marks the change as
 * the least valuable for the budget, and at our floor we stop and take the best place above it.
 */
function endWar(context: Context, bot: MarketOfferInput, target: number, details: DecisionDetails): Wanted {
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
function retreatPlace(context: Context, others: MarketOfferInput[], bot: MarketOfferInput): Wanted {
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

/** First place needs a price under our floor: take the best place above it at the best price. */
function unreachable(context: Context, candidates: MarketOfferInput[], leader: MarketOfferInput): Wanted {
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

function bestPlaceAbove(
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
