import type { MikroORM } from '@mikro-orm/postgresql';

import { applySettledPrice, cityLabel, cityNameOf, mainCityOf, setCityPrice } from '../catalog/city-prices.js';
import { PriceChangeSchema, type PriceChange } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { KaspiSessionExpiredError } from '../kaspi/errors.js';
import type { Kaspi } from '../kaspi/index.js';
import { cityPriceOf } from '../kaspi/offer-writes.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { INTERRUPTED_NOTE, PriceOutbox } from '../pricing/outbox.js';
import { ProductWriteLock } from '../pricing/write-lock.js';
import type { DemperNotifier } from './notifier.js';

export interface ReadBackCounts {
  applied: number;
  failed: number;
  errors: { storeId: number; message: string }[];
}

export interface ReadBackOptions {
  orm: MikroORM;
  kaspi: Kaspi;
  sessions: KaspiSessionManager;
  notifier: DemperNotifier;
  logger: Logger;
  verifyAfterMs: number;
  verifyTimeoutMs: number;
  /** The process's price-write lock (the engine shares its own); a new one on the same database otherwise. */
  writeLock?: ProductWriteLock;
}

/**
 * Settles sent price changes by reading each offer back from the cabinet: applied when Kaspi shows the change's
 * city at the new price, failed (and reported) after the timeout. Works from the database alone, so a restarted
 * process settles what a dead one sent. Each settlement is the outbox's conditional move: when a manual
 * read-back or another worker settles a change first, this one neither counts it nor tells the seller.
 */
export class DemperReadBack {
  private readonly outbox: PriceOutbox;
  private readonly lock: ProductWriteLock;

  constructor(private readonly options: ReadBackOptions) {
    this.outbox = new PriceOutbox(options.orm);
    this.lock = options.writeLock ?? new ProductWriteLock(options.orm);
  }

  /**
   * A writer killed between recording a change and marking it sent leaves it `planned`: it may or may not have
   * reached Kaspi. Whoever recorded it (the demper, a manual edit, an import, a rollback), it is never re-sent
   * blindly; it becomes `sent` with that note and the read-back settles it (see PriceOutbox.recoverInterrupted).
   */
  async recoverInterrupted(storeId?: number): Promise<void> {
    const recovered = await this.outbox.recoverInterrupted(this.lock, storeId);
    if (recovered) this.options.logger.warn({ changes: recovered }, 'recovered price changes of an interrupted run');
  }

  async verifyPending(summary: ReadBackCounts, storeId?: number): Promise<void> {
    const em = this.options.orm.em.fork();
    const cutoff = new Date(Date.now() - this.options.verifyAfterMs);
    const pending = await em.find(
      PriceChangeSchema,
      { status: 'sent', sentAt: { $lte: cutoff }, ...(storeId ? { store: storeId } : {}) },
      { populate: ['product', 'store'], orderBy: { id: 'ASC' } },
    );
    const byStore = new Map<number, PriceChange[]>();
    for (const change of pending) byStore.set(change.store.id, [...(byStore.get(change.store.id) ?? []), change]);
    for (const [id, changes] of byStore) {
      const recoveredApplied: PriceChange[] = [];
      try {
        await this.options.sessions.withSession(id, async ({ jar, merchantUid, store }) => {
          const reads = new Map<string, Awaited<ReturnType<Kaspi['cabinet']['findOffer']>>>();
          for (const change of changes) {
            const { product } = change;
            // One read per offer, whatever number of its cities moved.
            if (!reads.has(product.sku))
              reads.set(product.sku, await this.options.kaspi.cabinet.findOffer(jar, merchantUid, product.sku));
            const fresh = reads.get(product.sku);
            const cityId = change.cityId ?? mainCityOf(product, store.points);
            const shown = fresh && cityId ? cityPriceOf(merchantUid, fresh, store.points, cityId) : undefined;
            if (shown === change.newPrice) {
              if (!(await this.outbox.settle(change.id, 'applied'))) continue;
              applySettledPrice(product, store.points, cityId!, change);
              summary.applied++;
              if (change.error === INTERRUPTED_NOTE && change.source !== 'manual') recoveredApplied.push(change);
            } else if (Date.now() - (change.sentAt?.getTime() ?? 0) > this.options.verifyTimeoutMs) {
              const why = `Kaspi did not apply the price (shows ${shown ?? 'no offer'})`;
              if (!(await this.outbox.settle(change.id, 'failed', why))) continue;
              if (shown !== undefined && cityId) setCityPrice(product, store.points, cityId, shown);
              summary.failed++;
              // A manual change has a follow-up of its own that edits its «отправлено» report: one word each.
              if (change.source === 'manual') continue;
              await this.options.notifier.alert(id, {
                kind: 'not-applied',
                productId: product.id,
                sku: product.sku,
                title: product.title,
                cityName: cityId ? cityNameOf(store.points, cityId) : undefined,
                details: {
                  old: change.oldPrice,
                  newPrice: change.newPrice,
                  ...(shown !== undefined ? { shown } : {}),
                },
              });
            }
          }
        });
      } catch (error) {
        summary.errors.push({
          storeId: id,
          message: `verification: ${error instanceof Error ? error.message : String(error)}`,
        });
        if (error instanceof KaspiSessionExpiredError)
          await this.options.notifier.alert(id, { kind: 'session-expired' });
      }
      // The products' prices only: the changes themselves moved in the outbox, their loaded rows are left as read.
      await em.flush();
      // The run that sent these died before its digest: without this the seller never hears that Kaspi took them.
      if (recoveredApplied.length) {
        await this.options.notifier.digest(
          id,
          recoveredApplied.map((change) => ({
            productId: change.product.id,
            sku: change.product.sku,
            title: change.product.title,
            oldPrice: change.oldPrice,
            newPrice: change.newPrice,
            reason: change.reasonText,
            rivalName: undefined,
            rivalPrice: change.cheapestRivalPrice ?? undefined,
            cityId: change.cityId ?? undefined,
            cityName: change.cityId ? cityLabel(change.store.points, change.cityId) : undefined,
          })),
          false,
        );
      }
    }
  }
}
