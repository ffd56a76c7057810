import type { CityPrice, PriceChange, Product } from '../db/entities/index.js';
import type { StorePoint } from '../db/entities/store.js';

/**
 * An offer's prices per city as we hold them. Kaspi prices an offer per city (delivery costs differ), so every
 * price a seller or the demper sets names its city, and one city's price never moves another's.
 */

type PricedProduct = Pick<Product, 'price' | 'cityPrices' | 'availabilities'>;

/** The cities of the offer's points, in the store's point order (the store's main city first). */
export function cityIdsOf(
  product: Pick<Product, 'availabilities' | 'cityPrices'>,
  points: Pick<StorePoint, 'storeId' | 'cityId'>[],
): string[] {
  const pointIds = new Set(product.availabilities.map((availability) => availability.storeId));
  const cities: string[] = [];
  for (const point of points)
    if (pointIds.has(point.storeId) && !cities.includes(point.cityId)) cities.push(point.cityId);
  if (cities.length === 0)
    for (const entry of product.cityPrices ?? []) if (!cities.includes(entry.cityId)) cities.push(entry.cityId);
  return cities;
}

/** The city a product's single-price views and default actions use: its first on-sale point's city, else its first. */
export function mainCityOf(
  product: Pick<Product, 'availabilities' | 'cityPrices'>,
  points: Pick<StorePoint, 'storeId' | 'cityId'>[],
): string | undefined {
  const cityOf = (storeId: string) => points.find((point) => point.storeId === storeId)?.cityId;
  for (const point of points) {
    if (
      product.availabilities.some(
        (availability) => availability.storeId === point.storeId && availability.available === 'yes',
      )
    )
      return point.cityId;
  }
  for (const availability of product.availabilities) {
    const city = cityOf(availability.storeId);
    if (city) return city;
  }
  return product.cityPrices?.[0]?.cityId;
}

/** The product's price in one city (its one price where Kaspi reported no city prices). */
export function priceIn(product: Pick<Product, 'price' | 'cityPrices'>, cityId: string | undefined): number {
  return product.cityPrices?.find((entry) => entry.cityId === cityId)?.price ?? product.price;
}

/** Each of the offer's cities with its own price. */
export function pricesByCity(product: PricedProduct, points: Pick<StorePoint, 'storeId' | 'cityId'>[]): CityPrice[] {
  return cityIdsOf(product, points).map((cityId) => ({ cityId, price: priceIn(product, cityId) }));
}

/** True when the offer is priced differently in its cities. */
export function pricesDiffer(product: PricedProduct, points: Pick<StorePoint, 'storeId' | 'cityId'>[]): boolean {
  return new Set(pricesByCity(product, points).map((entry) => entry.price)).size > 1;
}

/** Records that Kaspi shows `price` in `cityId`; the product's one price follows its main city. */
export function setCityPrice(
  product: PricedProduct,
  points: Pick<StorePoint, 'storeId' | 'cityId'>[],
  cityId: string,
  price: number,
): void {
  const others = (product.cityPrices ?? []).filter((entry) => entry.cityId !== cityId);
  product.cityPrices = [...others, { cityId, price }].sort((a, b) => a.cityId.localeCompare(b.cityId));
  const main = mainCityOf(product, points);
  if (main === undefined || main === cityId) product.price = price;
}

/**
 * A change Kaspi now shows: the city's price moves, and a cut is remembered as the city's last cut (whichever
 * read-back settled it, the demper's own or a follow-up's, the product ends up the same).
 */
export function applySettledPrice(
  product: Product,
  points: Pick<StorePoint, 'storeId' | 'cityId'>[],
  cityId: string,
  change: Pick<PriceChange, 'oldPrice' | 'newPrice' | 'sentAt'>,
): void {
  setCityPrice(product, points, cityId, change.newPrice);
  if (change.newPrice >= change.oldPrice) return;
  const cutAt = change.sentAt ?? new Date();
  product.lastCutAt = cutAt;
  product.cityStates = {
    ...product.cityStates,
    [cityId]: { ...product.cityStates?.[cityId], lastCutAt: cutAt.toISOString() },
  };
}

/** The floor in one city: the seller's city override, else the product's own. */
export function floorIn(
  product: Pick<Product, 'minPrice' | 'cityOverrides'>,
  cityId: string | undefined,
): number | null {
  const override = cityId === undefined ? undefined : product.cityOverrides?.[cityId]?.minPrice;
  return override ?? product.minPrice ?? null;
}

/** A city's name where it tells something: the store sells in several cities (undefined in a one-city store). */
export function cityLabel(points: Pick<StorePoint, 'cityId' | 'cityName'>[], cityId: string): string | undefined {
  return new Set(points.map((point) => point.cityId)).size > 1 ? cityNameOf(points, cityId) : undefined;
}

/** A city's name from the store's points (its id where no point names it). */
export function cityNameOf(points: Pick<StorePoint, 'cityId' | 'cityName'>[], cityId: string): string {
  return points.find((point) => point.cityId === cityId)?.cityName ?? cityId;
}

/** Other names sellers type for the largest cities (Latin, Kazakh, former names), by KATO code. */
const CITY_ALIASES: Record<string, string[]> = {
  '750000000': ['almaty', 'алма-ата'],
  '710000000': ['astana', 'нур-султан', 'нурсултан', 'nur-sultan'],
  '511010000': ['shymkent', 'чимкент'],
  '151010000': ['aktobe', 'актюбинск', 'ақтөбе'],
  '351010000': ['karaganda', 'qaraghandy', 'қарағанды'],
  '231010000': ['atyrau'],
  '311010000': ['taraz'],
  '551010000': ['pavlodar'],
  '631010000': ['oskemen', 'ust-kamenogorsk', 'өскемен'],
  '391010000': ['kostanay', 'қостанай'],
  '431010000': ['kyzylorda', 'қызылорда'],
  '271010000': ['uralsk', 'oral', 'орал'],
  '591010000': ['petropavl', 'petropavlovsk'],
  '471010000': ['aktau', 'ақтау'],
};

const normalized = (text: string) => text.trim().toLowerCase().replace(/ё/g, 'е');

/** The store's city whose name matches what the seller typed («астана», «Astana», «аст»), if exactly one does. */
export function findCity(points: Pick<StorePoint, 'cityId' | 'cityName'>[], typed: string): string | undefined {
  const wanted = normalized(typed);
  if (!wanted) return undefined;
  const cities = [...new Map(points.map((point) => [point.cityId, point.cityName])).entries()];
  const namesOf = (id: string, name: string) => [normalized(name), ...(CITY_ALIASES[id] ?? [])];
  const exact = cities.filter(([id, name]) => id === wanted || namesOf(id, name).includes(wanted));
  if (exact.length === 1) return exact[0]![0];
  const partial = cities.filter(
    ([id, name]) => wanted.length >= 3 && namesOf(id, name).some((candidate) => candidate.startsWith(wanted)),
  );
  return partial.length === 1 ? partial[0]![0] : undefined;
}
