import ExcelJS from 'exceljs';

import type { StorePoint } from '../db/entities/index.js';
import { currentPrice, prefixStoreId } from '../kaspi/offer-writes.js';
import type { CabinetOffer } from '../kaspi/schemas.js';

/** Kaspi's price-list columns (REFERENCE §5.3): names fixed, all five PP columns present even when empty. */
export const PRICE_LIST_COLUMNS = ['SKU', 'model', 'brand', 'price', 'PP1', 'PP2', 'PP3', 'PP4', 'PP5', 'preorder'] as const;

export interface PriceListRow {
  offer: CabinetOffer;
  /** Days, 0–30 — never a quantity (the seed's file summed stock into this column). */
  preorderDays: number;
}

/**
 * The xlsx Kaspi's cabinet accepts as a price list. Price and each point's yes/no are echoed from the offer as
 * Kaspi shows it now, so the file changes nothing but `preorder`.
 */
export async function buildPriceListFile(merchantUid: string, rows: PriceListRow[], _points: StorePoint[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Price list');
  sheet.addRow([...PRICE_LIST_COLUMNS]);
  for (const { offer, preorderDays } of rows) {
    const pointCell = (index: number) => {
      const availability = offer.availabilities.find((point) => prefixStoreId(merchantUid, point.storeId) === `${merchantUid}_PP${index}`);
      return availability ? availability.available : '';
    };
    sheet.addRow([offer.sku, offer.model ?? offer.title ?? offer.sku, offer.brand ?? '', currentPrice(offer), pointCell(1), pointCell(2), pointCell(3), pointCell(4), pointCell(5), preorderDays]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The file path can only say one number of days for all points of an offer; other plans go by the price feed. */
export function fitsPriceListFile(merchantUid: string, offer: CabinetOffer, planned: { storeId: string; days: number }[]): boolean {
  const days = new Set(planned.map((point) => point.days));
  if (days.size !== 1) return false;
  const plannedIds = new Set(planned.map((point) => point.storeId));
  const offerIds = offer.availabilities.map((point) => prefixStoreId(merchantUid, point.storeId));
  return offerIds.length <= 5 && offerIds.every((id) => plannedIds.has(id) && /_PP[1-5]$/.test(id));
}
