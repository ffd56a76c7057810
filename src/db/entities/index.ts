export * from './seller.js';
export * from './store.js';
export * from './product.js';
export * from './price-change.js';
export * from './competitor-snapshot.js';
export * from './preorder.js';
export * from './kv-entry.js';
export * from './follow-up.js';

import { CompetitorSnapshotSchema } from './competitor-snapshot.js';
import { FollowUpSchema } from './follow-up.js';
import { KvEntrySchema } from './kv-entry.js';
import { PreorderSchema } from './preorder.js';
import { PriceChangeSchema } from './price-change.js';
import { ProductSchema } from './product.js';
import { SellerSchema } from './seller.js';
import { StoreSchema } from './store.js';

export const ALL_ENTITIES = [
  SellerSchema,
  StoreSchema,
  ProductSchema,
  PriceChangeSchema,
  CompetitorSnapshotSchema,
  PreorderSchema,
  KvEntrySchema,
  FollowUpSchema,
];
