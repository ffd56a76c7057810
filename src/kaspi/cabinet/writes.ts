import type { Logger } from '../../logger.js';
import type { CookieJar } from '../cookie-jar.js';
import { KaspiRateLimitedError } from '../errors.js';
import type { KaspiLimits } from '../limits/kaspi-limits.js';
import type { PointSaveBody, PricefeedItem, ValidationOffer } from '../offer-writes.js';
import { jobResponse, parseKaspi, validationResponse } from '../schemas.js';
import type { CabinetTransport } from './transport.js';

/** No source states a maximum batch length; stay small (REFERENCE §3.2). */
export const MAX_BATCH_ITEMS = 50;

export interface WriteResult<Item = PricefeedItem> {
  /** Kaspi's job id for the accepted write. */
  jobId: string;
  /** Items sent in this write. */
  sent: Item[];
  /** Items not sent because the store's 30-minute change budget is spent; retry after `retryInMs`. */
  deferred: Item[];
  retryInMs: number;
}

/**
 * The cabinet's writes (validate, point save, batch, price-list file), each within the merchant's write limits
 * and the store's change budget.
 */
export class CabinetWrites {
  constructor(
    private readonly transport: CabinetTransport,
    private readonly limits: KaspiLimits,
    private readonly logger: Logger,
  ) {}

  /** The cabinet's check before a save (`ON_SALE__PRICE_SAVE`) or before offers go on sale (`ON_SALE__BATCH`). */
  async validate(
    jar: CookieJar,
    merchantUid: string,
    action: 'ON_SALE__BATCH' | 'ON_SALE__PRICE_SAVE',
    offers: ValidationOffer[],
  ) {
    const response = await this.transport.read(
      jar,
      'cabinet.validate',
      'POST',
      '/offer-validation-api/merchant/offer/validate/v2',
      { merchantUid, action, offers },
    );
    return parseKaspi(validationResponse, response.json, 'cabinet.validate');
  }

  /**
   * The cabinet's «Цена и остатки» save of one point (`pricefeed/upload/merchant/process`), after the same
   * `validate/v2` the cabinet asks first; refused offers come back as `refused` and nothing is written.
   */
  async savePoint(
    jar: CookieJar,
    merchantUid: string,
    save: { body: PointSaveBody; validation: ValidationOffer },
  ): Promise<WriteResult<PointSaveBody> & { refused?: unknown[] }> {
    const checked = await this.validate(jar, merchantUid, 'ON_SALE__PRICE_SAVE', [save.validation]);
    if (!checked.valid) return { jobId: '', sent: [], deferred: [], retryInMs: 0, refused: checked.errorOffers ?? [] };
    return this.write(
      jar,
      merchantUid,
      [save.body],
      'cabinet.pricefeed-process',
      '/pricefeed/upload/merchant/process',
      (items) => items[0],
    );
  }

  /** Batch write (`…/process/process/batch`), at most MAX_BATCH_ITEMS items per request. */
  async writeBatch(jar: CookieJar, merchantUid: string, items: PricefeedItem[]): Promise<WriteResult> {
    if (items.length > MAX_BATCH_ITEMS)
      throw new Error(`a batch write takes at most ${MAX_BATCH_ITEMS} items, got ${items.length}`);
    for (const item of items) {
      if (item.availabilities.some((availability) => 'stockCount' in availability)) {
        throw new Error(`batch item ${item.sku} carries stockCount; Kaspi takes such offers off sale`);
      }
    }
    return this.write(
      jar,
      merchantUid,
      items,
      'cabinet.pricefeed-batch',
      '/pricefeed/upload/merchant/process/process/batch',
      (batch) => batch,
    );
  }

  /** Uploads a price-list file (xlsx); `unfinished` when Kaspi is still processing the previous file. */
  async uploadPriceList(
    jar: CookieJar,
    merchantUid: string,
    file: Buffer,
    fileName: string,
    rows: number,
  ): Promise<{ fileId: string } | { unfinished: true }> {
    await this.limits.cabinetWriteSlot(merchantUid);
    const granted = await this.limits.takeChanges(merchantUid, rows);
    if (granted.granted < rows) {
      throw new KaspiRateLimitedError(
        `price list of ${rows} rows exceeds the changes left in this 30-minute window`,
        'cabinet.price-list-upload',
        granted.retryInMs,
        'store-changes',
      );
    }
    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(file)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
      fileName,
    );
    const response = await this.guardWrite(merchantUid, () =>
      this.transport.write(
        jar,
        'cabinet.price-list-upload',
        `/pricefeed/upload/merchant/upload?merchantUid=${encodeURIComponent(merchantUid)}`,
        form,
        'text',
      ),
    );
    if (response.text.includes('Unfinished file found')) return { unfinished: true };
    return { fileId: parseKaspi(jobResponse, JSON.parse(response.text), 'cabinet.price-list-upload').id };
  }

  private async write<Item extends { merchantUid: string; sku: string }>(
    jar: CookieJar,
    merchantUid: string,
    items: Item[],
    endpoint: string,
    path: string,
    body: (items: Item[]) => unknown,
  ): Promise<WriteResult<Item>> {
    for (const item of items)
      if (item.merchantUid !== merchantUid)
        throw new Error(`item ${item.sku} belongs to merchant ${item.merchantUid}, not ${merchantUid}`);
    await this.limits.assertWritesAllowed(merchantUid);
    const { granted, retryInMs } = await this.limits.takeChanges(merchantUid, items.length);
    const sent = items.slice(0, granted);
    const deferred = items.slice(granted);
    if (sent.length === 0) return { jobId: '', sent, deferred, retryInMs };
    await this.limits.cabinetWriteSlot(merchantUid);
    const response = await this.guardWrite(merchantUid, () =>
      this.transport.write(jar, endpoint, path, body(sent), 'json'),
    );
    return { jobId: parseKaspi(jobResponse, response.json, endpoint).id, sent, deferred, retryInMs };
  }

  /** A 429 on any write freezes every write of the merchant, in every process, for Kaspi's block time. */
  private async guardWrite<T>(merchantUid: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof KaspiRateLimitedError && error.scope !== 'storefront') {
        await this.limits.freezeMerchant(merchantUid, error);
        this.logger.error(
          { merchantUid, retryAfterMs: error.retryAfterMs },
          'Kaspi refused a write with 429; all writes of this merchant are frozen',
        );
      }
      throw error;
    }
  }
}
