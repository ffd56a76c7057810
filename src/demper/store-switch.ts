import type { EntityManager } from '@mikro-orm/postgresql';
import { parse as parseCron } from 'node-cron';

import { ProductSchema, StoreSchema, type DemperFilters } from '../db/entities/index.js';

/**
 * Enabling more products than this at once (an Excel import) spreads their first checks over one interval;
 * fewer are looked at on the next tick, so the seller sees the demper work right after switching it on.
 */
export const STAGGER_ABOVE = 20;

/**
 * The longest wait between two ticks of the demper's clock (DEMPER_CRON), in whole minutes (at least 1): what
 * «первая проверка — в течение N мин.» can promise. Day-of-month, month and weekday limits are left out (a daily
 * schedule already says the worst gap); an expression the parser refuses counts as every minute, the default.
 */
export function demperTickMinutes(cronExpression: string): number {
  let fields: { second: number[]; minute: number[]; hour: number[] };
  try {
    fields = parseCron(cronExpression);
  } catch {
    return 1;
  }
  const fires: number[] = [];
  for (const hour of fields.hour)
    for (const minute of fields.minute)
      for (const second of fields.second) fires.push(hour * 3600 + minute * 60 + second);
  if (fires.length === 0) return 1;
  fires.sort((a, b) => a - b);
  const day = 24 * 3600;
  let gap = fires[0]! + day - fires.at(-1)!; // across midnight
  for (let i = 1; i < fires.length; i++) gap = Math.max(gap, fires[i]! - fires[i - 1]!);
  return Math.max(1, Math.ceil(gap / 60));
}

/**
 * The store's demper switch on, for the seller who owns it (`sellerId`; nothing for anyone else). Products already
 * on whose next check is further than one tick away are looked at on the next tick: switching the store on is the
 * moment the seller expects to see the demper start. Returns whether the store was the seller's, and how many
 * products run now.
 */
export async function switchStoreDemperOn(
  em: EntityManager,
  storeId: number,
  sellerId: number,
  now: Date,
  tickMinutes: number,
): Promise<{ owned: boolean; products: number }> {
  const owned = await em.nativeUpdate(StoreSchema, { id: storeId, seller: sellerId }, { demperEnabled: true });
  if (owned === 0) return { owned: false, products: 0 };
  const soon = new Date(now.getTime() + tickMinutes * 60_000);
  await em.nativeUpdate(
    ProductSchema,
    { store: storeId, demperEnabled: true, removedAt: null, nextCheckAt: { $gt: soon } },
    { nextCheckAt: now },
  );
  const products = await em.count(ProductSchema, {
    store: storeId,
    demperEnabled: true,
    removedAt: null,
    minPrice: { $ne: null },
  });
  return { owned: true, products };
}

/**
 * Flips one of the store's rival filters (absent = on) for its owner, in one statement (two quick taps flip twice,
 * never lose one); returns the new filters, or undefined when the store is not the seller's.
 */
export async function toggleStoreFilter(
  em: EntityManager,
  storeId: number,
  sellerId: number,
  filter: keyof DemperFilters,
): Promise<Required<DemperFilters> | undefined> {
  const rows = await em.getConnection().execute<{ demper_filters: DemperFilters | string }[]>(
    `update "store" set "demper_filters" = "demper_filters" || jsonb_build_object(?::text, not coalesce(("demper_filters" ->> ?::text)::boolean, true))
      where "id" = ? and "seller_id" = ? returning "demper_filters"`,
    [filter, filter, storeId, sellerId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const filters = (
    typeof row.demper_filters === 'string' ? JSON.parse(row.demper_filters) : row.demper_filters
  ) as DemperFilters;
  return { ignoreIntercity: filters.ignoreIntercity ?? true, ignoreUnproven: filters.ignoreUnproven ?? true };
}
