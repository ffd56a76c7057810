import type { DemperFilters, Product } from '../db/entities/index.js';
import { mainCityOf } from '../catalog/city-prices.js';
import type { DemperSettings } from './strategy.js';

const DEFAULT_RAISE_COOLDOWN_SECONDS = 30 * 60;

/** The store's side of the rival filters: what `/demper` toggles. */
export interface StoreFilterSource {
  demperFilters?: DemperFilters | null;
}

/**
 * The rival filters that apply to a product: its own `demperOptions` value, else the store's switch, else on.
 * Without `store`, a loaded `product.store` is read (an unloaded reference has no filters: both on).
 */
export function rivalFiltersOf(product: Product, store?: StoreFilterSource): Required<DemperFilters> {
  const options = product.demperOptions ?? {};
  const filters = (store ?? (product.store as StoreFilterSource | undefined))?.demperFilters ?? {};
  return {
    ignoreIntercity: options.ignoreIntercity ?? filters.ignoreIntercity ?? true,
    ignoreUnproven: options.ignoreUnproven ?? filters.ignoreUnproven ?? true,
  };
}

/**
 * The strategy's settings for a product in one city: the product's own, with the seller's override for that city
 * (floor, ceiling, step) where one is set; undefined while no floor applies there. `store`: whose rival filters
 * apply where the product has none of its own (default: the loaded `product.store`, else both on).
 */
export function demperSettingsOf(
  product: Product,
  cityId?: string,
  store?: StoreFilterSource,
): DemperSettings | undefined {
  const override = cityId === undefined ? undefined : product.cityOverrides?.[cityId];
  const minPrice = override?.minPrice ?? product.minPrice;
  if (minPrice === null || minPrice === undefined) return undefined;
  const options = product.demperOptions ?? {};
  const filters = rivalFiltersOf(product, store);
  return {
    minPrice,
    maxPrice: override?.maxPrice !== undefined ? override.maxPrice : (product.maxPrice ?? null),
    step: override?.step ?? product.step,
    // A city's own step is in tenge.
    stepIsPercent: override?.step !== undefined ? false : product.stepIsPercent,
    strategy: product.strategy,
    targetPlace: product.targetPlace,
    excludedMerchants: product.excludedMerchants,
    autoRaise: options.autoRaise ?? true,
    raiseCooldownMs: (options.raiseCooldownSeconds ?? DEFAULT_RAISE_COOLDOWN_SECONDS) * 1000,
    whenAlone: options.whenAlone ?? 'ceiling',
    maxDropPerChange: options.maxDropPerChange ?? null,
    priceWar: options.priceWar ?? 'jump',
    rivalFilter: {
      minRating: options.minRating ?? null,
      minReviews: options.minReviews ?? null,
      maxDeliveryRank: options.maxDeliveryRank ?? null,
      ignoreIntercity: filters.ignoreIntercity,
      ignoreUnproven: filters.ignoreUnproven,
    },
  };
}

/**
 * The cities whose markets the demper decides for a product, each on its own: every city where the offer is on
 * sale at one of the store's points (an off-sale offer: its main city only, so the card still shows its place).
 */
export function demperCitiesOf(product: Product, points: { storeId: string; cityId: string }[]): string[] {
  const onSale: string[] = [];
  for (const point of points) {
    const selling = product.availabilities.some(
      (availability) => availability.storeId === point.storeId && availability.available === 'yes',
    );
    if (selling && !onSale.includes(point.cityId)) onSale.push(point.cityId);
  }
  if (onSale.length) return onSale;
  const main = mainCityOf(product, points);
  return main ? [main] : [];
}
