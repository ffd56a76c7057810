import ExcelJS from 'exceljs';

import type { StorePoint } from '../db/entities/index.js';
import { offerCityPrices, OfferWriteError, prefixStoreId, trackedStock } from '../kaspi/offer-writes.js';
import type { CabinetOffer } from '../kaspi/schemas.js';

/** Kaspi's price-list columns (REFERENCE §5.3): names fixed, all five PP columns present even when empty. */
export const PRICE_LIST_COLUMNS = [
  'SKU',
  'model',
  'brand',
  'price',
  'PP1',
  'PP2',
  'PP3',
  'PP4',
  'PP5',
  'preorder',
] as const;

export interface PriceListRow {
  offer: CabinetOffer;
  /** Days, 0–30 — never a quantity (the seed's file summed stock into this column). */
  preorderDays: number;
}

/**
 * The xlsx Kaspi's cabinet accepts as a price list. Price and each point's state are echoed from the offer as
 * Kaspi shows it now, so the file changes nothing but `preorder`: an off-sale point says `no`, a point that tracks
 * its stock carries its count (a `yes` there would turn tracked stock into untracked), any other point `yes`.
 */
export async function buildPriceListFile(
  merchantUid: string,
  rows: PriceListRow[],
  points: StorePoint[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Price list');
  sheet.addRow([...PRICE_LIST_COLUMNS]);
  for (const { offer, preorderDays } of rows) {
    const pointCell = (index: number) => {
      const availability = offer.availabilities.find(
        (point) => prefixStoreId(merchantUid, point.storeId) === `${merchantUid}_PP${index}`,
      );
      if (!availability) return '';
      if (availability.available === 'no') return 'no';
      const stock = trackedStock(merchantUid, offer, availability);
      if (stock === null)
        throw new OfferWriteError(`offer ${offer.sku} tracks stock at PP${index} but its count was not read`);
      return stock ?? 'yes';
    };
    sheet.addRow([
      offer.sku,
      offer.model ?? offer.title ?? offer.sku,
      offer.brand ?? '',
      onePrice(merchantUid, offer, points),
      pointCell(1),
      pointCell(2),
      pointCell(3),
      pointCell(4),
      pointCell(5),
      preorderDays,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The offer's one price in every city (a file with differing city prices is never built: `priceListFileMisfit`). */
function onePrice(merchantUid: string, offer: CabinetOffer, points: StorePoint[]): number {
  const prices = new Set(offerCityPrices(merchantUid, offer, points).values());
  if (prices.size !== 1) throw new OfferWriteError(`offer ${offer.sku} has no one price for a price-list file`);
  return [...prices][0]!;
}

/**
 * The file path can only say one number of days for all points of an offer, and one price for all its cities;
 * and every tracked stock count as read; other plans go by the price feed (`mixed-days`, `city-prices`, `stock-unknown`).
 */
export function priceListFileMisfit(
  merchantUid: string,
  offer: CabinetOffer,
  planned: { storeId: string; days: number }[],
  points: StorePoint[],
): 'mixed-days' | 'city-prices' | 'stock-unknown' | undefined {
  if (!fitsDays(merchantUid, offer, planned)) return 'mixed-days';
  // A tracked count the answer did not carry cannot be written back; `yes` there would untrack the stock.
  if (
    offer.availabilities.some(
      (availability) => availability.available === 'yes' && trackedStock(merchantUid, offer, availability) === null,
    )
  )
    return 'stock-unknown';
  try {
    if (new Set(offerCityPrices(merchantUid, offer, points).values()).size > 1) return 'city-prices';
  } catch (error) {
    if (error instanceof OfferWriteError) return 'city-prices';
    throw error;
  }
  return undefined;
}

function fitsDays(merchantUid: string, offer: CabinetOffer, planned: { storeId: string; days: number }[]): boolean {
  const days = new Set(planned.map((point) => point.days));
  if (days.size !== 1) return false;
  const plannedIds = new Set(planned.map((point) => point.storeId));
  const offerIds = offer.availabilities.map((point) => prefixStoreId(merchantUid, point.storeId));
  return offerIds.length <= 5 && offerIds.every((id) => plannedIds.has(id) && /_PP[1-5]$/.test(id));
}
