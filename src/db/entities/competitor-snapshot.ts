import { defineEntity, p } from '@mikro-orm/core';

import { ProductSchema } from './product.js';

/** One rival offer as the storefront showed it (cheapest offer per merchant). */
export interface SnapshotOffer {
  merchantId: string;
  merchantName: string;
  price: number;
  rating: number | null;
  reviews: number | null;
  deliveryDuration: string | null;
  preorder: number;
  /** Delivers to this city only from another one; absent in snapshots taken before it was read. */
  intercity?: boolean;
}

/** What the storefront showed for a product in one city at one moment; feeds the demper and the chart. */
export const CompetitorSnapshotSchema = defineEntity({
  name: 'CompetitorSnapshot',
  tableName: 'competitor_snapshot',
  indexes: [{ properties: ['product', 'takenAt'] }],
  properties: {
    id: p.integer().primary(),
    product: () => p.manyToOne(ProductSchema).deleteRule('cascade'),
    cityId: p.string().length(16),
    takenAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    offers: p.json<SnapshotOffer[]>(),
    ourPrice: p.integer().nullable(),
    ourPlace: p.smallint().nullable(),
    cheapestRivalPrice: p.integer().nullable(),
  },
});
