import type { StorePoint } from '../db/entities/store.js';
import type { CabinetOffer, OfferAvailabilityRead } from './schemas.js';

/** Kaspi refuses prices below 10 ₸. */
export const KASPI_MIN_PRICE = 10;
export const MAX_PREORDER_DAYS = 30;

/** What a write may change; every other city's price, point and stock stays as Kaspi has it. */
export interface OfferChange {
  /** New prices in whole tenge by city id; a city left out keeps its own current price. */
  cityPrices?: Record<string, number>;
  /** On sale (`yes`) or off sale (`no`) at every point. */
  available?: boolean;
  /** Preorder days (0–30) by merchant-prefixed point id; 0 takes that point off preorder. */
  preOrderDays?: Record<string, number>;
}

/** One point of a batch item: exactly what the cabinet's «Выставить на продажу» sends (no stock echoes). */
interface PricefeedAvailability {
  available: 'yes' | 'no';
  storeId: string;
  preOrder?: number;
}

interface CityPriceValue {
  cityId: string;
  value: number;
}

/** A batch item in the cabinet's own field order and fields: no top-level price, no stock fields. */
export interface PricefeedItem {
  merchantUid: string;
  sku: string;
  availabilities: PricefeedAvailability[];
  model: string;
  cityPrices: CityPriceValue[];
}

/** The body of the cabinet's «Цена и остатки» save for one point (`pricefeed/upload/merchant/process`). */
export interface PointSaveBody {
  merchantUid: string;
  availabilities: { available: 'yes' | 'no'; storeId: string; stockCount?: number; preOrder?: number }[];
  cityPrices: CityPriceValue[];
  sku: string;
  model: string;
}

/** An offer of `offer-validation-api/…/validate/v2`: unprefixed point codes, each point's city and price. */
export interface ValidationOffer {
  masterSku: string;
  availabilities: { storeId: string; cityId: string; available: 'yes' | 'no'; price: number; stockLevel?: number }[];
}

/** What city lookups need of a point. */
type CityPoint = Pick<StorePoint, 'storeId' | 'cityId'>;

export class OfferWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfferWriteError';
  }
}

/**
 * Builds a batch item from the offer exactly as the cabinet list returned it, in the shape the cabinet itself sends:
 * - every point the offer has is listed (a point left out becomes «unspecified», stock 0 there), with only
 *   `available` and `storeId` (merchant-prefixed), plus `preOrder` where the offer has one or gets one;
 * - no `stockCount`, `stockSpecified`, `stockEnabled`: with `stockCount` in a batch Kaspi took offers off sale
 *   («Не указано наличие»), and the cabinet never echoes the others;
 * - `cityPrices` carries every city of the offer's points at its own current price; only the cities in
 *   `change.cityPrices` move. No top-level `price`: a bare price becomes every city's price.
 */
export function buildPricefeedItem(
  merchantUid: string,
  offer: CabinetOffer,
  change: OfferChange,
  points: StorePoint[],
): PricefeedItem {
  if (offer.availabilities.length === 0) {
    throw new OfferWriteError(`offer ${offer.sku} has no points as read; refusing to write an empty availability list`);
  }
  checkPreorders(merchantUid, offer, change.preOrderDays);
  const current = offerCityPrices(merchantUid, offer, points);
  for (const cityId of Object.keys(change.cityPrices ?? {})) {
    if (!current.has(cityId)) throw new OfferWriteError(`offer ${offer.sku} is not sold in city ${cityId}`);
  }
  const cityPrices = [...current].map(([cityId, price]) => ({ cityId, value: change.cityPrices?.[cityId] ?? price }));
  for (const { cityId, value } of cityPrices) {
    if (!Number.isInteger(value) || value < KASPI_MIN_PRICE) {
      throw new OfferWriteError(
        `price ${value} for ${offer.sku} in ${cityId} is not a whole number of tenge ≥ ${KASPI_MIN_PRICE}`,
      );
    }
  }
  return {
    merchantUid,
    sku: offer.sku,
    availabilities: offer.availabilities.map((read) => batchAvailability(merchantUid, read, change)),
    model: modelOf(offer),
    cityPrices,
  };
}

/**
 * The cabinet's single-point save: that point only, `cityPrices` with only that point's city (a national list broke
 * offers), and the point's stock count where the offer tracks one (the cabinet sends it with the price).
 */
