import type { StorePoint } from '../db/entities/store.js';
import type { KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import type { CookieJar } from '../kaspi/cookie-jar.js';
import { KaspiTransientError } from '../kaspi/errors.js';
import {
  buildPointSave,
  buildPricefeedItem,
  OfferWriteError,
  prefixStoreId,
  type PricefeedItem,
} from '../kaspi/offer-writes.js';
import { refusalCodes } from '../kaspi/refusals.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import type { PriceOutbox } from './outbox.js';

export const BUDGET_SPENT = 'not sent: the store’s 30-minute change budget is spent';

export interface CabinetSession {
  jar: CookieJar;
  merchantUid: string;
}

/** What became of one product's recorded changes; the changes are settled on record accordingly. */
export type ProductWriteOutcome =
  | { status: 'sent' }
  | { status: 'refused'; codes: string[] }
  | { status: 'budget-spent'; retryInMs: number }
  | { status: 'cannot-write'; why: string };

/** One product's item of a batch, with the recorded changes it carries. */
export interface BatchEntry<Key> {
  key: Key;
  changeIds: number[];
  item: PricefeedItem;
}

/**
 * Sends recorded price changes to the cabinet and moves them on in the outbox: sent when Kaspi took the write
 * (or may have: a timeout is never resent, the read-back decides), failed when it was never sent. Callers hold
 * the products' write locks from their read of the offer until this returns.
 */
export class PriceWrites {
  constructor(
    private readonly cabinet: KaspiCabinetClient,
    private readonly outbox: PriceOutbox,
  ) {}

  /**
   * Writes one product's decided cities. One city of an offer sold in several, with one point there, is the
   * cabinet's own single-point save (validated first, only that city's price); anything else is one batch item
   * carrying every city at its own price.
   */
  async writeProduct(
    session: CabinetSession,
    offer: CabinetOffer,
    points: StorePoint[],
    live: Map<string, number>,
    cityPrices: Record<string, number>,
    changeIds: number[],
  ): Promise<ProductWriteOutcome> {
    const { jar, merchantUid } = session;
    const cities = Object.keys(cityPrices);
    let note: string | undefined;
    try {
      const pointThere = onePointIn(merchantUid, offer, points, cities);
      const pointSave =
        live.size > 1 && pointThere
          ? pointSaveOf(merchantUid, offer, pointThere, cityPrices[cities[0]!]!, points)
          : undefined;
      if (pointSave) {
        const result = await this.cabinet.savePoint(jar, merchantUid, pointSave);
        if (result.refused) {
          const codes = refusalCodes(result.refused);
          await this.outbox.failUnsent(changeIds, `refused by Kaspi's validation: ${codes.join(', ')}`);
          return { status: 'refused', codes };
        }
        if (result.sent.length === 0) return this.budgetSpent(changeIds, result.retryInMs);
      } else {
        const item = buildPricefeedItem(merchantUid, offer, { cityPrices }, points);
        const result = await this.cabinet.writeBatch(jar, merchantUid, [item]);
        if (result.sent.length === 0) return this.budgetSpent(changeIds, result.retryInMs);
      }
    } catch (error) {
      if (!(error instanceof KaspiTransientError)) {
        await this.outbox.failUnsent(changeIds, `not sent: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof OfferWriteError) return { status: 'cannot-write', why: error.message };
        throw error;
      }
      // Kaspi may have taken it: the read-back decides, never a second write.
      note = `outcome unknown (${error.message}); verified by read-back`;
    }
    await this.outbox.markSent(changeIds, note);
    return { status: 'sent' };
  }

  /**
   * Writes one batch (at most 50 items). Items Kaspi took are sent; those its change budget deferred are failed
   * with `deferredReason` and returned as deferred. A timeout marks every item sent with the outcome unknown;
   * any other error fails them all as not sent and is thrown.
   */
  async writeBatch<Key>(
    session: CabinetSession,
    entries: BatchEntry<Key>[],
    deferredReason: (retryInMs: number) => string,
  ): Promise<{ sent: BatchEntry<Key>[]; deferred: BatchEntry<Key>[]; budgetSpent: boolean; retryInMs: number }> {
    const allIds = entries.flatMap((entry) => entry.changeIds);
    let written;
    try {
      written = await this.cabinet.writeBatch(
        session.jar,
        session.merchantUid,
        entries.map((entry) => entry.item),
      );
    } catch (error) {
      if (error instanceof KaspiTransientError) {
        // Kaspi may or may not have taken the batch. Never resend blindly: sent, and the read-back settles it.
        await this.outbox.markSent(allIds, `outcome unknown (${error.message}); verified by read-back`);
        return { sent: entries, deferred: [], budgetSpent: false, retryInMs: 0 };
      }
      await this.outbox.failUnsent(allIds, `not sent: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    const sentSkus = new Set(written.sent.map((item) => item.sku));
    const sent = entries.filter((entry) => sentSkus.has(entry.item.sku));
    const deferred = entries.filter((entry) => !sentSkus.has(entry.item.sku));
    await this.outbox.markSent(sent.flatMap((entry) => entry.changeIds));
    await this.outbox.failUnsent(
      deferred.flatMap((entry) => entry.changeIds),
      deferredReason(written.retryInMs),
    );
    return { sent, deferred, budgetSpent: written.deferred.length > 0, retryInMs: written.retryInMs };
  }

  private async budgetSpent(changeIds: number[], retryInMs: number): Promise<ProductWriteOutcome> {
    await this.outbox.failUnsent(changeIds, BUDGET_SPENT);
    return { status: 'budget-spent', retryInMs };
  }
}

/** The cabinet's single-point save, or undefined where it cannot carry the point as read (an unread stock count). */
function pointSaveOf(merchantUid: string, offer: CabinetOffer, storeId: string, price: number, points: StorePoint[]) {
  try {
    return buildPointSave(merchantUid, offer, storeId, price, points);
  } catch (error) {
    if (error instanceof OfferWriteError) return undefined;
    throw error;
  }
}

/** The offer's single point in the one city being changed, or undefined (several cities, or several points there). */
function onePointIn(
  merchantUid: string,
  offer: CabinetOffer,
  points: StorePoint[],
  cities: string[],
): string | undefined {
  if (cities.length !== 1) return undefined;
  const there = offer.availabilities
    .map((availability) => prefixStoreId(merchantUid, availability.storeId))
    .filter((storeId) => points.find((point) => point.storeId === storeId)?.cityId === cities[0]);
  return there.length === 1 ? there[0] : undefined;
}
