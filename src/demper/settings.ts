import type { Product } from '../db/entities/index.js';
import type { DemperSettings } from './strategy.js';

export const DEFAULT_RAISE_COOLDOWN_SECONDS = 30 * 60;

/** The strategy's settings for a product; undefined while the seller has not set a floor. */
export function demperSettingsOf(product: Product): DemperSettings | undefined {
  if (product.minPrice === null || product.minPrice === undefined) return undefined;
  const options = product.demperOptions ?? {};
  return {
    minPrice: product.minPrice,
    maxPrice: product.maxPrice ?? null,
    step: product.step,
    stepIsPercent: product.stepIsPercent,
    strategy: product.strategy,
    targetPlace: product.targetPlace,
    excludedMerchants: product.excludedMerchants,
    autoRaise: options.autoRaise ?? true,
    raiseCooldownMs: (options.raiseCooldownSeconds ?? DEFAULT_RAISE_COOLDOWN_SECONDS) * 1000,
    whenAlone: options.whenAlone ?? 'hold',
    maxDropPerChange: options.maxDropPerChange ?? null,
    priceWar: options.priceWar ?? 'jump',
    rivalFilter: {
      minRating: options.minRating ?? null,
      minReviews: options.minReviews ?? null,
      maxDeliveryRank: options.maxDeliveryRank ?? null,
    },
  };
}

/** The city whose storefront decides the price: the first point where the offer is on sale, else its first point. */
export function decisiveCityOf(product: Product, points: { storeId: string; cityId: string }[]): string | undefined {
  const cityOf = (storeId: string) => points.find((point) => point.storeId === storeId)?.cityId;
  const onSale = product.availabilities.find((availability) => availability.available === 'yes' && cityOf(availability.storeId));
  if (onSale) return cityOf(onSale.storeId);
  for (const availability of product.availabilities) {
    const city = cityOf(availability.storeId);
    if (city) return city;
  }
  return product.cityPrices[0]?.cityId;
}