export function buildPointSave(
  merchantUid: string,
  offer: CabinetOffer,
  storeId: string,
  price: number,
  points: StorePoint[],
): { body: PointSaveBody; validation: ValidationOffer } {
  const read = offer.availabilities.find(
    (availability) => prefixStoreId(merchantUid, availability.storeId) === storeId,
  );
  const point = points.find((candidate) => candidate.storeId === storeId);
  if (!read || !point) throw new OfferWriteError(`offer ${offer.sku} has no point ${storeId}`);
  if (!Number.isInteger(price) || price < KASPI_MIN_PRICE)
    throw new OfferWriteError(`price ${price} for ${offer.sku} is not a whole number of tenge ≥ ${KASPI_MIN_PRICE}`);
  const stock = trackedStock(merchantUid, offer, read);
  // A tracked count we cannot read would be written as a made-up one: the caller writes a batch item instead.
  if (stock === null)
    throw new OfferWriteError(`offer ${offer.sku} tracks stock at ${storeId} but its count was not read`);
  const availability: PointSaveBody['availabilities'][number] = { available: read.available, storeId };
  if (stock !== undefined) availability.stockCount = stock;
  // The point's preorder days travel with it, as in a batch item: left out, the point would lose its preorder.
  if (typeof read.preOrder === 'number' && read.preOrder > 0) availability.preOrder = read.preOrder;
  return {
    body: {
      merchantUid,
      availabilities: [availability],
      cityPrices: [{ cityId: point.cityId, value: price }],
      sku: offer.sku,
      model: modelOf(offer),
    },
    validation: {
      masterSku: offer.masterSku,
      availabilities: [
        {
          storeId: point.code,
          cityId: point.cityId,
          available: read.available,
          price,
          ...(stock !== undefined ? { stockLevel: stock } : {}),
        },
      ],
    },
  };
}

/** What `validate/v2` (`ON_SALE__BATCH`) is asked before points go on sale: each point at its city's price. */
export function validationForEnable(
  merchantUid: string,
  offer: CabinetOffer,
  item: PricefeedItem,
  points: StorePoint[],
): ValidationOffer {
  const priceOf = new Map(item.cityPrices.map((entry) => [entry.cityId, entry.value]));
  const availabilities: ValidationOffer['availabilities'] = [];
  for (const sent of item.availabilities) {
    const point = points.find((candidate) => candidate.storeId === sent.storeId);
    if (!point || sent.available !== 'yes') continue;
    availabilities.push({
      storeId: point.code,
      cityId: point.cityId,
      available: 'yes',
      price: priceOf.get(point.cityId)!,
    });
  }
  return { masterSku: offer.masterSku, availabilities };
}

function batchAvailability(
  merchantUid: string,
  read: OfferAvailabilityRead,
  change: OfferChange,
): PricefeedAvailability {
  const storeId = prefixStoreId(merchantUid, read.storeId);
  const sent: PricefeedAvailability = {
    available: change.available === undefined ? read.available : change.available ? 'yes' : 'no',
    storeId,
  };
  const preOrder = change.preOrderDays?.[storeId] ?? read.preOrder;
  if (change.preOrderDays?.[storeId] !== undefined || (typeof preOrder === 'number' && preOrder > 0))
    sent.preOrder = preOrder!;
  return sent;
}

function checkPreorders(
  merchantUid: string,
  offer: CabinetOffer,
  preOrderDays: Record<string, number> | undefined,
): void {
  for (const [storeId, days] of Object.entries(preOrderDays ?? {})) {
    if (!Number.isInteger(days) || days < 0 || days > MAX_PREORDER_DAYS) {
      throw new OfferWriteError(`preorder for ${storeId} must be 0–${MAX_PREORDER_DAYS} days, got ${days}`);
    }
    if (!offer.availabilities.some((availability) => prefixStoreId(merchantUid, availability.storeId) === storeId)) {
      throw new OfferWriteError(`offer ${offer.sku} has no point ${storeId}`);
    }
  }
}

/**
 * The stock count a point tracks (`stockSpecified`), from `stocks[].stockLevel` or the availability; undefined when
 * the point does not track stock, null when it does but the answer carried no count.
 */
export function trackedStock(
  merchantUid: string,
  offer: CabinetOffer,
  read: OfferAvailabilityRead,
): number | null | undefined {
  if (read.stockSpecified !== true) return undefined;
  const storeId = prefixStoreId(merchantUid, read.storeId);
  for (const stock of offer.stocks ?? []) {
    const level = stock.stockLevel?.[storeId] ?? stock.stockLevel?.[read.storeId];
    if (level && Number.isFinite(level.value)) return Math.max(0, Math.round(level.value));
  }
  return typeof read.stockCount === 'number' ? Math.max(0, Math.round(read.stockCount)) : null;
}

