import type { MikroORM } from '@mikro-orm/postgresql';

import {
  ProductSchema,
  StoreSchema,
  type CityPrice,
  type OfferAvailability,
  type Product,
} from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { kaspiSchemaErrors } from '../metrics.js';
import type { KaspiCabinetClient, OfferListRead } from '../kaspi/cabinet-client.js';
import { formatChanges, type FormatChange, type ItemProblem } from '../kaspi/item-reads.js';
import { currentPrice, offerCityPrices, OfferWriteError, prefixStoreId } from '../kaspi/offer-writes.js';
import { mainCityOf } from './city-prices.js';
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
  /** Offers read and brought in line. */
  total: number;
  /** Items Kaspi listed that could not be read: their products were left as they were. */
  skipped: number;
  /** Offers Kaspi sent without any price: an existing product kept its price, a new one holds 0 (unknown). */
  unpriced: number;
  /** The lists did not add up, even after re-reading: what was read is updated, nothing is marked removed. */
  incomplete?: {
    reason: 'short' | 'no-total' | 'unidentified';
    read: number;
    total: number | undefined;
    unidentified?: number;
  };
  /** Needed fields missing on most items: Kaspi changed its answer (told once per sync, not per item); nothing removed. */
  formatChanges: FormatChange[];
}

/** Field path used when an offer carries no price of any kind (`price`, `minPrice`, city prices). */
const NO_PRICE_FIELD = 'data.*.price';

/**
 * Brings a store's products in line with the cabinet (on-sale and off-sale lists). Kaspi's fields are
 * overwritten; the seller's own settings (demper, floor, ceiling, step, strategy…) never are. Reads are
 * forgiving: an odd item is skipped and its product left alone, a field Kaspi left out keeps what we had, and a
 * product is marked removed only after both lists were read completely, so a half-read never loses anything.
 */
