/**
 * The demper's pricing decision: pure, no I/O, no clock (time comes in as `now`). Given our offer, the market
 * of the product's city and the seller's settings, it returns a new price or a hold, with a reason code and
 * the numbers that explain it. Guarantees (property-tested over 100,000 random markets):
 * - a new price is a whole number of tenge, ≥ the floor, ≥ 10 ₸ and ≤ the ceiling;
 * - the seller's own offers (this store and their other stores) never influence the price;
 * - deciding again on the market the decision produced changes nothing (no churn when already optimal).
 */

export const KASPI_MIN_PRICE = 10;

export type Strategy = 'first_place' | 'match_leader' | 'target_place' | 'hold';

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
  /** Raise toward just under the leader when we are first by more than a step. */
  autoRaise: boolean;
  /** No raise within this long after a cut (lets the market settle, avoids see-saw). */
  raiseCooldownMs: number;
  /** With no rivals: hold, or go to the ceiling. */
  whenAlone: 'hold' | 'ceiling';
  /** At most this many tenge down in one change; null = no limit. */
  maxDropPerChange: number | null;
  /** When a rival answers each cut within minutes: jump to where the war ends, hold, or keep stepping. */
  priceWar: 'jump' | 'hold' | 'off';
  /** Rivals worth reacting to. */
  rivalFilter: { minRating: number | null; minReviews: number | null; maxDeliveryRank: number | null };
}

export interface MarketOfferInput {
  merchantId: string;
  merchantName: string;
  price: number;
  rating: number | null;
  reviews: number | null;
  deliveryDuration: string | null;
}

/** One earlier check of this product, oldest first: what we charged and who led. */
export interface MarketRound {
  at: number;
  ourPrice: number;
  leaderMerchantId: string | null;
  leaderPrice: number | null;
}

export interface DecisionInput {
  ourPrice: number;
  /** Every merchant id of the seller (this store and the others): never a rival. */
  ownMerchantIds: string[];
  /** Offers in the product's city as the storefront shows them (ours included). */
  offers: MarketOfferInput[];
  settings: DemperSettings;
  now: number;
  /** When we last lowered the price of this product. */
  lastCutAt: number | null;
  recentRounds: MarketRound[];
}

export type ReasonCode =
  | 'undercut_leader'
  | 'match_leader'
  | 'target_place'
  | 'raise_to_gap'
  | 'already_first'
  | 'already_optimal'
  | 'raise_cooldown'
  | 'no_rivals_hold'
  | 'no_rivals_ceiling'
  | 'floor_reached'
  | 'below_floor_fix'
  | 'above_ceiling_fix'
  | 'max_drop_limited'
  | 'price_war_jump'
  | 'price_war_hold'
  | 'strategy_hold'
  | 'invalid_settings';

export interface Decision {
  action: 'change' | 'hold';
  price: number;
  reason: ReasonCode;
  /** Numbers for the seller's one-line explanation (rendered from the locale files). */
  details: { rivalName?: string; rivalPrice?: number; floor?: number; ceiling?: number; place?: number; step?: number };
  /** The cheapest rival that counted, if any. */
  leader: { merchantId: string; merchantName: string; price: number } | null;
  /** Our place among the counted offers after the decision (1 = cheapest). */
  place: number;
  /** The rival-derived target fell below the floor: the runner alerts the seller once per episode. */
  floorReached: boolean;
  priceWar: boolean;
}

const DELIVERY_RANK: Record<string, number> = {
  EXPRESS: 0,
  TODAY: 1,
  TOMORROW: 2,
  TILL_2_DAYS: 3,
  TILL_3_DAYS: 4,
  TILL_5_DAYS: 5,
  TILL_7_DAYS: 6,
  OTHER: 7,
};

export function deliveryRank(duration: string | null): number {
  return duration === null ? 7 : (DELIVERY_RANK[duration] ?? 7);
}

