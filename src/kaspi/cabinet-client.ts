import type { StorePoint } from '../db/entities/store.js';
import type { Logger } from '../logger.js';
import { readOfferList, type ListProgress, type OfferListRead } from './cabinet/offer-list.js';
import { findOffer, getMerchant, listMerchants, offerDetails, priceListStatus } from './cabinet/reads.js';
import { CabinetTransport } from './cabinet/transport.js';
import { CabinetWrites, type WriteResult } from './cabinet/writes.js';
import type { CookieJar } from './cookie-jar.js';
import type { KaspiHttp } from './http.js';
import type { KaspiLimits } from './limits/kaspi-limits.js';
import type { PointSaveBody, PricefeedItem, ValidationOffer } from './offer-writes.js';
import type { CabinetOffer } from './schemas.js';

export { MAX_BATCH_ITEMS } from './cabinet/writes.js';
export type { ListProgress, OfferListRead, WriteResult };

export interface CabinetClientOptions {
  http: KaspiHttp;
  limits: KaspiLimits;
  mcUrl: string;
  shopUrl: string;
  logger: Logger;
}

/**
 * The merchant cabinet (`mc.shop.kaspi.kz`) for one logged-in account, identified by its cookie jar. The jar
 * is updated in place with every refreshed `Set-Cookie`; the session manager persists it afterwards. The
 * request plumbing, the offer list, the other reads and the writes each live in `./cabinet/`.
 */
export class KaspiCabinetClient {
  private readonly transport: CabinetTransport;
  private readonly writes: CabinetWrites;

  constructor(private readonly options: CabinetClientOptions) {
    this.transport = new CabinetTransport(options.http, options.mcUrl, options.shopUrl);
    this.writes = new CabinetWrites(this.transport, options.limits, options.logger);
  }

  listMerchants(jar: CookieJar): Promise<{ uid: string; name: string | undefined }[]> {
    return listMerchants(this.transport, jar);
  }

  getMerchant(
    jar: CookieJar,
    merchantUid: string,
  ): Promise<{ uid: string; name: string; logoUrl: string | undefined; points: StorePoint[] }> {
    return getMerchant(this.transport, this.options.logger, jar, merchantUid);
  }

  /** Every offer of one list, all pages, item by item; see `readOfferList` in `./cabinet/offer-list.ts`. */
  readOfferList(
    jar: CookieJar,
    merchantUid: string,
    onSale: boolean,
    onProgress?: (progress: ListProgress) => void,
  ): Promise<OfferListRead> {
    return readOfferList(this.transport, jar, merchantUid, onSale, onProgress);
  }

  /** The readable offers of one list (see `readOfferList` for what could not be read and whether all was). */
  async listOffers(
    jar: CookieJar,
    merchantUid: string,
    onSale: boolean,
    onProgress?: (progress: ListProgress) => void,
  ): Promise<CabinetOffer[]> {
    return (await this.readOfferList(jar, merchantUid, onSale, onProgress)).offers;
  }

  /** One offer by SKU, as the list returns it (re-read before a write, read again to verify it). */
  findOffer(jar: CookieJar, merchantUid: string, sku: string): Promise<CabinetOffer | undefined> {
    return findOffer(this.transport, jar, merchantUid, sku);
  }

  offerDetails(jar: CookieJar, merchantUid: string, sku: string) {
    return offerDetails(this.transport, jar, merchantUid, sku);
  }

  /** The cabinet's check before a save (`ON_SALE__PRICE_SAVE`) or before offers go on sale (`ON_SALE__BATCH`). */
  validate(
    jar: CookieJar,
    merchantUid: string,
    action: 'ON_SALE__BATCH' | 'ON_SALE__PRICE_SAVE',
    offers: ValidationOffer[],
  ) {
    return this.writes.validate(jar, merchantUid, action, offers);
  }

  /** The cabinet's «Цена и остатки» save of one point, after the `validate/v2` the cabinet asks first. */
  savePoint(
    jar: CookieJar,
    merchantUid: string,
    save: { body: PointSaveBody; validation: ValidationOffer },
  ): Promise<WriteResult<PointSaveBody> & { refused?: unknown[] }> {
    return this.writes.savePoint(jar, merchantUid, save);
  }

  /** Batch write (`…/process/process/batch`), at most MAX_BATCH_ITEMS items per request. */
  writeBatch(jar: CookieJar, merchantUid: string, items: PricefeedItem[]): Promise<WriteResult> {
    return this.writes.writeBatch(jar, merchantUid, items);
  }

  /** Uploads a price-list file (xlsx); `unfinished` when Kaspi is still processing the previous file. */
  uploadPriceList(
    jar: CookieJar,
    merchantUid: string,
    file: Buffer,
    fileName: string,
    rows: number,
  ): Promise<{ fileId: string } | { unfinished: true }> {
    return this.writes.uploadPriceList(jar, merchantUid, file, fileName, rows);
  }

  priceListStatus(jar: CookieJar, merchantUid: string, fileId: string) {
    return priceListStatus(this.transport, jar, merchantUid, fileId);
  }
}
