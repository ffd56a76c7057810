import type { MikroORM } from '@mikro-orm/postgresql';

import { CompetitorSnapshotSchema, PriceChangeSchema, type PriceChange } from '../db/entities/index.js';
import { entityManagerFor } from '../db/unit-of-work.js';
import { pricesBeforeChangesSince } from './price-history.js';

/**
 * What a product's card, its history and its chart show of the past: recorded price changes, the market the
 * demper saw (competitor snapshots), the store's last demper cycle. Read-only; the EntityManager is the
 * update's where there is one (`entityManagerFor`).
 */
export class ProductHistory {
  constructor(private readonly orm: MikroORM) {}

  /** The product's latest price changes, newest first. */
  changesOf(productId: number, limit: number): Promise<PriceChange[]> {
    return entityManagerFor(this.orm).find(
      PriceChangeSchema,
      { product: productId },
      { orderBy: { createdAt: 'DESC', id: 'DESC' }, limit },
    );
  }

  /** The latest market check of the product (in one city when named): when, the offers, the cheapest rival. */
  async latestSnapshot(productId: number, cityId: string | undefined) {
    const snapshot = await entityManagerFor(this.orm).findOne(
      CompetitorSnapshotSchema,
      { product: productId, ...(cityId ? { cityId } : {}) },
      { orderBy: { takenAt: 'DESC' }, fields: ['takenAt', 'offers', 'cheapestRivalPrice'] },
    );
    return snapshot ?? undefined;
  }

  /**
   * The product's latest `limit` market checks since `since` (in one city when named), oldest first, for the
   * chart: only when and the cheapest rival's price, not the offers.
   */
  async snapshotsSince(productId: number, since: Date, cityId: string | undefined, limit: number) {
    const latest = await entityManagerFor(this.orm).find(
      CompetitorSnapshotSchema,
      { product: productId, takenAt: { $gte: since }, ...(cityId ? { cityId } : {}) },
      { orderBy: { takenAt: 'DESC', id: 'DESC' }, limit, fields: ['takenAt', 'cheapestRivalPrice'] },
    );
    return latest.reverse();
  }

  /** The changes of the store's last demper cycle (they share its moment) and when it ran; none before the first. */
  async lastDemperCycle(storeId: number): Promise<{ at: Date; changes: PriceChange[] } | undefined> {
    const em = entityManagerFor(this.orm);
    const latest = await em.findOne(
      PriceChangeSchema,
      { store: storeId, source: 'demper' },
      { orderBy: { createdAt: 'DESC', id: 'DESC' } },
    );
    if (!latest) return undefined;
    const changes = await em.find(PriceChangeSchema, { store: storeId, source: 'demper', createdAt: latest.createdAt });
    return { at: latest.createdAt, changes };
  }

  /** Prices the store's products had at `since`, before the changes made after it (see `pricesBeforeChangesSince`). */
  pricesBeforeChangesSince(storeId: number, since: Date): Promise<Map<number | string, number>> {
    return pricesBeforeChangesSince(this.orm, storeId, since);
  }
}
