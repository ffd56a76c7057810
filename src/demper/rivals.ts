/**
 * Who counts as a rival in one city's market, and the step the demper moves by. Pure; shared by the strategy,
 * the budget and the market simulator.
 */

export const KASPI_MIN_PRICE = 10;

/** A seller under this rating with fewer than `UNPROVEN_REVIEWS` reviews barely sells: buyers pass it by. */
const UNPROVEN_RATING = 4.0;
const UNPROVEN_REVIEWS = 10;

export interface MarketOfferInput {
  merchantId: string;
  merchantName: string;
  price: number;
  rating: number | null;
  reviews: number | null;
  deliveryDuration: string | null;
  /** Delivers to this city only from another one (the storefront shows no pickup or stock here). */
  intercity?: boolean;
  /** Set on a filtered seller counted at what it costs a buyer (`price`): the price it lists. */
  listedPrice?: number;
}

/** What a buyer pays, about, to get it tomorrow from a seller with a record instead of a filtered one. */
const FILTERED_PREMIUM_PERCENT = 10;

export interface RivalFilter {
  minRating: number | null;
  minReviews: number | null;
  maxDeliveryRank: number | null;
  /** Leave out sellers who deliver to this city only from another one. */
  ignoreIntercity: boolean;
  /** Leave out sellers under 4.0 ★ with fewer than 10 reviews. */
  ignoreUnproven: boolean;
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

function deliveryRank(duration: string | null): number {
  return duration === null ? 7 : (DELIVERY_RANK[duration] ?? 7);
}

/** A seller with a thin record: under 4.0 ★ (or none) and fewer than 10 reviews. */
function isUnproven(offer: Pick<MarketOfferInput, 'rating' | 'reviews'>): boolean {
  return (offer.rating ?? 0) < UNPROVEN_RATING && (offer.reviews ?? 0) < UNPROVEN_REVIEWS;
}

/** Why a rival's offer is left out, or undefined when it counts. */
function filteredOut(
  offer: MarketOfferInput,
  filter: RivalFilter,
): 'intercity' | 'unproven' | 'rating' | 'reviews' | 'delivery' | undefined {
  if (filter.ignoreIntercity && offer.intercity === true) return 'intercity';
  if (filter.ignoreUnproven && isUnproven(offer)) return 'unproven';
  if (filter.minRating !== null && (offer.rating ?? 0) < filter.minRating) return 'rating';
  if (filter.minReviews !== null && (offer.reviews ?? 0) < filter.minReviews) return 'reviews';
  if (filter.maxDeliveryRank !== null && deliveryRank(offer.deliveryDuration) > filter.maxDeliveryRank)
    return 'delivery';
  return undefined;
}

/**
 * Rivals that count: not the seller's (any of their stores), not excluded, one (cheapest) offer per merchant,
 * cheapest first; a seller the other-city or thin-record filter catches counts at its price plus
 * FILTERED_PREMIUM_PERCENT (`listedPrice` keeps its own). `ignored` counts the offers the filters caught.
 */
export function countedRivals(
  offers: MarketOfferInput[],
  ownMerchantIds: string[],
  excludedMerchants: string[],
  filter: RivalFilter,
): { rivals: MarketOfferInput[]; ignored: number } {
  const own = new Set(ownMerchantIds);
  const excluded = new Set(excludedMerchants);
  const cheapest = new Map<string, MarketOfferInput>();
  let ignored = 0;
  for (let offer of offers) {
    if (own.has(offer.merchantId) || excluded.has(offer.merchantId)) continue;
    if (!Number.isFinite(offer.price) || offer.price <= 0) continue;
    const why = filteredOut(offer, filter);
    if (why) {
      ignored++;
      // A seller the default filters leave out still takes buyers when it is far cheaper: it counts at its price
      // plus what a buyer pays to avoid the wait or the thin record.
      if (why !== 'intercity' && why !== 'unproven') continue;
      offer = {
        ...offer,
        listedPrice: offer.price,
        price: Math.ceil((offer.price * (100 + FILTERED_PREMIUM_PERCENT)) / 100),
      };
    }
    const current = cheapest.get(offer.merchantId);
    if (!current || offer.price < current.price) cheapest.set(offer.merchantId, offer);
  }
  const rivals = [...cheapest.values()].sort((a, b) => a.price - b.price || a.merchantId.localeCompare(b.merchantId));
  return { rivals, ignored };
}

/** The undercut step in whole tenge (at least 1): tenge, or percent of the rival's price. */
export function stepAmount(settings: { step: number; stepIsPercent: boolean }, rivalPrice: number): number {
  if (!settings.stepIsPercent) return Math.max(1, Math.round(settings.step));
  return Math.max(1, Math.floor((rivalPrice * settings.step) / 100));
}
