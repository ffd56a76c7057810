import type { MikroORM } from '@mikro-orm/postgresql';

import { ProductSchema, StoreSchema, type CityPrice, type OfferAvailability, type Product } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import { currentPrice, prefixStoreId } from '../kaspi/offer-writes.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';

export interface SyncProgress {
  fetched: number;
  /** Kaspi's total over both lists, once the first page of each has been read. */
  total: number;
}

export interface SyncSummary {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  total: number;
}

/**
 * Brings a store's products in line with the cabinet (on-sale and off-sale lists). Kaspi's fields are
 * overwritten; the seller's own settings (demper, floor, ceiling, step, strategy…) never are. A product is
 * marked removed only after both lists were read completely, so a half-read never loses anything.
 */
export class CatalogSync {
  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {}

  async sync(storeId: number, onProgress?: (progress: SyncProgress) => void): Promise<SyncSummary> {
    const offers = await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const totals = { onSale: 0, offSale: 0, fetchedOnSale: 0, fetchedOffSale: 0 };
      const report = () => onProgress?.({ fetched: totals.fetchedOnSale + totals.fetchedOffSale, total: totals.onSale + totals.offSale });
      const onSale = await this.cabinet.listOffers(jar, merchantUid, true, (step) => {
        totals.onSale = step.total;
        totals.fetchedOnSale = step.fetched;
        report();
      });
      const offSale = await this.cabinet.listOffers(jar, merchantUid, false, (step) => {
        totals.offSale = step.total;
        totals.fetchedOffSale = step.fetched;
        report();
      });
      return { merchantUid, list: [...onSale, ...offSale] };
    });

    const summary = await this.orm.em.fork().transactional(async (em) => {
      const store = await em.findOneOrFail(StoreSchema, storeId);
      const cityByPoint = new Map(store.points.map((point) => [point.storeId, point.cityId]));
      const existing = new Map((await em.find(ProductSchema, { store })).map((product) => [product.sku, product]));
      const now = new Date();
      const result: SyncSummary = { added: 0, changed: 0, removed: 0, unchanged: 0, total: offers.list.length };
      const seen = new Set<string>();
      for (const offer of offers.list) {
        if (seen.has(offer.sku)) continue;
        seen.add(offer.sku);
        const fields = kaspiFields(offers.merchantUid, offer, cityByPoint);
        const product = existing.get(offer.sku);
        if (!product) {
          em.create(ProductSchema, { store, sku: offer.sku, ...fields, syncedAt: now });
          result.added++;
          continue;
        }
        const changed = product.removedAt !== null || differs(product, fields);
        Object.assign(product, fields, { removedAt: null, syncedAt: now });
        if (changed) result.changed++;
        else result.unchanged++;
      }
      for (const [sku, product] of existing) {
        if (seen.has(sku) || product.removedAt) continue;
        product.removedAt = now;
        product.demperEnabled = false; // never reprice an offer Kaspi no longer lists; settings are kept
        result.removed++;
      }
      store.lastSyncAt = now;
      return result;
    });
    this.logger.info({ storeId, ...summary }, 'catalog synced');
    return summary;
  }
}

type KaspiFields = Pick<Product, 'masterSku' | 'title' | 'brand' | 'price' | 'cityPrices' | 'availabilities' | 'onSale' | 'shopLink'>;

function kaspiFields(merchantUid: string, offer: CabinetOffer, cityByPoint: Map<string, string>): KaspiFields {
  const cities = new Set(offer.availabilities.map((availability) => cityByPoint.get(prefixStoreId(merchantUid, availability.storeId))).filter(Boolean));
  const cityPrices: CityPrice[] = Object.entries(offer.allCityPrices ?? {})
    .filter(([cityId]) => cities.has(cityId))
    .map(([cityId, entry]) => ({ cityId, price: Math.round(entry.price) }))
    .sort((a, b) => a.cityId.localeCompare(b.cityId));
  return {
    masterSku: offer.masterSku,
    title: offer.model ?? offer.title ?? offer.masterTitle ?? offer.sku,
    brand: offer.brandName ?? offer.brand ?? null,
    price: currentPrice(offer),
    cityPrices,
    availabilities: offer.availabilities as OfferAvailability[],
    onSale: offer.availabilities.some((availability) => availability.available === 'yes'),
    shopLink: offer.shopLink ?? null,
  };
}

function differs(product: Product, fields: KaspiFields): boolean {
  return (Object.keys(fields) as (keyof KaspiFields)[]).some((key) => JSON.stringify(product[key]) !== JSON.stringify(fields[key]));
}
