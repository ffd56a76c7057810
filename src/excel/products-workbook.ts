import ExcelJS from 'exceljs';

import { type DemperStrategy, type Product, type StorePoint } from '../db/entities/index.js';
import { cityIdsOf, priceIn, pricesDiffer } from '../catalog/city-prices.js';
import { pointLabel } from '../catalog/point-label.js';
import { prefixStoreId } from '../kaspi/offer-writes.js';
import { styleSheet, type Translate } from './style.js';

/** Columns of `/export`, in order; `/import` finds them by header in any of the three languages. */
export type ProductColumn =
  'sku' | 'title' | 'price' | 'onSale' | 'min' | 'max' | 'step' | 'demper' | 'strategy' | 'place' | 'rival';

/** Words the strategy column accepts on import (`/export` writes the seller's language: `xlsx-strategy-*`). */
export const STRATEGY_WORDS: Record<DemperStrategy, string[]> = {
  first_place: ['first', 'первое место', 'бірінші орын', 'first place'],
  match_leader: ['match', 'как у лидера', 'цена лидера', 'көшбасшы бағасы', "leader's price"],
  target_place: ['place', 'место', 'орын'],
  hold: ['hold', 'держать', 'ұстау', 'hold the price'],
};

/** A point's preorder column: «Предзаказ, Алматы, ТЦ Mega, дней» (the point as the seller knows it). */
export function pointHeader(t: Translate, point: StorePoint, points: StorePoint[]): string {
  return t('xlsx-col-preorder', { point: pointLabel(point, points) });
}

/** The same column as files exported before points had names carry it: «Предзаказ PP1 Алматы, дн.». */
export function legacyPointHeader(t: Translate, point: StorePoint): string {
  return t('xlsx-col-preorder', { point: `${point.code} ${point.cityName}`.trim() });
}

const UNIT_WORDS = new Set(['₸', 'тг', 'тенге', 'tenge', 'kzt', '%', 'дн', 'дней', 'дня', 'күн', 'days', 'day']);
const JOINING_WORDS = new Set(['или', 'немесе', 'or']);

/**
 * A header as an import compares it: case, punctuation and units aside, so «Цена, ₸» of this export and «Цена» of
 * an older one are the same column, and «Предзаказ PP1 Алматы, дн.» is «Предзаказ, PP1 Алматы, дней».
 */
export function headerKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[,.;:()]/g, ' ')
    .split(/\s+/)
    .filter((word) => word && !UNIT_WORDS.has(word) && !JOINING_WORDS.has(word))
    .join(' ');
}

/** The store's cities, once each, in point order; a store in one city has no per-city columns. */
export function storeCities(points: StorePoint[]): { cityId: string; cityName: string }[] {
  const cities = [...new Map(points.map((point) => [point.cityId, point.cityName])).entries()].map(
    ([cityId, cityName]) => ({ cityId, cityName }),
  );
  return cities.length > 1 ? cities : [];
}

export const cityPriceHeader = (t: Translate, city: { cityName: string }) =>
  t('xlsx-col-city-price', { city: city.cityName });
export const cityMinHeader = (t: Translate, city: { cityName: string }) =>
  t('xlsx-col-city-min', { city: city.cityName });

/**
 * All products of a store as a workbook the seller edits and sends back: price, on/off, demper settings and
 * preorder days per point are editable; title, place and rival are for reading.
 */
export async function buildProductsWorkbook(
  t: Translate,
  merchantUid: string,
  points: StorePoint[],
  products: Product[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kaspi seller bot';
  // When the file was made: an import compares it with later price changes (a stale file must not undo them).
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(t('xlsx-products-sheet'));
  const cities = storeCities(points);
  sheet.columns = [
    { header: t('xlsx-col-sku'), key: 'sku', width: 16 },
    { header: t('xlsx-col-title'), key: 'title', width: 42 },
    { header: t('xlsx-col-price'), key: 'price', width: 12, style: { numFmt: '#,##0' } },
    { header: t('xlsx-col-onSale'), key: 'onSale', width: 11 },
    { header: t('xlsx-col-min'), key: 'min', width: 12, style: { numFmt: '#,##0' } },
    { header: t('xlsx-col-max'), key: 'max', width: 12, style: { numFmt: '#,##0' } },
    { header: t('xlsx-col-step'), key: 'step', width: 9 },
    { header: t('xlsx-col-demper'), key: 'demper', width: 10 },
    { header: t('xlsx-col-strategy'), key: 'strategy', width: 12 },
    ...points.map((point) => ({
      header: pointHeader(t, point, points),
      key: point.storeId,
      width: 14,
      style: { numFmt: '0' },
    })),
    { header: t('xlsx-col-place'), key: 'place', width: 9 },
    { header: t('xlsx-col-rival'), key: 'rival', width: 14, style: { numFmt: '#,##0' } },
    // Each city's own price, and its own floor where the seller set one (empty: the product's «Минимум»).
    ...cities.map((city) => ({
      header: cityPriceHeader(t, city),
      key: `cityPrice:${city.cityId}`,
      width: 14,
      style: { numFmt: '#,##0' },
    })),
    ...cities.map((city) => ({
      header: cityMinHeader(t, city),
      key: `cityMin:${city.cityId}`,
      width: 14,
      style: { numFmt: '#,##0' },
    })),
  ];
  const yes = t('xlsx-yes');
  const no = t('xlsx-no');
  for (const product of products) {
    sheet.addRow({
      sku: product.sku,
      title: product.title,
      // «Цена» is the price in every city: left empty where the cities differ (their own columns say each).
      price: pricesDiffer(product, points) ? null : product.price,
      // A city the offer is not sold in has no price to edit.
      ...Object.fromEntries(
        cities.map((city) => [
          `cityPrice:${city.cityId}`,
          cityIdsOf(product, points).includes(city.cityId) ? priceIn(product, city.cityId) : null,
        ]),
      ),
      ...Object.fromEntries(
        cities.map((city) => [`cityMin:${city.cityId}`, product.cityOverrides?.[city.cityId]?.minPrice ?? null]),
      ),
      onSale: product.onSale ? yes : no,
      min: product.minPrice ?? null,
      max: product.maxPrice ?? null,
      step: product.stepIsPercent ? `${product.step}%` : product.step,
      demper: product.demperEnabled ? yes : no,
      strategy:
        product.strategy === 'target_place'
          ? t('xlsx-strategy-place', { place: product.targetPlace })
          : t(`xlsx-strategy-${product.strategy}`),
      ...Object.fromEntries(
        points.map((point) => [
          point.storeId,
          product.availabilities.find(
            (availability) => prefixStoreId(merchantUid, availability.storeId) === point.storeId,
          )?.preOrder ?? 0,
        ]),
      ),
      place: product.lastPlace ?? null,
      rival: product.lastCheapestRivalPrice ?? null,
    });
  }
  // Read-only columns in grey so the seller sees what the import ignores.
  for (const key of ['title', 'place', 'rival']) sheet.getColumn(key).font = { color: { argb: 'FF6E7781' } };
  styleSheet(sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
