import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * For each product of the store whose price changed (sent or applied) after `since`: the price it had at
 * `since`, the old price of its first change after it — by product id (any city), and by `<product>:<city>` for
 * each city that changed. What a file exported at `since` holds for it.
 */
export async function pricesBeforeChangesSince(
  orm: MikroORM,
  storeId: number,
  since: Date,
): Promise<Map<number | string, number>> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ product_id: number; city_id: string | null; old_price: number; created_at: Date; id: number }[]>(
      `select distinct on (product_id, city_id) product_id, city_id, old_price, created_at, id from price_change
        where store_id = ? and status in ('sent', 'applied') and created_at > ?
        order by product_id, city_id, created_at asc, id asc`,
      [storeId, since],
    );
  const prices = new Map<number | string, number>();
  const first = new Map<number, { at: number; id: number }>();
  for (const row of rows) {
    const productId = Number(row.product_id);
    if (row.city_id) prices.set(`${productId}:${row.city_id}`, Number(row.old_price));
    const at = new Date(row.created_at).getTime();
    const earliest = first.get(productId);
    if (!earliest || at < earliest.at || (at === earliest.at && Number(row.id) < earliest.id)) {
      first.set(productId, { at, id: Number(row.id) });
      prices.set(productId, Number(row.old_price));
    }
  }
  return prices;
}
