import ExcelJS from 'exceljs';

import type { DemperStrategy, Product, StorePoint } from '../db/entities/index.js';
import { parsePriceText } from '../demper/price-text.js';
import { floorOf } from '../demper/settings-input.js';
import { formatTenge } from '../demper/reasons.js';
import { KASPI_MIN_PRICE, MAX_PREORDER_DAYS, prefixStoreId } from '../kaspi/offer-writes.js';
import { cityIdsOf, priceIn } from '../catalog/city-prices.js';
import { pointLabel } from '../catalog/point-label.js';
import {
  cityMinHeader,
  cityPriceHeader,
  headerKey,
  legacyPointHeader,
  pointHeader,
  storeCities,
  STRATEGY_WORDS,
  type ProductColumn,
} from './products-workbook.js';
import type { Translate } from './style.js';
import { inspectXlsxZip } from './zip-guard.js';

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5_000;
/** An honest export of MAX_IMPORT_ROWS products unpacks to a few MB; a zip bomb to gigabytes. */
const MAX_IMPORT_UNPACKED_BYTES = 40 * 1024 * 1024;

/** One product's changes from a row; only what differs from the database is present. */
export interface ImportChange {
  productId: number;
  sku: string;
  title: string;
  price?: { from: number; to: number };
  /** One city's own price («Цена, Астана»). */
  cityPrices?: { cityId: string; from: number; to: number }[];
  /** One city's own floor («Минимум, Астана»); null: back to the product's. */
  cityMins?: { cityId: string; minPrice: number | null }[];
  /** Floors typed under Kaspi's 10 ₸ (the product's, or a city's): set to 10 ₸, and the preview says so. */
  raisedFloors?: { cityId?: string; typed: number }[];
  onSale?: boolean;
  minPrice?: number | null;
  maxPrice?: number | null;
  step?: { value: number; percent: boolean };
  demperEnabled?: boolean;
  strategy?: { strategy: DemperStrategy; place: number };
  preorder?: { storeId: string; days: number }[];
}

interface RowError {
  row: number;
  key: string;
  variables: Record<string, string | number>;
}

export type ImportPlan =
  | { ok: true; changes: ImportChange[]; errors: RowError[]; rows: number }
  | { ok: false; key: string; variables?: Record<string, string | number> };

/** Header words by column, in every language the bot speaks, so a file exported in Kazakh imports in Russian. */
function headerIndex(translators: Translate[], points: StorePoint[]): Map<string, string> {
  const index = new Map<string, string>();
  const columns: ProductColumn[] = [
    'sku',
    'title',
    'price',
    'onSale',
    'min',
    'max',
    'step',
    'demper',
    'strategy',
    'place',
    'rival',
  ];
  for (const t of translators) {
    for (const column of columns) index.set(headerKey(t(`xlsx-col-${column}`)), column);
    for (const point of points) {
      // Files exported before points were shown by name still import: the old header names the same point.
      index.set(headerKey(legacyPointHeader(t, point)), `point:${point.storeId}`);
      index.set(headerKey(pointHeader(t, point, points)), `point:${point.storeId}`);
    }
    for (const city of storeCities(points)) {
      index.set(headerKey(cityPriceHeader(t, city)), `cityPrice:${city.cityId}`);
      index.set(headerKey(cityMinHeader(t, city)), `cityMin:${city.cityId}`);
    }
  }
  index.set('sku', 'sku');
  return index;
}

const normalize = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    // A formula is never evaluated into a price or a switch: its cached result is whatever the file's author
    // wrote (`=HYPERLINK(…)` showing one number, caching another). As text, `=1+1` is refused like any non-price.
    if ('formula' in value || 'sharedFormula' in value) {
      const formula = 'formula' in value ? value.formula : value.sharedFormula;
      return `=${String(formula ?? '')}`.trim();
    }
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if (value instanceof Date) return value.toISOString();
    return '';
  }
  return String(value).trim();
}

const YES = new Set(['да', 'yes', 'иә', 'вкл', 'on', '1', 'true', '+']);
const NO = new Set(['нет', 'no', 'жоқ', 'выкл', 'off', '0', 'false', '-']);

