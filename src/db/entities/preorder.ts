import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { timestamps } from './common.js';
import { ProductSchema } from './product.js';
import { StoreSchema } from './store.js';

/** Preorder days (0–30) for one pickup point; 0 takes the point off preorder. */
export interface PreorderPoint {
  storeId: string;
  days: number;
}

const PREORDER_STATUSES = ['planned', 'uploading', 'uploaded', 'confirmed', 'failed'] as const;
const PREORDER_UPLOAD_METHODS = ['pricefeed', 'file'] as const;

/** A preorder the seller planned or Kaspi reported, per point, and the state of its upload. */
export const PreorderSchema = defineEntity({
  name: 'Preorder',
  tableName: 'preorder',
  uniques: [{ properties: ['product'] }],
  properties: {
    id: p.integer().primary(),
    store: () => p.manyToOne(StoreSchema).deleteRule('cascade'),
    product: () => p.manyToOne(ProductSchema).deleteRule('cascade'),
    points: p.json<PreorderPoint[]>(),
    status: p.enum([...PREORDER_STATUSES]).default('planned'),
    uploadMethod: p.enum([...PREORDER_UPLOAD_METHODS]).nullable(),
    /** Kaspi's price-list file id while a file upload is being processed. */
    kaspiFileId: p.string().length(128).nullable(),
    error: p.text().nullable(),
    ...timestamps,
  },
});

export type Preorder = InferEntity<typeof PreorderSchema>;