export class CatalogSync {
  /** Format changes already logged, by store: the operator hears of each once per episode, not every sync. */
  private readonly reported = new Map<number, Set<string>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
  ) {}

  async sync(storeId: number, onProgress?: (progress: SyncProgress) => void): Promise<SyncSummary> {
    const { merchantUid, lists } = await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      const steps = new Map<boolean, { fetched: number; total: number }>();
      const report = (step: { onSale: boolean; fetched: number; total: number }) => {
        steps.set(step.onSale, step);
        const all = [...steps.values()];
        onProgress?.({
          fetched: all.reduce((sum, entry) => sum + entry.fetched, 0),
          total: all.reduce((sum, entry) => sum + entry.total, 0),
        });
      };
      const onSale = await this.cabinet.readOfferList(jar, merchantUid, true, report);
      const offSale = await this.cabinet.readOfferList(jar, merchantUid, false, report);
      return { merchantUid, lists: [onSale, offSale] };
    });

    const problems = lists.flatMap((list) => list.problems);
    let unpriced = 0;
    for (const offer of lists.flatMap((list) => list.offers)) {
      if (currentPrice(offer) > 0) continue;
      unpriced++;
      problems.push({ key: offer.sku, field: NO_PRICE_FIELD, message: 'no price, minPrice or city price' });
    }
    const changes = formatChanges(
      problems,
      lists.reduce((sum, list) => sum + list.listed, 0),
    );
    // Removals only from a read that adds up and whose items could be read: nothing acts on a misread answer.
    const readWhole = lists.every((list) => list.complete && list.anonymous === 0);
    const complete = changes.length === 0 && readWhole;
    const summary = await this.orm.em.fork().transactional(async (em) => {
      const store = await em.findOneOrFail(StoreSchema, storeId);
      const cityByPoint = new Map(store.points.map((point) => [point.storeId, point.cityId]));
      const existing = new Map((await em.find(ProductSchema, { store })).map((product) => [product.sku, product]));
      const now = new Date();
      const result: SyncSummary = {
        added: 0,
        changed: 0,
        removed: 0,
        unchanged: 0,
        total: 0,
        skipped: problems.length - unpriced,
        unpriced: 0,
        formatChanges: changes,
      };
      const seen = new Set<string>();
      for (const list of lists) {
        for (const offer of list.offers) {
          if (seen.has(offer.sku)) continue; // moved between the lists while we read: the first read wins
          seen.add(offer.sku);
          result.total++;
          const product = existing.get(offer.sku);
          const fields = kaspiFields(merchantUid, offer, cityByPoint, list.onSale, product);
          if (fields.price === undefined) result.unpriced++;
          if (!product) {
            em.create(ProductSchema, { store, sku: offer.sku, ...fields, price: fields.price ?? 0, syncedAt: now });
            result.added++;
            continue;
          }
          const update = { ...fields, price: fields.price ?? product.price };
          const changed = product.removedAt !== null || differs(product, update);
          Object.assign(product, update, { removedAt: null, syncedAt: now });
          if (changed) result.changed++;
          else result.unchanged++;
        }
      }
      // Listed by Kaspi but unreadable (in both lists): not removed, left as it was.
      for (const sku of lists.flatMap((list) => list.unreadSkus)) seen.add(sku);
      if (complete) {
        for (const [sku, product] of existing) {
          if (seen.has(sku) || product.removedAt) continue;
          product.removedAt = now;
          product.demperEnabled = false; // never reprice an offer Kaspi no longer lists; settings are kept
          result.removed++;
        }
      }
      if (!readWhole) result.incomplete = incompleteness(lists);
      store.lastSyncAt = now;
      return result;
    });
    this.tellOperator(storeId, merchantUid, summary, problems, lists);
    return summary;
  }

  /** One log line per sync, never one per item; a format change is logged and counted once per episode. */
  private tellOperator(
    storeId: number,
    merchantUid: string,
    summary: SyncSummary,
    problems: ItemProblem[],
    lists: OfferListRead[],
  ): void {
    const { formatChanges: changes, ...counts } = summary;
    const known = this.reported.get(storeId) ?? new Set<string>();
    const fresh = changes.filter((change) => !known.has(change.field));
    if (fresh.length > 0) kaspiSchemaErrors.inc({ endpoint: 'cabinet.offer-list' }, fresh.length);
    if (fresh.length > 0) {
      this.logger.warn(
        { storeId, merchantUid, fields: fresh },
        `Kaspi changed the offer list: ${fresh.map((change) => change.field).join(', ')} missing on most items`,
      );
    }
    this.reported.set(storeId, new Set(changes.map((change) => change.field)));
    const details = {
      storeId,
      ...counts,
      rereads: lists.reduce((sum, list) => sum + list.rereads, 0),
      ...(problems.length > 0
        ? { unreadable: problems.slice(0, 5).map(({ key, field, message }) => ({ sku: key, field, message })) }
        : {}),
    };
    if (summary.incomplete || summary.skipped > 0 || summary.unpriced > 0)
      this.logger.warn(details, 'catalog synced with gaps');
    else this.logger.info(details, 'catalog synced');
  }
}

/** Why removals could not be told: pages short of Kaspi's total, no total at all, or items without a SKU. */
function incompleteness(lists: OfferListRead[]): NonNullable<SyncSummary['incomplete']> {
  const read = lists.reduce((sum, list) => sum + list.listed, 0);
  const totals = lists.map((list) => list.total);
  const total = totals.every((value) => value !== undefined)
    ? totals.reduce((sum, value) => sum + value, 0)
    : undefined;
  const counted = lists.filter((list) => list.total !== undefined);
  if (counted.some((list) => list.listed < list.total!)) {
    return {
      reason: 'short',
      read: counted.reduce((sum, list) => sum + list.listed, 0),
      total: counted.reduce((sum, list) => sum + list.total!, 0),
    };
  }
  if (total === undefined) return { reason: 'no-total', read, total };
  return { reason: 'unidentified', read, total, unidentified: lists.reduce((sum, list) => sum + list.anonymous, 0) };
}