/** «место 2» as `/export` writes it, and «2 место», «2-е место», «2-орын», «place 2» as sellers type it. */
export function parseStrategy(text: string): { strategy: DemperStrategy; place: number } | undefined {
  const lower = normalize(text);
  const place =
    /^(?:place|место|орын)\s*(\d{1,2})$/.exec(lower) ??
    /^(\d{1,2})(?:\s*-?\s*(?:е|ое|ші|шы|th|nd|rd|st))?\s*-?\s*(?:place|место|орын)$/.exec(lower);
  if (place) {
    const value = Number(place[1]);
    return value >= 1 && value <= 10 ? { strategy: 'target_place', place: value } : undefined;
  }
  for (const [strategy, words] of Object.entries(STRATEGY_WORDS) as [DemperStrategy, string[]][]) {
    if (words.some((word) => normalize(word) === lower)) return { strategy, place: 1 };
  }
  return undefined;
}

/**
 * Reads a workbook the seller sent back and compares it with the database. Every row is validated on its own;
 * a row with any error changes nothing. A file that is not ours (no SKU column, too few known columns), too
 * big or broken is refused as a whole.
 *
 * `pricesAt(fileMadeAt)`: the price each product had when the file was made, for those whose price changed
 * since (by the demper, by hand, by an import). Such a row's price cell, left as exported, is not a change
 * (its other columns still apply); edited, it would silently undo the later change, so the row is refused.
 */