/** The offer's own `model`, echoed as read; without it a write could rename the offer, so it is refused. */
function modelOf(offer: CabinetOffer): string {
  if (!offer.model)
    throw new OfferWriteError(`offer ${offer.sku} came without its model; refusing to write a made-up one`);
  return offer.model;
}

export function prefixStoreId(merchantUid: string, storeId: string): string {
  return storeId.startsWith(`${merchantUid}_`) ? storeId : `${merchantUid}_${storeId}`;
}

/**
 * Each city's own price as the cabinet shows it, for the cities of the offer's points: `allCityPrices`, or the
 * `cityPrices` list some answers carry, else the offer's one price. A city whose price cannot be told is refused:
 * writing it a guessed price would move a price nobody decided.
 */
export function offerCityPrices(merchantUid: string, offer: CabinetOffer, points: CityPoint[]): Map<string, number> {
  // Some answers carry the `cityPrices: [{cityId, value}]` variant instead of `allCityPrices`.
  const variant = (offer as { cityPrices?: unknown }).cityPrices;
  const listed = new Map<string, number>();
  for (const entry of Array.isArray(variant) ? (variant as { cityId?: unknown; value?: unknown }[]) : []) {
    if (entry && typeof entry.value === 'number' && entry.value > 0 && entry.cityId !== undefined)
      listed.set(String(entry.cityId), Math.round(entry.value));
  }
  // The offer's one price (`price`, else `minPrice`: the cheapest city's) stands for a city only when the offer is
  // sold in that one city and Kaspi reported no city prices: anywhere else it would move a city to another's price.
  const cities = citiesOf(merchantUid, offer, points);
  const reportsCities = Object.keys(offer.allCityPrices ?? {}).length > 0 || listed.size > 0;
  const fallback = reportsCities || cities.length > 1 ? 0 : currentPrice(offer);
  const prices = new Map<string, number>();
  for (const cityId of cities) {
    const price = positive(offer.allCityPrices?.[cityId]?.price) ?? listed.get(cityId) ?? fallback;
    if (!(price > 0))
      throw new OfferWriteError(`cannot tell the price of offer ${offer.sku} in city ${cityId}; sync the store first`);
    prices.set(cityId, Math.round(price));
  }
  return prices;
}

const positive = (value: number | null | undefined) => (typeof value === 'number' && value > 0 ? value : undefined);

/** One city's price of an offer as read (undefined when the offer is not sold there or its price is unknown). */
export function cityPriceOf(
  merchantUid: string,
  offer: CabinetOffer,
  points: CityPoint[],
  cityId: string,
): number | undefined {
  try {
    return offerCityPrices(merchantUid, offer, points).get(cityId);
  } catch (error) {
    if (error instanceof OfferWriteError) return undefined;
    throw error;
  }
}

/**
 * The base price Kaspi shows: `price`, or `minPrice` when the list reports 0 or leaves it out, else the cheapest
 * city's price (REFERENCE §2.2). 0 when the read carries no price at all: never a price to act on.
 */
export function currentPrice(offer: CabinetOffer): number {
  if (offer.price !== undefined && offer.price > 0) return Math.round(offer.price);
  if (offer.minPrice !== undefined && offer.minPrice > 0) return Math.round(offer.minPrice);
  const cityPrices = Object.values(offer.allCityPrices ?? {})
    .map((entry) => entry.price)
    .filter((price): price is number => price !== undefined && price > 0);
  return cityPrices.length ? Math.round(Math.min(...cityPrices)) : 0;
}

/**
 * Cities the offer is sold in, from its points' cities (getMerchant). Never the offer's `allCityPrices` keys:
 * those span ~200 cities, and a national cityPrices list is one of the pitfalls that broke offers (§3.4.6).
 */
function citiesOf(merchantUid: string, offer: CabinetOffer, points: CityPoint[]): string[] {
  const byStoreId = new Map(points.map((point) => [point.storeId, point.cityId]));
  const cities = new Set<string>();
  for (const availability of offer.availabilities) {
    const cityId = byStoreId.get(prefixStoreId(merchantUid, availability.storeId));
    if (cityId) cities.add(cityId);
  }
  if (cities.size === 0)
    throw new OfferWriteError(`cannot tell which cities offer ${offer.sku} is sold in; sync the store's points first`);
  return [...cities].sort();
}
