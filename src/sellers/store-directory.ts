import type { MikroORM } from '@mikro-orm/postgresql';

import { StoreSchema, type DemperFilters, type Seller, type Store } from '../db/entities/index.js';
import { switchStoreDemperOn, toggleStoreFilter } from '../demper/store-switch.js';
import { entityManagerFor } from '../db/unit-of-work.js';

/**
 * A seller's Kaspi stores: which are theirs, which one their commands act on, and the store's demper switches.
 * Every lookup goes through the seller — an id from a button or a command that is not one of theirs is
 * `undefined`, whatever it names. The EntityManager is the update's where there is one (`entityManagerFor`).
 */
export class StoreDirectory {
  constructor(private readonly orm: MikroORM) {}

  /** The store, when it is this seller's. */
  async storeOf(sellerId: number, storeId: number | undefined): Promise<Store | undefined> {
    if (storeId === undefined) return undefined;
    return (await entityManagerFor(this.orm).findOne(StoreSchema, { id: storeId, seller: sellerId })) ?? undefined;
  }

  /** The seller's stores, oldest first (the order `/stores` lists them in). */
  async storesOf(sellerId: number): Promise<Store[]> {
    return entityManagerFor(this.orm).find(StoreSchema, { seller: sellerId }, { orderBy: { id: 'ASC' } });
  }

  /** The store the seller's commands act on: the active one, else their first. */
  async activeStoreOf(seller: Pick<Seller, 'id' | 'activeStoreId'>): Promise<Store | undefined> {
    const stores = await this.storesOf(seller.id);
    return stores.find((store) => store.id === seller.activeStoreId) ?? stores[0];
  }

  /** The Kaspi merchant ids the seller has connected (a login marks those it would only log in again). */
  async merchantUidsOf(sellerId: number): Promise<string[]> {
    const stores = await entityManagerFor(this.orm).find(
      StoreSchema,
      { seller: sellerId },
      { fields: ['merchantUid'] },
    );
    return stores.map((store) => store.merchantUid);
  }

  /** A store with the seller who owns it, for messages sent outside an update (their chat, language, settings). */
  async withSeller(storeId: number): Promise<{ store: Store; seller: Seller } | undefined> {
    const store = await entityManagerFor(this.orm).findOne(StoreSchema, storeId, { populate: ['seller'] });
    return store ? { store, seller: store.seller as unknown as Seller } : undefined;
  }

  /** Trial mode on or off for the owner's store; false when the store is not theirs. */
  async setDemperDryRun(sellerId: number, storeId: number, dryRun: boolean): Promise<boolean> {
    const changed = await entityManagerFor(this.orm).nativeUpdate(
      StoreSchema,
      { id: storeId, seller: sellerId },
      { demperDryRun: dryRun },
    );
    return changed > 0;
  }

  /** Flips one of the store's rival filters for its owner; the new filters, or undefined when not theirs. */
  toggleRivalFilter(
    sellerId: number,
    storeId: number,
    filter: keyof DemperFilters,
  ): Promise<Required<DemperFilters> | undefined> {
    return toggleStoreFilter(entityManagerFor(this.orm), storeId, sellerId, filter);
  }

  /** The store's demper switch on for its owner (see `switchStoreDemperOn`). */
  switchDemperOn(
    sellerId: number,
    storeId: number,
    now: Date,
    tickMinutes: number,
  ): Promise<{ owned: boolean; products: number }> {
    return switchStoreDemperOn(entityManagerFor(this.orm), storeId, sellerId, now, tickMinutes);
  }
}
