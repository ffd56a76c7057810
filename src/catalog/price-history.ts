import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * For each product of the store whose price changed (sent or applied) after `since`: the price it had at
 * `since`, the old price of its first change after it. What a file exported at `since` holds for it.
 */
export async function pricesBeforeChangesSince(orm: MikroORM, storeId: number, since: Date): Promise<Map<number, number>> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ product_id: number; old_price: number }[]>(
      `select distinct on (product_id) product_id, old_price from price_change
        where store_id = ? and status in ('sent', 'applied') and created_at > ?
        order by product_id, created_at asc, id asc`,
      [storeId, since],
    );
  return new Map(rows.map((row) => [Number(row.product_id), Number(row.old_price)]));
}
