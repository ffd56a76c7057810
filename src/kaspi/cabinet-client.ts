import type { StorePoint } from '../db/entities/store.js';
import type { Logger } from '../logger.js';
import type { CookieJar } from './cookie-jar.js';
import { KaspiRateLimitedError, KaspiTransientError } from './errors.js';
import type { KaspiHttp, KaspiRequest } from './http.js';
import type { KaspiLimits } from './limits/kaspi-limits.js';
import type { PricefeedItem } from './offer-writes.js';
import {
  fileStatusResponse,
  getMerchantResponse,
  jobResponse,
  merchantsResponse,
  offerDetailsResponse,
  offerListResponse,
  parseKaspi,
  validationResponse,
  type CabinetOffer,
} from './schemas.js';

/** Kaspi's list returns exactly 100 per page at l=100 (REFERENCE §2.1). */
export const OFFER_PAGE_SIZE = 100;
/** No source states a maximum batch length; stay small (REFERENCE §3.2). */
export const MAX_BATCH_ITEMS = 50;

export interface CabinetClientOptions {
  http: KaspiHttp;
  limits: KaspiLimits;
  mcUrl: string;
  shopUrl: string;
  logger: Logger;
}

export interface WriteResult {
  /** Kaspi's job id for the accepted write. */
  jobId: string;
  /** Items sent in this write. */
  sent: PricefeedItem[];
  /** Items not sent because the store's 30-minute change budget is spent; retry after `retryInMs`. */
  deferred: PricefeedItem[];
  retryInMs: number;
}

export interface ListProgress {
  onSale: boolean;
  fetched: number;
  total: number;
}

/**
 * The merchant cabinet (`mc.shop.kaspi.kz`) for one logged-in account, identified by its cookie jar. The jar
 * is updated in place with every refreshed `Set-Cookie`; the session manager persists it afterwards.
 */
export class KaspiCabinetClient {
  private readonly origin: string;

  constructor(private readonly options: CabinetClientOptions) {
    this.origin = new URL(options.shopUrl).origin;
  }

  async listMerchants(jar: CookieJar): Promise<{ uid: string; name: string | undefined }[]> {
    const response = await this.read(jar, 'cabinet.merchants', 'GET', '/s/m');
    return parseKaspi(merchantsResponse, response.json, 'cabinet.merchants').merchants.map(({ uid, name }) => ({ uid, name }));
  }

  async getMerchant(jar: CookieJar, merchantUid: string): Promise<{ uid: string; name: string; logoUrl: string | undefined; points: StorePoint[] }> {
    const response = await this.read(jar, 'cabinet.get-merchant', 'POST', '/mc/facade/graphql?opName=getMerchant', {
      operationName: 'getMerchant',
      variables: { id: merchantUid },
      query: 'query getMerchant($id: String!) { merchant(id: $id) { id name logo { url } points { id name enabled virtual type city { id name } } } }',
    });
    const merchant = parseKaspi(getMerchantResponse, response.json, 'cabinet.get-merchant').data.merchant;
    return {
      uid: merchant.id,
      name: merchant.name,
      logoUrl: merchant.logo?.url ?? undefined,
      points: merchant.points.map((point) => {
        const code = point.id.startsWith(`${merchantUid}_`) ? point.id.slice(merchantUid.length + 1) : point.name;
        return {
          storeId: `${merchantUid}_${code}`,
          code,
          name: point.name,
          cityId: point.city.id,
          cityName: point.city.name,
          enabled: point.enabled ?? true,
        };
      }),
    };
  }

  /**
   * Every offer of one list (`a=true`: on sale, `a=false`: off sale), all pages. Throws if the pages do not add
   * up to Kaspi's `total`, so a partial read can never be mistaken for removed products.
   */
  async listOffers(jar: CookieJar, merchantUid: string, onSale: boolean, onProgress?: (progress: ListProgress) => void): Promise<CabinetOffer[]> {
    const offers: CabinetOffer[] = [];
    const seen = new Set<string>();
    let total = 0;
    for (let page = 0; ; page++) {
      const query = new URLSearchParams({ m: merchantUid, p: String(page), l: String(OFFER_PAGE_SIZE), a: String(onSale) });
      const response = await this.read(jar, 'cabinet.offer-list', 'GET', `/bff/offer-view/list?${query}`);
      const body = parseKaspi(offerListResponse, response.json, 'cabinet.offer-list');
      total = body.total;
      for (const offer of body.data) {
        if (seen.has(offer.sku)) continue; // an offer can shift pages while we read
        seen.add(offer.sku);
        offers.push(offer);
      }
      onProgress?.({ onSale, fetched: offers.length, total });
      if (body.data.length < OFFER_PAGE_SIZE || offers.length >= total) break;
      if (page > total / OFFER_PAGE_SIZE + 5) break;
    }
    if (offers.length !== total) {
      throw new KaspiTransientError(`offer list (a=${onSale}) is incomplete: read ${offers.length} of ${total}`, 'cabinet.offer-list', undefined);
    }
    return offers;
  }

  /** One offer by SKU, as the list returns it (used to re-read before a write and to verify after it). */
  async findOffer(jar: CookieJar, merchantUid: string, sku: string): Promise<CabinetOffer | undefined> {
    for (const onSale of [true, false]) {
      const query = new URLSearchParams({ m: merchantUid, p: '0', l: String(OFFER_PAGE_SIZE), a: String(onSale), t: sku });
      const response = await this.read(jar, 'cabinet.offer-search', 'GET', `/bff/offer-view/list?${query}`);
      const match = parseKaspi(offerListResponse, response.json, 'cabinet.offer-search').data.find((offer) => offer.sku === sku);
      if (match) return match;
    }
    return undefined;
  }

