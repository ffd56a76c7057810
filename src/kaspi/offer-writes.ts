import type { StorePoint } from '../db/entities/store.js';
import type { CabinetOffer, OfferAvailabilityRead } from './schemas.js';

/** Kaspi refuses prices below 10 ₸. */
export const KASPI_MIN_PRICE = 10;
export const MAX_PREORDER_DAYS = 30;

/** What a write may change; everything else is echoed exactly as read (REFERENCE §3.4). */
export interface OfferChange {
  /** New price in whole tenge, for every city the offer is sold in. */
  price?: number;
  /** On sale (`yes`) or off sale (`no`) at every point. */
  available?: boolean;
  /** Preorder days (0–30) by merchant-prefixed point id; 0 takes that point off preorder. */
  preOrderDays?: Record<string, number>;
}

export interface PricefeedAvailability {
  storeId: string;
  available: 'yes' | 'no';
  preOrder?: number;
  stockCount?: number | null;
  [field: string]: unknown;
}

export interface PricefeedItem {
  merchantUid: string;
  sku: string;
  model: string;
  price: number;
  availabilities: PricefeedAvailability[];
  cityPrices: { cityId: string; value: number }[];
}

export class OfferWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfferWriteError';
  }
}

/**
 * Builds the body of a price-feed write from the offer exactly as the cabinet list returned it.
 * - every point the offer has is sent (a missing point becomes «unspecified», stock 0 there);
 * - availabilities are echoed as read; only `available` and `preOrder` change;
 * - `storeId` is merchant-prefixed;
 * - `price` is given next to `cityPrices` (Kaspi requires a base price);
 * - `batch: true` drops `stockCount` entirely: with it, Kaspi took offers off sale («Не указано наличие»).
 */
export function buildPricefeedItem(
  merchantUid: string,
  offer: CabinetOffer,
  change: OfferChange,
  points: StorePoint[],
  options: { batch: boolean },
): PricefeedItem {
  const price = change.price ?? currentPrice(offer);
  if (!Number.isInteger(price) || price < KASPI_MIN_PRICE) {
    throw new OfferWriteError(`price ${price} for ${offer.sku} is not a whole number of tenge ≥ ${KASPI_MIN_PRICE}`);
  }
  if (offer.availabilities.length === 0) {
    throw new OfferWriteError(`offer ${offer.sku} has no points as read; refusing to write an empty availability list`);
  }
  for (const [storeId, days] of Object.entries(change.preOrderDays ?? {})) {
    if (!Number.isInteger(days) || days < 0 || days > MAX_PREORDER_DAYS) {
      throw new OfferWriteError(`preorder for ${storeId} must be 0–${MAX_PREORDER_DAYS} days, got ${days}`);
    }
    if (!offer.availabilities.some((availability) => prefixStoreId(merchantUid, availability.storeId) === storeId)) {
      throw new OfferWriteError(`offer ${offer.sku} has no point ${storeId}`);
    }
  }

  const availabilities = offer.availabilities.map((read) => echoAvailability(merchantUid, read, change, options.batch));
  const cityIds = citiesOf(merchantUid, offer, points);
  return {
    merchantUid,
    sku: offer.sku,
    model: offer.model ?? offer.title ?? offer.masterTitle ?? offer.sku,
    price,
    availabilities,
    cityPrices: cityIds.map((cityId) => ({ cityId, value: price })),
  };
}

function echoAvailability(merchantUid: string, read: OfferAvailabilityRead, change: OfferChange, batch: boolean): PricefeedAvailability {
  const storeId = prefixStoreId(merchantUid, read.storeId);
  const echoed: PricefeedAvailability = { ...read, storeId, available: read.available };
  if (change.available !== undefined) echoed.available = change.available ? 'yes' : 'no';
  const preOrder = change.preOrderDays?.[storeId];
  if (preOrder !== undefined) echoed.preOrder = preOrder;
  if (batch) delete echoed.stockCount;
  return echoed;
}

export function prefixStoreId(merchantUid: string, storeId: string): string {
  return storeId.startsWith(`${merchantUid}_`) ? storeId : `${merchantUid}_${storeId}`;
}

/** The base price Kaspi shows: `price`, or `minPrice` when the list reports 0 (REFERENCE §2.2). */
export function currentPrice(offer: CabinetOffer): number {
  if (offer.price > 0) return Math.round(offer.price);
  if (offer.minPrice && offer.minPrice > 0) return Math.round(offer.minPrice);
  const cityPrices = Object.values(offer.allCityPrices ?? {}).map((entry) => entry.price).filter((price) => price > 0);
  return cityPrices.length ? Math.round(Math.min(...cityPrices)) : 0;
}

/**
 * Cities the offer is sold in, from its points' cities (getMerchant). Never the offer's `allCityPrices` keys:
 * those span ~200 cities, and a national cityPrices list is one of the pitfalls that broke offers (§3.4.6).
 */
function citiesOf(merchantUid: string, offer: CabinetOffer, points: StorePoint[]): string[] {
  const byStoreId = new Map(points.map((point) => [point.storeId, point.cityId]));
  const cities = new Set<string>();
  for (const availability of offer.availabilities) {
    const cityId = byStoreId.get(prefixStoreId(merchantUid, availability.storeId));
    if (cityId) cities.add(cityId);
  }
  if (cities.size === 0) throw new OfferWriteError(`cannot tell which cities offer ${offer.sku} is sold in; sync the store's points first`);
  return [...cities].sort();
}
