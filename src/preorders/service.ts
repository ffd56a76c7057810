import type { MikroORM } from '@mikro-orm/postgresql';

import {
  PreorderSchema,
  ProductSchema,
  StoreSchema,
  type Preorder,
  type PreorderPoint,
  type Product,
} from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import { MAX_BATCH_ITEMS, type KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import type { CookieJar } from '../kaspi/cookie-jar.js';
import {
  buildPricefeedItem,
  MAX_PREORDER_DAYS,
  OfferWriteError,
  prefixStoreId,
  type PricefeedItem,
} from '../kaspi/offer-writes.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import { buildPriceListFile, priceListFileMisfit } from './price-list-file.js';

export interface PreorderOnKaspi {
  product: Product;
  /** Every point of the offer as the last sync read it: days (0 = in stock), on sale there, stock if given. */
  points: { storeId: string; days: number; available: boolean; stock: number | null }[];
}

export interface UploadOutcome {
  preorderId: number;
  productId: number;
  title: string;
  result: 'sent' | 'not-found' | 'refused' | 'deferred' | 'unchanged';
  why?: string;
}

export type PlanResult =
  { ok: true; preorder: Preorder } | { ok: false; key: string; variables?: Record<string, string | number> };

/** How long a price-list file may take at Kaspi before the seller is told it did not go through. */
const FILE_TIMEOUT_MS = 10 * 60_000;

/** How a failed plan's `error` (English, for the operator and the log) starts, per kind of failure. */
export const PREORDER_FAILURE = {
  notFound: 'offer not found in the cabinet',
  notShown: 'Kaspi does not show the preorder',
  fileRefused: 'Kaspi processed the file with status',
  notSent: 'not sent:',
} as const;

export type PreorderFailure = 'not-found' | 'not-shown' | 'file-refused' | 'not-sent' | 'points' | 'other';

/** What a failed plan's stored error means, for the seller's message (the text itself stays in the log). */
export function preorderFailureOf(error: string | null | undefined): PreorderFailure {
  if (!error) return 'other';
  if (error === PREORDER_FAILURE.notFound) return 'not-found';
  if (error === PREORDER_FAILURE.notShown) return 'not-shown';
  if (error.startsWith(PREORDER_FAILURE.fileRefused)) return 'file-refused';
  if (error.startsWith(PREORDER_FAILURE.notSent)) return 'not-sent';
  // OfferWriteError about the store's points: the synced points no longer match the offer.
  if (/\bpoints?\b|cities/.test(error)) return 'points';
  return 'other';
}

/**
 * Preorders of a store. On Kaspi a preorder is a number of days (0–30) per pickup point — never a flag, never
 * a quantity. The seller plans them here; they reach Kaspi through the price feed (per point, instant) or a
 * price-list file; a read-back confirms what Kaspi shows.
 */
export class PreorderService {
  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: KaspiSessionManager,
    private readonly cabinet: KaspiCabinetClient,
    private readonly logger: Logger,
    private readonly options: { filePollMs?: number } = {},
  ) {}

  /** What Kaspi shows as preorder (from the last sync) and what the seller planned but Kaspi does not show yet. */
  async list(storeId: number): Promise<{ onKaspi: PreorderOnKaspi[]; planned: (Preorder & { product: Product })[] }> {
    const em = this.orm.em.fork();
    const products = await em.find(
      ProductSchema,
      { store: storeId, removedAt: null },
      { orderBy: { title: 'ASC', id: 'ASC' } },
    );
    const onKaspi = products
      .filter((product) => product.availabilities.some((point) => (point.preOrder ?? 0) > 0))
      .map((product) => ({
        product,
        points: product.availabilities.map((point) => ({
          storeId: point.storeId,
          days: point.preOrder ?? 0,
          available: point.available === 'yes',
          stock: typeof point.stockCount === 'number' && point.stockSpecified !== false ? point.stockCount : null,
        })),
      }));
    const planned = (await em.find(
      PreorderSchema,
      { store: storeId, status: { $ne: 'confirmed' } },
      { populate: ['product'], orderBy: { id: 'ASC' } },
    )) as (Preorder & {
      product: Product;
    })[];
    return { onKaspi, planned };
  }

  /**
   * Plans days per point for a product (replacing an earlier plan). Days 0 takes a point off preorder; points
   * not named keep what Kaspi has. Every point must be one of the offer's points.
   */
  async plan(storeId: number, productId: number, points: PreorderPoint[]): Promise<PlanResult> {
    const em = this.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, storeId);
    const product = await em.findOne(ProductSchema, { id: productId, store, removedAt: null });
    if (!product) return { ok: false, key: 'preorder-unknown-product' };
    if (points.length === 0) return { ok: false, key: 'preorder-no-points' };
    const known = new Set(product.availabilities.map((point) => prefixStoreId(store.merchantUid, point.storeId)));
    const normalized: PreorderPoint[] = [];
    for (const point of points) {
      const storeIdOfPoint = prefixStoreId(store.merchantUid, point.storeId);
      if (!known.has(storeIdOfPoint))
        return { ok: false, key: 'preorder-unknown-point', variables: { point: point.storeId } };
      if (!Number.isInteger(point.days) || point.days < 0 || point.days > MAX_PREORDER_DAYS)
        return { ok: false, key: 'preorder-bad-days', variables: { days: String(point.days) } };
      normalized.push({ storeId: storeIdOfPoint, days: point.days });
    }
    let preorder = await em.findOne(PreorderSchema, { product });
    if (!preorder) preorder = em.create(PreorderSchema, { store, product, points: normalized, status: 'planned' });
    else
      Object.assign(preorder, {
        points: normalized,
        status: 'planned',
        error: null,
        kaspiFileId: null,
        uploadMethod: null,
      });
    await em.flush();
    return { ok: true, preorder };
  }

  /** Takes a product off preorder at every point it has (days 0), as a plan to upload. */
  async planRemoval(storeId: number, productId: number): Promise<PlanResult> {
    const product = await this.orm.em.fork().findOne(ProductSchema, { id: productId, store: storeId });
    if (!product) return { ok: false, key: 'preorder-unknown-product' };
    return this.plan(
      storeId,
      productId,
      product.availabilities.map((point) => ({ storeId: point.storeId, days: 0 })),
    );
  }

  async cancelPlan(storeId: number, preorderId: number): Promise<boolean> {
    return (
      (await this.orm.em
        .fork()
        .nativeDelete(PreorderSchema, { id: preorderId, store: storeId, status: { $in: ['planned', 'failed'] } })) > 0
    );
  }

  /**
   * The fast path: one price-feed batch per 50 offers, each re-read first and echoed exactly as Kaspi has it
   * (price, availability, stock untouched), only `preOrder` of the planned points changed.
   */
  async uploadViaPricefeed(storeId: number, preorderIds?: number[]): Promise<UploadOutcome[]> {
    const em = this.orm.em.fork();
    const preorders = await this.uploadable(em, storeId, preorderIds);
    const outcomes: UploadOutcome[] = [];
    await this.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
      const ready: { preorder: Preorder & { product: Product }; item: PricefeedItem }[] = [];
      for (const preorder of preorders) {
        const outcome = (result: UploadOutcome['result'], why?: string) =>
          outcomes.push({
            preorderId: preorder.id,
            productId: preorder.product.id,
            title: preorder.product.title,
            result,
            why,
          });
        const fresh = await this.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
        if (!fresh) {
          this.fail(preorder, PREORDER_FAILURE.notFound);
          outcome('not-found');
          continue;
        }
        if (this.shows(fresh, merchantUid, preorder.points)) {
          preorder.status = 'confirmed';
          preorder.product.availabilities = fresh.availabilities as Product['availabilities'];
          outcome('unchanged');
          continue;
        }
        try {
          const days = Object.fromEntries(preorder.points.map((point) => [point.storeId, point.days]));
          ready.push({ preorder, item: buildPricefeedItem(merchantUid, fresh, { preOrderDays: days }, store.points) });
        } catch (error) {
          if (!(error instanceof OfferWriteError)) throw error;
          this.fail(preorder, error.message);
          outcome('refused', error.message);
        }
      }
      for (let start = 0; start < ready.length; start += MAX_BATCH_ITEMS) {
        const chunk = ready.slice(start, start + MAX_BATCH_ITEMS);
        for (const entry of chunk) entry.preorder.status = 'uploading';
        await em.flush(); // the attempt is on record before Kaspi hears of it
        const written = await this.cabinet
          .writeBatch(
            jar,
            merchantUid,
            chunk.map((entry) => entry.item),
          )
          .catch(async (error: unknown) => {
            for (const entry of ready.slice(start))
              this.fail(
                entry.preorder,
                `${PREORDER_FAILURE.notSent} ${error instanceof Error ? error.message : String(error)}`,
              );
            await em.flush();
            throw error;
          });
        const sentSkus = new Set(written.sent.map((item) => item.sku));
        for (const entry of chunk) {
          const sent = sentSkus.has(entry.item.sku);
          if (sent) Object.assign(entry.preorder, { status: 'uploaded', uploadMethod: 'pricefeed', error: null });
          else Object.assign(entry.preorder, { status: 'planned', error: 'the 30-minute change budget is spent' });
          outcomes.push({
            preorderId: entry.preorder.id,
            productId: entry.preorder.product.id,
            title: entry.preorder.product.title,
            result: sent ? 'sent' : 'deferred',
          });
        }
        if (written.deferred.length) {
          for (const rest of ready.slice(start + MAX_BATCH_ITEMS)) {
            rest.preorder.status = 'planned';
            outcomes.push({
              preorderId: rest.preorder.id,
              productId: rest.preorder.product.id,
              title: rest.preorder.product.title,
              result: 'deferred',
            });
          }
          break;
        }
      }
    });
    await em.flush();
    this.logger.info(
      { storeId, outcomes: outcomes.length, sent: outcomes.filter((outcome) => outcome.result === 'sent').length },
      'preorders sent through the price feed',
    );
    return outcomes;
  }

  /**
   * The cabinet's price-list file (`SKU | model | brand | price | PP1..PP5 | preorder`): one `preorder` value
   * per row, so only plans with the same days at every planned point go this way; the rest are returned for
   * the price feed. Prices and availabilities are echoed as Kaspi shows them now.
   */
  async uploadViaFile(
    storeId: number,
    onStatus?: (status: string) => void,
  ): Promise<{ fileId: string | null; outcomes: UploadOutcome[]; status: string }> {
    const em = this.orm.em.fork();
    const preorders = await this.uploadable(em, storeId);
    const outcomes: UploadOutcome[] = [];
    const result = await this.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
      const rows: { preorder: Preorder & { product: Product }; offer: CabinetOffer; days: number }[] = [];
      for (const preorder of preorders) {
        const offer = await this.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
        if (!offer) {
          this.fail(preorder, PREORDER_FAILURE.notFound);
          outcomes.push({
            preorderId: preorder.id,
            productId: preorder.product.id,
            title: preorder.product.title,
            result: 'not-found',
          });
          continue;
        }
        const misfit = priceListFileMisfit(merchantUid, offer, preorder.points, store.points);
        if (misfit) {
          outcomes.push({
            preorderId: preorder.id,
            productId: preorder.product.id,
            title: preorder.product.title,
            result: 'refused',
            why: misfit,
          });
          continue;
        }
        rows.push({ preorder, offer, days: preorder.points[0]!.days });
      }
      if (rows.length === 0) return { fileId: null, status: 'EMPTY' };
      const file = await buildPriceListFile(
        merchantUid,
        rows.map((row) => ({ offer: row.offer, preorderDays: row.days })),
        store.points,
      );
      for (const row of rows) row.preorder.status = 'uploading';
      await em.flush();
      const fileId = await this.uploadFile(jar, merchantUid, file, rows.length, onStatus);
      if (!fileId) {
        for (const row of rows)
          Object.assign(row.preorder, {
            status: 'planned',
            error: 'Kaspi is still processing an earlier price-list file',
          });
        for (const row of rows)
          outcomes.push({
            preorderId: row.preorder.id,
            productId: row.preorder.product.id,
            title: row.preorder.product.title,
            result: 'deferred',
            why: 'UNFINISHED',
          });
        return { fileId: null, status: 'UNFINISHED' };
      }
      for (const row of rows) Object.assign(row.preorder, { kaspiFileId: fileId, uploadMethod: 'file' });
      await em.flush();
      const status = await this.waitForFile(jar, merchantUid, fileId, onStatus);
      for (const row of rows) {
        if (status === 'FLUSHED') row.preorder.status = 'uploaded';
        else this.fail(row.preorder, `${PREORDER_FAILURE.fileRefused} ${status}`);
        outcomes.push({
          preorderId: row.preorder.id,
          productId: row.preorder.product.id,
          title: row.preorder.product.title,
          result: status === 'FLUSHED' ? 'sent' : 'refused',
          why: status,
        });
      }
      return { fileId, status };
    });
    await em.flush();
    return { ...result, outcomes };
  }

  /** Reads uploaded preorders back: confirmed when Kaspi shows the days at every planned point. */
  async verify(storeId: number, timeoutMs = 30 * 60_000): Promise<{ confirmed: Preorder[]; notShown: Preorder[] }> {
    const em = this.orm.em.fork();
    const uploaded = (await em.find(
      PreorderSchema,
      { store: storeId, status: 'uploaded' },
      { populate: ['product'] },
    )) as (Preorder & { product: Product })[];
    const confirmed: Preorder[] = [];
    const notShown: Preorder[] = [];
    if (uploaded.length === 0) return { confirmed, notShown };
    await this.sessions.withSession(storeId, async ({ jar, merchantUid }) => {
      for (const preorder of uploaded) {
        const fresh = await this.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
        if (fresh && this.shows(fresh, merchantUid, preorder.points)) {
          preorder.status = 'confirmed';
          preorder.product.availabilities = fresh.availabilities as Product['availabilities'];
          confirmed.push(preorder);
        } else if (Date.now() - preorder.updatedAt.getTime() > timeoutMs) {
          this.fail(preorder, PREORDER_FAILURE.notShown);
          notShown.push(preorder);
        }
      }
    });
    await em.flush();
    return { confirmed, notShown };
  }

  private async uploadable(em: ReturnType<MikroORM['em']['fork']>, storeId: number, ids?: number[]) {
    return (await em.find(
      PreorderSchema,
      { store: storeId, status: { $in: ['planned', 'failed'] }, ...(ids ? { id: { $in: ids } } : {}) },
      { populate: ['product'], orderBy: { id: 'ASC' } },
    )) as (Preorder & { product: Product })[];
  }

  private shows(offer: CabinetOffer, merchantUid: string, points: PreorderPoint[]): boolean {
    return points.every((point) => {
      const live = offer.availabilities.find(
        (availability) => prefixStoreId(merchantUid, availability.storeId) === point.storeId,
      );
      return live !== undefined && (live.preOrder ?? 0) === point.days;
    });
  }

  private fail(preorder: Preorder, error: string): void {
    preorder.status = 'failed';
    preorder.error = error;
  }

  /** «Unfinished file found»: Kaspi still processes an earlier file; wait for it a few times, then give up. */
  private async uploadFile(
    jar: CookieJar,
    merchantUid: string,
    file: Buffer,
    rows: number,
    onStatus?: (status: string) => void,
  ): Promise<string | undefined> {
    const pollMs = this.options.filePollMs ?? 5_000;
    for (let attempt = 0; attempt < 5; attempt++) {
      const uploaded = await this.cabinet.uploadPriceList(
        jar,
        merchantUid,
        file,
        `preorders-${merchantUid}.xlsx`,
        rows,
      );
      if ('fileId' in uploaded) return uploaded.fileId;
      onStatus?.('UNFINISHED');
      await new Promise((resolve) => setTimeout(resolve, pollMs * (attempt + 1)));
    }
    return undefined;
  }

  private async waitForFile(
    jar: CookieJar,
    merchantUid: string,
    fileId: string,
    onStatus?: (status: string) => void,
  ): Promise<string> {
    const pollMs = this.options.filePollMs ?? 5_000;
    const deadline = Date.now() + FILE_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      const { status } = await this.cabinet.priceListStatus(jar, merchantUid, fileId);
      if (status !== last) onStatus?.(status);
      last = status;
      if (status === 'FLUSHED' || status === 'ERROR' || status === 'FAILED') return status;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return 'TIMEOUT';
  }
}
