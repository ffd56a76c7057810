import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { timestamps } from './common.js';
import { StoreSchema } from './store.js';

/**
 * One availability of an offer exactly as `bff/offer-view/list` returned it. Writes echo these objects and
 * change only `available` / `preOrder` (REFERENCE §3.4), so unknown fields are kept as they came.
 */
export interface OfferAvailability {
  storeId: string;
  available: 'yes' | 'no';
  /** Preorder days, 0–30; 0 or absent = in stock. */
  preOrder?: number;
  stockCount?: number;
  stockSpecified?: boolean;
  stockEnabled?: boolean;
  [field: string]: unknown;
}

export interface CityPrice {
  cityId: string;
  price: number;
}

/** A city's own demper bounds; a field left out falls back to the product's. */
export interface CityOverride {
  minPrice?: number;
  maxPrice?: number | null;
  step?: number;
}

/** What the demper saw at its last check of one city's market (each city is decided on its own). */
export interface CityDemperState {
  lastPlace?: number | null;
  lastCheapestRivalPrice?: number | null;
  /** ISO times. */
  lastCheckedAt?: string;
  lastCutAt?: string;
  rivalMovedAt?: string;
  floorReached?: boolean;
  lostFirstPlace?: boolean;
}

/** Demper options beyond the common ones; defaults in `src/demper/settings.ts`. */
export interface DemperOptions {
  autoRaise?: boolean;
  raiseCooldownSeconds?: number;
  whenAlone?: 'hold' | 'ceiling';
  priceWar?: 'jump' | 'hold' | 'off';
  maxDropPerChange?: number | null;
  minRating?: number | null;
  minReviews?: number | null;
  maxDeliveryRank?: number | null;
  /** Rival filters, on unless the seller switched them off. */
  ignoreIntercity?: boolean;
  ignoreUnproven?: boolean;
}

/** Which alerts are active, so each is sent once per episode (on the transition), not every cycle. */
export interface DemperAlertState {
  floorReached?: boolean;
  lostFirstPlace?: boolean;
}

const DEMPER_STRATEGIES = ['first_place', 'match_leader', 'target_place', 'hold'] as const;
export type DemperStrategy = (typeof DEMPER_STRATEGIES)[number];

/** An offer of the store, synced from the cabinet, with the seller's demper settings. */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'product',
  uniques: [{ properties: ['store', 'sku'] }],
  indexes: [
    // The demper's due scan walks this in order and stops at its limit: only products it may look at, never
    // checked first (the coalesce puts them before any date, so one range bound covers both).
    {
      name: 'product_due_index',
      expression: `create index "product_due_index" on "product" (coalesce("next_check_at", '-infinity'::timestamptz), "id") where "demper_enabled" and "min_price" is not null and "removed_at" is null`,
    },
    { properties: ['masterSku'] },
  ],
  // Money rules the database enforces whatever code path writes (Kaspi's minimum price is 10 ₸).
  checks: [
    { name: 'product_min_price_check', expression: 'min_price is null or min_price >= 10' },
    { name: 'product_max_price_check', expression: 'max_price is null or max_price >= 10' },
    { name: 'product_min_max_check', expression: 'min_price is null or max_price is null or min_price <= max_price' },
    { name: 'product_step_check', expression: 'step >= 1' },
    { name: 'product_price_check', expression: 'price >= 0' },
  ],
  properties: {
    id: p.integer().primary(),
    store: () => p.manyToOne(StoreSchema).deleteRule('cascade'),
    sku: p.string().length(128),
    masterSku: p.string().length(64),
    title: p.text(),
    brand: p.string().length(256).nullable(),
    /** Whole tenge. */
    price: p.integer(),
    /** Each city's own price, for the cities where the store has a point (Kaspi prices offers per city). */
    cityPrices: p.json<CityPrice[]>().default('[]'),
    availabilities: p.json<OfferAvailability[]>().default('[]'),
    onSale: p.boolean(),
    shopLink: p.text().nullable(),
    /** Set when a complete sync no longer finds the offer; settings are kept in case it comes back. */
    removedAt: p.datetime().columnType('timestamptz').nullable(),
    syncedAt: p.datetime().columnType('timestamptz').nullable(),

    demperEnabled: p.boolean().default(false),
    /** Floor, whole tenge; the demper never goes below it. Null = demper cannot run for this product. */
    minPrice: p.integer().nullable(),
    maxPrice: p.integer().nullable(),
    /** Undercut step in tenge (or percent when `stepIsPercent`). */
    step: p.integer().default(1),
    stepIsPercent: p.boolean().default(false),
    strategy: p.enum([...DEMPER_STRATEGIES]).default('first_place'),
    targetPlace: p.smallint().default(1),
    excludedMerchants: p.json<string[]>().default('[]'),
    /** Seconds between checks; contested products are checked more often by the scheduler. */
    checkIntervalSeconds: p.integer().default(900),
    nextCheckAt: p.datetime().columnType('timestamptz').nullable(),
    lastCheckedAt: p.datetime().columnType('timestamptz').nullable(),
    demperOptions: p.json<DemperOptions>().default('{}'),
    demperAlerts: p.json<DemperAlertState>().default('{}'),
    /** Per-city demper bounds set by the seller (`/demper <sku> город=Астана мин=…`), by city id. */
    cityOverrides: p.json<Record<string, CityOverride>>().default('{}'),
    /** Per-city market state of the last checks, by city id; the product-level fields mirror the main city. */
    cityStates: p.json<Record<string, CityDemperState>>().default('{}'),
    /** The strategy's memory of each city's market (plain JSON owned by src/demper/strategy-memory.ts), by city id. */
    demperMemory: p.json<Record<string, unknown>>().default('{}'),
    /** When the demper last lowered the price (auto-raise waits after a cut). */
    lastCutAt: p.datetime().columnType('timestamptz').nullable(),
    /** When a rival's price last moved; recently moved products are checked more often. */
    rivalMovedAt: p.datetime().columnType('timestamptz').nullable(),
    /** Our place among offers (1 = cheapest) and the cheapest rival at the last check. */
    lastPlace: p.smallint().nullable(),
    lastCheapestRivalPrice: p.integer().nullable(),
    ...timestamps,
  },
});

export type Product = InferEntity<typeof ProductSchema>;