  async offerDetails(jar: CookieJar, merchantUid: string, sku: string) {
    const query = new URLSearchParams({ m: merchantUid, s: sku });
    const response = await this.read(jar, 'cabinet.offer-details', 'GET', `/bff/offer-view/details?${query}`);
    return parseKaspi(offerDetailsResponse, response.json, 'cabinet.offer-details');
  }

  async validate(jar: CookieJar, merchantUid: string, action: 'ON_SALE__BATCH' | 'ON_SALE__PRICE_SAVE', offers: unknown[]) {
    const response = await this.read(jar, 'cabinet.validate', 'POST', '/offer-validation-api/merchant/offer/validate/v2', { merchantUid, action, offers });
    return parseKaspi(validationResponse, response.json, 'cabinet.validate');
  }

  /** Single offer write (`pricefeed/upload/merchant/process`). */
  async writeOffer(jar: CookieJar, merchantUid: string, item: PricefeedItem): Promise<WriteResult> {
    return this.write(jar, merchantUid, [item], 'cabinet.pricefeed-process', '/pricefeed/upload/merchant/process', (items) => items[0]);
  }

  /** Batch write (`…/process/process/batch`), at most MAX_BATCH_ITEMS items per request. */
  async writeBatch(jar: CookieJar, merchantUid: string, items: PricefeedItem[]): Promise<WriteResult> {
    if (items.length > MAX_BATCH_ITEMS) throw new Error(`a batch write takes at most ${MAX_BATCH_ITEMS} items, got ${items.length}`);
    for (const item of items) {
      if (item.availabilities.some((availability) => 'stockCount' in availability)) {
        throw new Error(`batch item ${item.sku} carries stockCount; Kaspi takes such offers off sale`);
      }
    }
    return this.write(jar, merchantUid, items, 'cabinet.pricefeed-batch', '/pricefeed/upload/merchant/process/process/batch', (batch) => batch);
  }

  /** Uploads a price-list file (xlsx); `unfinished` when Kaspi is still processing the previous file. */
  async uploadPriceList(jar: CookieJar, merchantUid: string, file: Buffer, fileName: string, rows: number): Promise<{ fileId: string } | { unfinished: true }> {
    await this.options.limits.cabinetWriteSlot(merchantUid);
    const granted = await this.options.limits.takeChanges(merchantUid, rows);
    if (granted.granted < rows) {
      throw new KaspiRateLimitedError(`price list of ${rows} rows exceeds the changes left in this 30-minute window`, 'cabinet.price-list-upload', granted.retryInMs, 'store-changes');
    }
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), fileName);
    const response = await this.guardWrite(merchantUid, () =>
      this.options.http.send({
        ...this.base(jar, 'cabinet.price-list-upload', 'POST', `/pricefeed/upload/merchant/upload?merchantUid=${encodeURIComponent(merchantUid)}`),
        body: form,
        expect: 'text',
        retry: false,
      }),
    );
    if (response.text.includes('Unfinished file found')) return { unfinished: true };
    return { fileId: parseKaspi(jobResponse, JSON.parse(response.text), 'cabinet.price-list-upload').id };
  }

  async priceListStatus(jar: CookieJar, merchantUid: string, fileId: string) {
    const response = await this.read(jar, 'cabinet.price-list-status', 'GET', `/pricefeed/protocol/merchant/file/${encodeURIComponent(fileId)}?m=${encodeURIComponent(merchantUid)}`);
    return parseKaspi(fileStatusResponse, response.json, 'cabinet.price-list-status');
  }

  private async write<T>(
    jar: CookieJar,
    merchantUid: string,
    items: PricefeedItem[],
    endpoint: string,
    path: string,
    body: (items: PricefeedItem[]) => T,
  ): Promise<WriteResult> {
    for (const item of items) if (item.merchantUid !== merchantUid) throw new Error(`item ${item.sku} belongs to merchant ${item.merchantUid}, not ${merchantUid}`);
    await this.options.limits.assertWritesAllowed(merchantUid);
    const { granted, retryInMs } = await this.options.limits.takeChanges(merchantUid, items.length);
    const sent = items.slice(0, granted);
    const deferred = items.slice(granted);
    if (sent.length === 0) return { jobId: '', sent, deferred, retryInMs };
    await this.options.limits.cabinetWriteSlot(merchantUid);
    const response = await this.guardWrite(merchantUid, () =>
      this.options.http.send({ ...this.base(jar, endpoint, 'POST', path), body: body(sent), expect: 'json', retry: false }),
    );
    return { jobId: parseKaspi(jobResponse, response.json, endpoint).id, sent, deferred, retryInMs };
  }

  /** A 429 on any write freezes every write of the merchant, in every process, for Kaspi's block time. */
  private async guardWrite<T>(merchantUid: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof KaspiRateLimitedError && error.scope !== 'storefront') {
        await this.options.limits.freezeMerchant(merchantUid, error);
        this.options.logger.error({ merchantUid, retryAfterMs: error.retryAfterMs }, 'Kaspi refused a write with 429; all writes of this merchant are frozen');
      }
      throw error;
    }
  }

  private async read(jar: CookieJar, endpoint: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    return this.options.http.send({ ...this.base(jar, endpoint, method, path), body, expect: 'json', retry: true });
  }

  private base(jar: CookieJar, endpoint: string, method: 'GET' | 'POST', path: string): Omit<KaspiRequest, 'expect' | 'retry'> {
    return {
      endpoint,
      service: 'cabinet',
      method,
      url: `${this.options.mcUrl}${path}`,
      jar,
      headers: {
        accept: 'application/json, text/plain, */*',
        'x-auth-version': '3',
        origin: this.origin,
        referer: `${this.origin}/`,
      },
    };
  }
}