/** Rivals that count: not ours, not excluded, passing the filters, one (cheapest) offer per merchant. */
export function countedRivals(input: Pick<DecisionInput, 'offers' | 'ownMerchantIds' | 'settings'>): MarketOfferInput[] {
  const own = new Set(input.ownMerchantIds);
  const excluded = new Set(input.settings.excludedMerchants);
  const { minRating, minReviews, maxDeliveryRank } = input.settings.rivalFilter;
  const cheapest = new Map<string, MarketOfferInput>();
  for (const offer of input.offers) {
    if (own.has(offer.merchantId) || excluded.has(offer.merchantId)) continue;
    if (!Number.isFinite(offer.price) || offer.price <= 0) continue;
    if (minRating !== null && (offer.rating ?? 0) < minRating) continue;
    if (minReviews !== null && (offer.reviews ?? 0) < minReviews) continue;
    if (maxDeliveryRank !== null && deliveryRank(offer.deliveryDuration) > maxDeliveryRank) continue;
    const current = cheapest.get(offer.merchantId);
    if (!current || offer.price < current.price) cheapest.set(offer.merchantId, offer);
  }
  return [...cheapest.values()].sort((a, b) => a.price - b.price || a.merchantId.localeCompare(b.merchantId));
}

export function stepAmount(settings: DemperSettings, rivalPrice: number): number {
  if (!settings.stepIsPercent) return Math.max(1, Math.round(settings.step));
  return Math.max(1, Math.floor((rivalPrice * settings.step) / 100));
}

export function settingsProblem(settings: DemperSettings): string | undefined {
  const { minPrice, maxPrice, step } = settings;
  if (!Number.isInteger(minPrice) || minPrice < KASPI_MIN_PRICE) return 'floor';
  if (maxPrice !== null && (!Number.isInteger(maxPrice) || maxPrice < minPrice)) return 'ceiling';
  if (!Number.isFinite(step) || step <= 0 || (settings.stepIsPercent && step >= 50)) return 'step';
  if (settings.strategy === 'target_place' && (!Number.isInteger(settings.targetPlace) || settings.targetPlace < 1)) return 'place';
  if (settings.maxDropPerChange !== null && (!Number.isInteger(settings.maxDropPerChange) || settings.maxDropPerChange < 1)) return 'max-drop';
  return undefined;
}

export function decide(input: DecisionInput): Decision {
  const { settings, ourPrice } = input;
  const rivals = countedRivals(input);
  const leader = rivals[0] ? { merchantId: rivals[0].merchantId, merchantName: rivals[0].merchantName, price: rivals[0].price } : null;
  const placeAt = (price: number) => 1 + rivals.filter((rival) => rival.price < price).length;
  const result = (price: number, reason: ReasonCode, extra: Partial<Decision> = {}): Decision => ({
    action: price === ourPrice ? 'hold' : 'change',
    price,
    reason,
    details: leader ? { rivalName: leader.merchantName, rivalPrice: leader.price } : {},
    leader,
    place: placeAt(price),
    floorReached: false,
    priceWar: false,
    ...extra,
  });

  if (settingsProblem(settings)) return result(ourPrice, 'invalid_settings');
  const floor = Math.max(settings.minPrice, KASPI_MIN_PRICE);
  const ceiling = settings.maxPrice;
  const wanted = strategyPrice(input, rivals, floor);

  // The seller's bounds win over any market reasoning; a price already outside them is repaired.
  let price = Math.max(floor, wanted.price);
  if (ceiling !== null) price = Math.min(ceiling, price);
  let reason = wanted.reason;
  const details = { ...wanted.details };
  // A price that was outside the seller's bounds and lands on one of them is explained by that bound.
  if (ourPrice < floor && price === floor) {
    reason = 'below_floor_fix';
    details.floor = floor;
  } else if (ceiling !== null && ourPrice > ceiling && price === ceiling) {
    reason = 'above_ceiling_fix';
    details.ceiling = ceiling;
  }
  return result(price, reason, {
    details,
    floorReached: wanted.reason === 'floor_reached',
    priceWar: wanted.reason === 'price_war_jump' || wanted.reason === 'price_war_hold',
  });
}

interface WantedPrice {
  price: number;
  reason: ReasonCode;
  details: Decision['details'];
}