export async function planImport(
  data: Buffer,
  translators: Translate[],
  merchantUid: string,
  points: StorePoint[],
  products: Product[],
  pricesAt: (fileMadeAt: Date) => Promise<Map<number | string, number>> = async () => new Map(),
): Promise<ImportPlan> {
  if (data.length > MAX_IMPORT_BYTES)
    return { ok: false, key: 'import-too-big', variables: { mb: MAX_IMPORT_BYTES / 1024 / 1024 } };
  // Before ExcelJS inflates anything: a small file may unpack to gigabytes or millions of rows.
  const zip = await inspectXlsxZip(data, {
    maxUnpackedBytes: MAX_IMPORT_UNPACKED_BYTES,
    maxEntries: 500,
    maxRows: MAX_IMPORT_ROWS + 1,
    maxCells: (MAX_IMPORT_ROWS + 1) * 64,
  });
  if (!zip.ok) {
    if (zip.reason === 'broken') return { ok: false, key: 'import-broken' };
    if (zip.reason === 'too-many-rows')
      return { ok: false, key: 'import-too-many-rows', variables: { max: MAX_IMPORT_ROWS } };
    return { ok: false, key: 'import-unpacked-too-big', variables: { mb: MAX_IMPORT_UNPACKED_BYTES / 1024 / 1024 } };
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as never);
  } catch {
    return { ok: false, key: 'import-broken' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount < 1) return { ok: false, key: 'import-foreign' };
  if (sheet.rowCount > MAX_IMPORT_ROWS + 1)
    return { ok: false, key: 'import-too-many-rows', variables: { max: MAX_IMPORT_ROWS } };
  const known = headerIndex(translators, points);
  const columnOf = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => {
    const key = known.get(headerKey(cellText(cell.value)));
    if (key && !columnOf.has(key)) columnOf.set(key, column);
  });
  // Our own preorder list is for reading (its «Цена, ₸» is not a price to set): told as such. Otherwise SKU and at
  // least one column we can change (`SKU | Цена` is a fine file); anything less is someone else's.
  if (translators.some((t) => normalize(t('xlsx-preorders-sheet')) === normalize(sheet.name)))
    return { ok: false, key: 'import-preorders-file' };
  if (!columnOf.has('sku') || columnOf.size < 2) return { ok: false, key: 'import-foreign' };

  const bySku = new Map(products.map((product) => [product.sku, product]));
  // Excel and LibreOffice keep a file's creation time through edits; a file without one is taken as current.
  const fileMadeAt =
    workbook.created instanceof Date && !Number.isNaN(workbook.created.getTime()) ? workbook.created : undefined;
  const inFile = fileMadeAt ? await pricesAt(fileMadeAt) : new Map<number | string, number>();
  const changes: ImportChange[] = [];
  const errors: RowError[] = [];
  const skuOf = (rowNumber: number) => cellText(sheet.getRow(rowNumber).getCell(columnOf.get('sku')!).value);
  // A SKU on two rows is refused on both: which of them the seller meant cannot be known.
  const rowsBySku = new Map<string, number>();
  for (let rowNumber = 2; rowNumber <= sheet.rowCount; rowNumber++) {
    const sku = skuOf(rowNumber);
    if (sku) rowsBySku.set(sku, (rowsBySku.get(sku) ?? 0) + 1);
  }
  let rows = 0;
  for (let rowNumber = 2; rowNumber <= sheet.rowCount; rowNumber++) {
    const row = sheet.getRow(rowNumber);
    const read = (key: string) => (columnOf.has(key) ? cellText(row.getCell(columnOf.get(key)!).value) : undefined);
    const sku = read('sku') ?? '';
    if (!sku && !row.hasValues) continue;
    rows++;
    const fail = (key: string, variables: Record<string, string | number> = {}) =>
      errors.push({ row: rowNumber, key, variables: { sku, ...variables } });
    const product = bySku.get(sku);
    if (!sku) {
      fail('import-row-no-sku');
      continue;
    }
    if (!product) {
      fail('import-row-unknown-sku');
      continue;
    }
    if ((rowsBySku.get(sku) ?? 0) > 1) {
      fail('import-row-duplicate');
      continue;
    }
    const change: ImportChange = { productId: product.id, sku, title: product.title };
    const before = errors.length;

    const price = read('price');
    if (price !== undefined && price !== '') {
      const value = parsePriceText(price);
      const exported = inFile.get(product.id);
      if (value === undefined || value < KASPI_MIN_PRICE) fail('import-row-bad-price', { value: price.slice(0, 20) });
      else if (value === product.price || value === exported) {
        // Today's price, or the cell as exported before a later change: nothing to change here.
      } else if (exported !== undefined) fail('import-row-price-changed-since', { price: formatTenge(product.price) });
      else change.price = { from: product.price, to: value };
    }
    const yesNo = (key: string, column: string): boolean | undefined => {
      const text = read(column);
      if (text === undefined || text === '') return undefined;
      if (YES.has(normalize(text))) return true;
      if (NO.has(normalize(text))) return false;
      fail(key, { value: text.slice(0, 20) });
      return undefined;
    };
    const onSale = yesNo('import-row-bad-yes-no', 'onSale');
    if (onSale !== undefined && onSale !== product.onSale) change.onSale = onSale;
    const demper = yesNo('import-row-bad-yes-no', 'demper');
    if (demper !== undefined && demper !== product.demperEnabled) change.demperEnabled = demper;

    let minTypedUnderKaspi: number | undefined;
    const bound = (column: 'min' | 'max'): number | null | undefined => {
      const text = read(column);
      if (text === undefined) return undefined;
      if (text === '') return null;
      // A floor under Kaspi's 10 ₸ becomes 10 ₸ (no price can be lower); a ceiling there is refused.
      const floor = column === 'min' ? floorOf(text) : undefined;
      const value = floor?.price ?? parsePriceText(text);
      if (value === undefined || value < KASPI_MIN_PRICE) {
        fail('import-row-bad-bound', { column, value: text.slice(0, 20) });
        return undefined;
      }
      if (column === 'min') minTypedUnderKaspi = floor?.raisedFrom;
      return value;
    };
    const min = bound('min');
    const max = bound('max');
    if (min !== undefined && min !== (product.minPrice ?? null)) {
      change.minPrice = min;
      if (minTypedUnderKaspi !== undefined) (change.raisedFloors ??= []).push({ typed: minTypedUnderKaspi });
    }
    if (max !== undefined && max !== (product.maxPrice ?? null)) change.maxPrice = max;

    const stepText = read('step');
    if (stepText !== undefined && stepText !== '') {
      const percent = stepText.endsWith('%');
      const value = Number(percent ? stepText.slice(0, -1).trim() : stepText.replace(/\s/g, ''));
      if (!Number.isInteger(value) || value < 1 || (percent && value > 20) || value > 1_000_000)
        fail('import-row-bad-step', { value: stepText.slice(0, 20) });
      else if (value !== product.step || percent !== product.stepIsPercent) change.step = { value, percent };
    }
    const strategyText = read('strategy');
    if (strategyText !== undefined && strategyText !== '') {
      const strategy = parseStrategy(strategyText);
      if (!strategy) fail('import-row-bad-strategy', { value: strategyText.slice(0, 20) });
      else if (
        strategy.strategy !== product.strategy ||
        (strategy.strategy === 'target_place' && strategy.place !== product.targetPlace)
      )
        change.strategy = strategy;
    }

    // Each city's own price and floor. A city cell left as exported over a later change of that city is no change;
    // edited, it would silently undo that change, so the row is refused (as for «Цена»).
    const sold = new Set(cityIdsOf(product, points));
    for (const city of storeCities(points)) {
      const priceText = read(`cityPrice:${city.cityId}`);
      if (priceText !== undefined && priceText !== '') {
        const value = parsePriceText(priceText);
        const current = priceIn(product, city.cityId);
        const exportedThere = inFile.get(`${product.id}:${city.cityId}`);
        if (value === undefined || value < KASPI_MIN_PRICE)
          fail('import-row-bad-price', { value: priceText.slice(0, 20) });
        else if (value === current || value === exportedThere) {
          // Today's price in that city, or the cell as exported before a later change there.
        } else if (!sold.has(city.cityId)) fail('import-row-city-not-sold', { city: city.cityName });
        else if (exportedThere !== undefined) fail('import-row-price-changed-since', { price: formatTenge(current) });
        else if (change.price) fail('import-row-price-and-city-price', { city: city.cityName });
        else (change.cityPrices ??= []).push({ cityId: city.cityId, from: current, to: value });
      }
      const minText = read(`cityMin:${city.cityId}`);
      if (minText !== undefined) {
        const floor = minText === '' ? undefined : floorOf(minText);
        const value = minText === '' ? null : floor?.price;
        const own = product.cityOverrides?.[city.cityId]?.minPrice ?? null;
        if (value === undefined) fail('import-row-bad-bound', { column: 'min', value: minText.slice(0, 20) });
        else if (value !== own) {
          (change.cityMins ??= []).push({ cityId: city.cityId, minPrice: value });
          if (floor?.raisedFrom !== undefined)
            (change.raisedFloors ??= []).push({ cityId: city.cityId, typed: floor.raisedFrom });
        }
      }
    }

    const preorder: { storeId: string; days: number }[] = [];
    let preorderChanged = false;
    for (const point of points) {
      const text = read(`point:${point.storeId}`);
      if (text === undefined || text === '') continue;
      const days = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(days) || days < 0 || days > MAX_PREORDER_DAYS) {
        fail('import-row-bad-days', { value: text.slice(0, 20), point: pointLabel(point, points) });
        continue;
      }
      const availability = product.availabilities.find(
        (candidate) => prefixStoreId(merchantUid, candidate.storeId) === point.storeId,
      );
      if (!availability) {
        if (days > 0) fail('import-row-no-point', { point: pointLabel(point, points) });
        continue;
      }
      preorder.push({ storeId: point.storeId, days });
      if ((availability.preOrder ?? 0) !== days) preorderChanged = true;
    }
    if (preorderChanged) change.preorder = preorder;

    // The row as a whole: the floor never above the ceiling, the price never below the floor, a demper needs a floor.
    const finalMin = change.minPrice !== undefined ? change.minPrice : (product.minPrice ?? null);
    const finalMax = change.maxPrice !== undefined ? change.maxPrice : (product.maxPrice ?? null);
    const finalPrice = change.price?.to ?? product.price;
    if (finalMin !== null && finalMax !== null && finalMin > finalMax)
      fail('import-row-min-above-max', { min: formatTenge(finalMin), max: formatTenge(finalMax) });
    if (change.price && finalMin !== null && finalPrice < finalMin)
      fail('import-row-below-floor', { price: formatTenge(finalPrice), min: formatTenge(finalMin) });
    if ((change.demperEnabled ?? product.demperEnabled) && finalMin === null) fail('import-row-demper-needs-floor');
    for (const city of storeCities(points)) {
      const cityMin = change.cityMins?.find((entry) => entry.cityId === city.cityId);
      const floor = cityMin
        ? (cityMin.minPrice ?? finalMin)
        : (product.cityOverrides?.[city.cityId]?.minPrice ?? finalMin);
      const cityPrice = change.cityPrices?.find((entry) => entry.cityId === city.cityId)?.to;
      const moved = change.price ? change.price.to : cityPrice;
      if (moved !== undefined && floor !== null && moved < floor)
        fail('import-row-below-floor', { price: formatTenge(moved), min: formatTenge(floor) });
    }

    if (errors.length > before) continue;
    if (Object.keys(change).length > 3) changes.push(change);
  }
  return { ok: true, changes, errors, rows };
}
