import type { StorePoint } from '../db/entities/index.js';

/** Kaspi's own codes for a point the seller never named: `PP1`, or the merchant-prefixed id. */
function isCode(point: Pick<StorePoint, 'name' | 'code' | 'storeId'>): boolean {
  const name = point.name.trim();
  return !name || name === point.code || name === point.storeId || /^PP\d+$/i.test(name);
}

/**
 * A pickup point as a seller knows it: its city and the name the seller gave it in the cabinet («Алматы, ТЦ Mega»),
 * never Kaspi's code when there is a name. A point without a name is its city alone; only two unnamed points in
 * one city keep their code to tell them apart («Алматы, PP3»).
 */
export function pointLabel(
  point: Pick<StorePoint, 'name' | 'code' | 'storeId' | 'cityId' | 'cityName'>,
  points: Pick<StorePoint, 'name' | 'code' | 'storeId' | 'cityId'>[],
): string {
  const city = point.cityName.trim();
  if (!isCode(point)) return city ? `${city}, ${point.name.trim()}` : point.name.trim();
  const sameCity = points.filter((other) => other.cityId === point.cityId && other.storeId !== point.storeId);
  if (city && sameCity.length === 0) return city;
  return city ? `${city}, ${point.code}` : point.code;
}