/** What the chosen strategy wants from this market, before the seller's floor and ceiling are applied. */
function strategyPrice(input: DecisionInput, rivals: MarketOfferInput[], floor: number): WantedPrice {
  const { settings, ourPrice } = input;
  const ceiling = settings.maxPrice;
  if (settings.strategy === 'hold') return { price: ourPrice, reason: 'strategy_hold', details: {} };
  const leader = rivals[0];
  if (!leader) {
    if (settings.whenAlone === 'ceiling' && ceiling !== null) return { price: ceiling, reason: 'no_rivals_ceiling', details: { ceiling } };
    return { price: ourPrice, reason: 'no_rivals_hold', details: {} };
  }

  let anchor = leader;
  let reason: ReasonCode = 'undercut_leader';
  let target: number;
  if (settings.strategy === 'match_leader') {
    target = leader.price;
    reason = 'match_leader';
  } else if (settings.strategy === 'target_place' && settings.targetPlace > 1) {
    const anchorRival = rivals[settings.targetPlace - 1];
    if (!anchorRival) {
      // Fewer rivals than the place asked for: any price holds it; stay, or go to the ceiling.
      if (settings.whenAlone === 'ceiling' && ceiling !== null) return { price: ceiling, reason: 'no_rivals_ceiling', details: { ceiling } };
      return { price: ourPrice, reason: 'target_place', details: { place: settings.targetPlace } };
    }
    anchor = anchorRival;
    target = anchorRival.price - stepAmount(settings, anchorRival.price);
    reason = 'target_place';
  } else {
    target = leader.price - stepAmount(settings, leader.price);
  }
  target = Math.floor(target);
  if (ceiling !== null) target = Math.min(ceiling, target);
  const details: Decision['details'] = { rivalName: anchor.merchantName, rivalPrice: anchor.price, step: stepAmount(settings, anchor.price) };

  if (target >= ourPrice) {
    // We already beat the anchor. Raise only when the gap is wider than needed, and not right after a cut.
    if (!settings.autoRaise || target === ourPrice) {
      return { price: ourPrice, reason: target === ourPrice ? 'already_optimal' : reason === 'target_place' ? 'target_place' : 'already_first', details };
    }
    if (input.lastCutAt !== null && input.now - input.lastCutAt < settings.raiseCooldownMs) return { price: ourPrice, reason: 'raise_cooldown', details };
    return { price: target, reason: 'raise_to_gap', details };
  }

  // A cut. Never follow a rival below the floor: hold (a price already under the floor is repaired by the caller).
  if (target < floor) return { price: ourPrice, reason: 'floor_reached', details: { ...details, floor } };

  if (settings.priceWar !== 'off' && detectPriceWar(input.recentRounds, anchor.merchantId, input.now)) {
    if (settings.priceWar === 'hold') return { price: ourPrice, reason: 'price_war_hold', details };
    const rivalFloor = inferredRivalFloor(input.recentRounds, anchor.merchantId);
    const warEnd = Math.max(floor, rivalFloor !== undefined ? rivalFloor - stepAmount(settings, rivalFloor) : floor);
    if (warEnd < target) return { price: warEnd, reason: 'price_war_jump', details: { ...details, floor } };
  }

  if (settings.maxDropPerChange !== null && ourPrice - target > settings.maxDropPerChange) {
    return { price: ourPrice - settings.maxDropPerChange, reason: 'max_drop_limited', details };
  }
  return { price: target, reason, details };
}

const WAR_ANSWER_MS = 15 * 60_000;
const WAR_ROUNDS = 3;

/**
 * A price war: in each of the last rounds we cut, and the same rival was back under us by the next round,
 * within minutes. Stepping down one tenge at a time then only walks both prices to the floor slowly.
 */
export function detectPriceWar(rounds: MarketRound[], rivalId: string, now: number): boolean {
  const recent = rounds.filter((round) => now - round.at <= WAR_ANSWER_MS * (WAR_ROUNDS + 1));
  let answered = 0;
  for (let i = recent.length - 1; i > 0 && answered < WAR_ROUNDS; i--) {
    const later = recent[i]!;
    const earlier = recent[i - 1]!;
    const weCut = later.ourPrice < earlier.ourPrice;
    const theyAnswered =
      later.leaderMerchantId === rivalId && later.leaderPrice !== null && later.leaderPrice <= later.ourPrice && later.at - earlier.at <= WAR_ANSWER_MS;
    if (!weCut || !theyAnswered) break;
    answered++;
  }
  return answered >= WAR_ROUNDS;
}

/** A rival's floor shows where it stopped following: it led before, we went under it, and it stayed put. */
export function inferredRivalFloor(rounds: MarketRound[], rivalId: string): number | undefined {
  for (let i = rounds.length - 1; i > 0; i--) {
    const later = rounds[i]!;
    const earlier = rounds[i - 1]!;
    if (
      later.leaderMerchantId !== rivalId &&
      earlier.leaderMerchantId === rivalId &&
      earlier.leaderPrice !== null &&
      later.ourPrice < earlier.leaderPrice
    ) {
      return earlier.leaderPrice;
    }
  }
  return undefined;
}
