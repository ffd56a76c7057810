import { cityLabel, cityNameOf, pricesByCity, pricesDiffer } from '../../catalog/city-prices.js';
import type { Product } from '../../db/entities/index.js';
import type { StorePoint } from '../../db/entities/store.js';
import { formatPrice, html } from './format.js';

type Priced = Pick<Product, 'price' | 'cityPrices' | 'availabilities'>;

/** The price as a card says it: one price, or each city's own («Алматы 15 000 ₸ · Астана 15 500 ₸») where they differ. */
export function cityPricesLabel(product: Priced, points: StorePoint[]): string {
  if (!pricesDiffer(product, points)) return formatPrice(product.price);
  return pricesByCity(product, points)
    .map((entry) => `${html(cityNameOf(points, entry.cityId))} ${formatPrice(entry.price)}`)
    .join(' · ');
}

/**
 * The price as a list button says it, short enough to leave room for the name: one price, or «15 000+ ₸» (the
 * lowest city's, and more elsewhere) where the cities' prices differ; the card shows each.
 */
export function shortPriceLabel(product: Priced, points: StorePoint[]): string {
  if (!pricesDiffer(product, points)) return formatPrice(product.price);
  const prices = pricesByCity(product, points).map((entry) => entry.price);
  return formatPrice(Math.min(...prices)).replace(/\u00a0₸$/, '+\u00a0₸');
}

/** A product's title for a message (HTML-escaped), with the city where the store sells in several: «Чайник · Астана». */
export function titleInCity(title: string, points: StorePoint[], cityId: string | undefined): string {
  const city = cityId ? cityLabel(points, cityId) : undefined;
  return html(title) + (city ? ` · ${html(city)}` : '');
}

/** «Города «Караганда» нет…»: the answer to a city the store does not sell in, naming the cities it does. */
export function unknownCityText(
  ctx: { t: (key: string, variables?: Record<string, string | number>) => string },
  points: StorePoint[],
  typed: string,
): string {
  const cities = [...new Set(points.map((point) => point.cityName))].join(', ');
  return ctx.t('city-unknown', { city: html(typed.slice(0, 40)), cities: html(cities) });
}