type KaspiFields = Pick<
  Product,
  'masterSku' | 'title' | 'brand' | 'cityPrices' | 'availabilities' | 'onSale' | 'shopLink'
> & { price: number | undefined };

/**
 * What Kaspi says about one offer. A field Kaspi left out keeps the product's value (absent is not empty);
 * `price` is undefined when the offer carries none: the caller keeps the old price, never a made-up 0.
 */
function kaspiFields(
  merchantUid: string,
  offer: CabinetOffer,
  cityByPoint: Map<string, string>,
  listedOnSale: boolean,
  product: Product | undefined,
): KaspiFields {
  const hasPoints = offer.availabilities.length > 0;
  const cities = new Set(
    offer.availabilities
      .map((availability) => cityByPoint.get(prefixStoreId(merchantUid, availability.storeId)))
      .filter(Boolean),
  );
  // Each city's own price as every write reads it (`allCityPrices`, or the `cityPrices` variant).
  const cityPrices: CityPrice[] = [...readableCityPrices(merchantUid, offer, cityByPoint)]
    .filter(([cityId]) => cities.has(cityId))
    .map(([cityId, price]) => ({ cityId, price }))
    .sort((a, b) => a.cityId.localeCompare(b.cityId));
  // The product's one price is its main city's (the city its card and list speak of), as every write records it.
  const points = [...cityByPoint].map(([storeId, cityId]) => ({ storeId, cityId }));
  const main = mainCityOf({ availabilities: offer.availabilities as OfferAvailability[], cityPrices }, points);
  const price = cityPrices.find((entry) => entry.cityId === main)?.price ?? currentPrice(offer);
  return {
    masterSku: offer.masterSku,
    title: offer.model ?? offer.title ?? offer.masterTitle ?? product?.title ?? offer.sku,
    brand: offer.brandName ?? offer.brand ?? product?.brand ?? null,
    price: price > 0 ? price : undefined,
    cityPrices: cityPrices.length > 0 ? cityPrices : (product?.cityPrices ?? []),
    availabilities: hasPoints ? (offer.availabilities as OfferAvailability[]) : (product?.availabilities ?? []),
    // Without points as read, the list the offer came from says whether it is on sale.
    onSale: hasPoints ? offer.availabilities.some((availability) => availability.available === 'yes') : listedOnSale,
    shopLink: offer.shopLink ?? product?.shopLink ?? null,
  };
}

/** The cities whose price the answer tells; none when it tells no city's price for sure. */
function readableCityPrices(
  merchantUid: string,
  offer: CabinetOffer,
  cityByPoint: Map<string, string>,
): Map<string, number> {
  const points = [...cityByPoint].map(([storeId, cityId]) => ({ storeId, cityId }));
  try {
    return offerCityPrices(merchantUid, offer, points);
  } catch (error) {
    if (error instanceof OfferWriteError) return new Map();
    throw error;
  }
}

/**
 * Whether the seller would see a difference: the title, brand, price per city, on/off sale and preorder days per
 * point. Stock counts and the other fields Kaspi echoes with each point (kept for the writes) move by themselves
 * and are no change a seller made or should hear about.
 */
function differs(product: Product, fields: Omit<KaspiFields, 'price'> & { price: number }): boolean {
  const seen = (offer: Omit<KaspiFields, 'price' | 'shopLink'> & { price: number }) => ({
    masterSku: offer.masterSku,
    title: offer.title,
    brand: offer.brand ?? null,
    price: offer.price,
    cityPrices: [...(offer.cityPrices ?? [])].sort((x, y) => x.cityId.localeCompare(y.cityId)),
    onSale: offer.onSale,
    points: (offer.availabilities ?? [])
      .map((point) => ({ storeId: point.storeId, available: point.available, preOrder: point.preOrder ?? 0 }))
      .sort((x, y) => x.storeId.localeCompare(y.storeId)),
  });
  return canonical(seen(product)) !== canonical(seen(fields));
}

/** JSON with sorted keys: PostgreSQL's jsonb hands objects back in its own key order, which is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
