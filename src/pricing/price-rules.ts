import { floorIn } from '../catalog/city-prices.js';
import type { Product } from '../db/entities/index.js';
import { KASPI_MIN_PRICE } from '../kaspi/offer-writes.js';

/** Why a price is refused before anything is recorded (Kaspi's minimum, a city's floor), or undefined. */
export type PriceRefusal = 'below-kaspi-minimum' | 'below-floor';

/** A whole number of tenge Kaspi accepts (its minimum is 10 ₸). */
export function isKaspiPrice(price: number): boolean {
  return Number.isInteger(price) && price >= KASPI_MIN_PRICE;
}

/** The highest floor among `cities` that `price` is under (null: none); no cities means the product's own floor. */
export function highestFloorAbove(product: Product, cities: string[], price: number): number | null {
  let highest: number | null = null;
  for (const cityId of cities.length ? cities : [undefined]) {
    const floor = floorIn(product, cityId);
    if (floor !== null && price < floor && (highest === null || floor > highest)) highest = floor;
  }
  return highest;
}

/** The first refusal of a product's target prices by city (a batch import refuses the product as a whole). */
export function priceRefusal(product: Product, target: Map<string, number>): PriceRefusal | undefined {
  for (const [cityId, price] of target) {
    if (!isKaspiPrice(price)) return 'below-kaspi-minimum';
    const floor = floorIn(product, cityId);
    if (floor !== null && price < floor) return 'below-floor';
  }
  return undefined;
}
