import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { timestamps } from './common.js';
import { SellerSchema } from './seller.js';

const LOGIN_METHODS = ['sms', 'email'] as const;
/** `none`: never logged in; `active`: cookies work; `expired`: Kaspi answered 401, the seller must log in again. */
const SESSION_STATES = ['none', 'active', 'expired'] as const;

/** A pickup point of the merchant as Kaspi's getMerchant returns it: `PP1` in city `750000000`. */
export interface StorePoint {
  /** Merchant-prefixed id used in availabilities, e.g. `30067228_PP2`. */
  storeId: string;
  /** Short code, e.g. `PP2`. */
  code: string;
  name: string;
  cityId: string;
  cityName: string;
  enabled: boolean;
}

/**
 * The store's rival filters for its demper (`/demper` toggles them). An absent key is on: the best peers ship both
 * on, and a 3 ★ seller with 5 reviews delivering from another city should not pull every price down.
 */
export interface DemperFilters {
  /** Leave out sellers who deliver to the city only from another one. */
  ignoreIntercity?: boolean;
  /** Leave out sellers under 4.0 ★ with fewer than 10 reviews. */
  ignoreUnproven?: boolean;
}

/** A Kaspi merchant account connected by a seller. */
export const StoreSchema = defineEntity({
  name: 'Store',
  tableName: 'store',
  uniques: [{ properties: ['seller', 'merchantUid'] }],
  properties: {
    id: p.integer().primary(),
    seller: () => p.manyToOne(SellerSchema).deleteRule('cascade'),
    merchantUid: p.string().length(32).index(),
    name: p.string().length(256),
    points: p.json<StorePoint[]>().default('[]'),
    loginMethod: p.enum([...LOGIN_METHODS]),
    /** Phone (`+7 (7XX) XXX-XX-XX`) or e-mail used to log in, sealed: it identifies a person. */
    loginIdentitySealed: p.text().nullable(),
    /** E-mail login password, sealed; kept only so an expired e-mail session can be renewed without the seller. */
    passwordSealed: p.text().nullable(),
    /** Cabinet cookie jar (mc-session, mc-sid, …), sealed with AES-256-GCM. */
    sessionSealed: p.text().nullable(),
    sessionState: p.enum([...SESSION_STATES]).default('none'),
    /** When Kaspi last confirmed the session (a login, a keep-alive read), or found it expired. */
    sessionCheckedAt: p.datetime().columnType('timestamptz').nullable(),
    /** The seller was asked to log in again for the current expiry: one message per expiry; a login clears it. */
    reloginAskedAt: p.datetime().columnType('timestamptz').nullable(),
    /** Epoch ms of the automatic e-mail logins tried in the last hour (at most RENEWALS_PER_HOUR kept). */
    renewalTries: p.json<number[]>().default('[]'),
    /** Why this expiry cannot be renewed without the seller (`code-required`, `credentials-invalid`, …); a login clears it. */
    renewalBlocked: p.string().length(32).nullable(),
    /** Store-wide demper switch; the per-product switch is on Product. */
    demperEnabled: p.boolean().default(false),
    /** Dry run: the demper proposes changes in the chat and applies only what the seller confirms. */
    demperDryRun: p.boolean().default(false),
    /** Rival filters of the store's demper; a product's own `demperOptions` value wins over these. */
    demperFilters: p.json<DemperFilters>().default('{}'),
    lastSyncAt: p.datetime().columnType('timestamptz').nullable(),
    ...timestamps,
  },
});

export type Store = InferEntity<typeof StoreSchema>;
