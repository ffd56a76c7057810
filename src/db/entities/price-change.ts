import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import type { DecisionDetails } from '../../demper/strategy.js';
import { ProductSchema } from './product.js';
import { StoreSchema } from './store.js';

const PRICE_CHANGE_SOURCES = ['demper', 'manual', 'import', 'rollback'] as const;
/** planned → sent → applied | failed. A row is written as `planned` before anything is sent to Kaspi. */
const PRICE_CHANGE_STATUSES = ['planned', 'sent', 'applied', 'failed'] as const;

export type PriceChangeSource = (typeof PRICE_CHANGE_SOURCES)[number];

/** The outbox and history of every price change: old, new, why, and what Kaspi did with it. */
export const PriceChangeSchema = defineEntity({
  name: 'PriceChange',
  tableName: 'price_change',
  indexes: [
    { properties: ['product', 'createdAt'] },
    { properties: ['store', 'status'] },
    { properties: ['product', 'cityId', 'id'] },
  ],
  checks: [{ name: 'price_change_new_price_check', expression: 'new_price >= 10' }],
  properties: {
    id: p.integer().primary(),
    store: () => p.manyToOne(StoreSchema).deleteRule('cascade'),
    product: () => p.manyToOne(ProductSchema).deleteRule('cascade'),
    /** The city whose price this change moves; every city's price is its own change and its own history. */
    cityId: p.string().length(16).nullable(),
    oldPrice: p.integer(),
    newPrice: p.integer(),
    reasonCode: p.string().length(64),
    /** One line the seller reads («почему такая цена»), in Russian as the change was made. */
    reasonText: p.text(),
    /**
     * What a demper reason names (rival, floor, place…), so the history tells it again in the language the
     * seller reads now; null for manual, rollback and import changes (their reason is the source itself).
     */
    reasonDetails: p.json<PriceReasonDetails>().nullable(),
    source: p.enum([...PRICE_CHANGE_SOURCES]),
    status: p.enum([...PRICE_CHANGE_STATUSES]).default('planned'),
    /** Same key ⇒ same change: a retried cycle or a restarted worker cannot apply a change twice. */
    idempotencyKey: p.string().length(128).unique(),
    cheapestRivalPrice: p.integer().nullable(),
    error: p.text().nullable(),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    sentAt: p.datetime().columnType('timestamptz').nullable(),
    settledAt: p.datetime().columnType('timestamptz').nullable(),
  },
});

export type PriceChange = InferEntity<typeof PriceChangeSchema>;

/** The numbers of a demper decision's reason (see DecisionDetails), kept so it can be told again in any language. */
export type PriceReasonDetails = DecisionDetails & { place: number };
