import ExcelJS from 'exceljs';

import type { Preorder, Product, StorePoint } from '../db/entities/index.js';
import { pointLabel } from '../catalog/point-label.js';
import { prefixStoreId } from '../kaspi/offer-writes.js';
import type { PreorderOnKaspi } from '../preorders/service.js';
import { styleSheet, type Translate } from './style.js';

/**
 * «Скачать Excel» of /preorders: one row per product — what Kaspi shows and what is planned — with the days per
 * pickup point in its own column (days, never quantities), a frozen header and widths a phone can read.
 */
export async function buildPreorderWorkbook(
  t: Translate,
  points: StorePoint[],
  onKaspi: PreorderOnKaspi[],
  planned: (Preorder & { product: Product })[],
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kaspi seller bot';
  const sheet = workbook.addWorksheet(t('xlsx-preorders-sheet'));
  const pointColumns = points.map((point) => ({
    header: t('xlsx-preorder-days', { point: pointLabel(point, points) }),
    key: point.storeId,
    width: 14,
    style: { numFmt: '0' },
  }));
  sheet.columns = [
    { header: 'SKU', key: 'sku', width: 16 },
    { header: t('xlsx-title'), key: 'title', width: 42 },
    { header: t('xlsx-brand'), key: 'brand', width: 14 },
    { header: t('xlsx-price'), key: 'price', width: 12, style: { numFmt: '#,##0' } },
    ...pointColumns,
    { header: t('xlsx-status'), key: 'status', width: 28 },
  ];
  const plannedByProduct = new Map(planned.map((preorder) => [preorder.product.id, preorder]));
  // Points are merchant-prefixed (`30067228_PP1`); availabilities as Kaspi lists them may not be.
  const daysAt = (product: Product, storeId: string) =>
    product.availabilities.find(
      (availability) => prefixStoreId(storeId.split('_')[0]!, availability.storeId) === storeId,
    )?.preOrder ?? 0;
  for (const entry of onKaspi) {
    const plan = plannedByProduct.get(entry.product.id);
    sheet.addRow({
      sku: entry.product.sku,
      title: entry.product.title,
      brand: entry.product.brand ?? '',
      price: entry.product.price,
      ...Object.fromEntries(points.map((point) => [point.storeId, daysAt(entry.product, point.storeId)])),
      status: plan ? t(`preorder-status-${plan.status}`) : t('preorder-status-on-kaspi'),
    });
  }
  for (const plan of planned) {
    if (onKaspi.some((entry) => entry.product.id === plan.product.id)) continue;
    sheet.addRow({
      sku: plan.product.sku,
      title: plan.product.title,
      brand: plan.product.brand ?? '',
      price: plan.product.price,
      ...Object.fromEntries(
        points.map((point) => [
          point.storeId,
          plan.points.find((planned) => planned.storeId === point.storeId)?.days ?? null,
        ]),
      ),
      status: t(`preorder-status-${plan.status}`),
    });
  }
  styleSheet(sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
