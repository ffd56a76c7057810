import type { StorePoint } from '../db/entities/store.js';
import type { Logger } from '../logger.js';
import { kaspiSchemaErrors } from '../metrics.js';
import type { CookieJar } from './cookie-jar.js';
import { KaspiRateLimitedError } from './errors.js';
import type { KaspiHttp, KaspiRequest } from './http.js';
import { readItems, rawKey, type ItemProblem } from './item-reads.js';
import type { KaspiLimits } from './limits/kaspi-limits.js';
import type { PointSaveBody, PricefeedItem, ValidationOffer } from './offer-writes.js';
import {
  cabinetOffer,
  fileStatusResponse,
  getMerchantResponse,
  jobResponse,
  merchantPoint,
  merchantsResponse,
  offerDetailsResponse,
  offerListPage,
  parseKaspi,
  validationResponse,
  type CabinetOffer,
} from './schemas.js';

/** Kaspi's list returns exactly 100 per page at l=100 (REFERENCE §2.1). */
const OFFER_PAGE_SIZE = 100;
/** A list of 20,000 offers; past it the pages stop even when Kaspi's `total` is missing or absurd. */
const MAX_LIST_PAGES = 200;
/** No source states a maximum batch length; stay small (REFERENCE §3.2). */
export const MAX_BATCH_ITEMS = 50;

export interface CabinetClientOptions {
  http: KaspiHttp;
  limits: KaspiLimits;
  mcUrl: string;
  shopUrl: string;
  logger: Logger;
}

export interface WriteResult<Item = PricefeedItem> {
  /** Kaspi's job id for the accepted write. */
  jobId: string;
  /** Items sent in this write. */
  sent: Item[];
  /** Items not sent because the store's 30-minute change budget is spent; retry after `retryInMs`. */
  deferred: Item[];
  retryInMs: number;
}

/** One cabinet list as read: what could be read, what could not, and whether the pages add up to Kaspi's total. */
export interface OfferListRead {
  onSale: boolean;
  offers: CabinetOffer[];
  /** Kaspi's `total` for this list; undefined when no page carried one (the read cannot be verified). */
  total: number | undefined;
  /** Distinct items seen, read or not. */
  listed: number;
  /** SKUs of items that could not be read: those products are left as they are, never marked removed. */
  unreadSkus: string[];
  /** Why each unreadable item failed (its first field), in list order. */
  problems: ItemProblem[];
  /** Unreadable items without even a SKU: nobody can tell which product they are. */
  anonymous: number;
  /** Pages read a second time because they came back shorter than `total` implies. */
  rereads: number;
  /** The pages add up to `total`. */
  complete: boolean;
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
    return parseKaspi(merchantsResponse, response.json, 'cabinet.merchants').merchants.map(({ uid, name }) => ({
      uid,
      name,
    }));
  }

  async getMerchant(
    jar: CookieJar,
    merchantUid: string,
  ): Promise<{ uid: string; name: string; logoUrl: string | undefined; points: StorePoint[] }> {
    const response = await this.read(jar, 'cabinet.get-merchant', 'POST', '/mc/facade/graphql?opName=getMerchant', {
      operationName: 'getMerchant',
      variables: { id: merchantUid },
      query:
        'query getMerchant($id: String!) { merchant(id: $id) { id name logo { url } points { id name enabled virtual type city { id name } } } }',
    });
    const merchant = parseKaspi(getMerchantResponse, response.json, 'cabinet.get-merchant').data.merchant;
    const { read, problems } = readItems(merchantPoint, merchant.points ?? [], 'data.merchant.points', (raw) =>
      rawKey(raw, 'id'),
    );
    const points: StorePoint[] = [];
    const cityless: string[] = [];
    for (const { item: point } of read) {
      const code = point.id.startsWith(`${merchantUid}_`)
        ? point.id.slice(merchantUid.length + 1)
        : (point.name ?? point.id);
      // A point whose city is unknown cannot be priced: it is left out rather than given a made-up city.
      if (!point.city) {
        cityless.push(point.id);
        continue;
      }
      points.push({
        storeId: `${merchantUid}_${code}`,
        code,
        name: point.name ?? code,
        cityId: point.city.id,
        cityName: point.city.name ?? point.city.id,
        enabled: point.enabled ?? true,
      });
    }
    if (problems.length > 0 || cityless.length > 0) {
      if (problems.length + cityless.length > (merchant.points ?? []).length / 2)
        kaspiSchemaErrors.inc({ endpoint: 'cabinet.get-merchant' });
      this.options.logger.warn(
        { merchantUid, unreadable: problems.map((problem) => problem.field), withoutCity: cityless },
        'getMerchant: some pickup points could not be read and were left out',
      );
    }
    return { uid: merchant.id, name: merchant.name ?? merchant.id, logoUrl: merchant.logo?.url, points };
  }

  /**
   * Every offer of one list (`a=true`: on sale, `a=false`: off sale), all pages, read item by item: an item that
   * cannot be read is reported in `problems`, not thrown. A page shorter than Kaspi's `total` implies is read
   * once more; `complete` says whether the pages then add up, so a partial read is never taken for removals.
   */
  async readOfferList(
    jar: CookieJar,
    merchantUid: string,
    onSale: boolean,
    onProgress?: (progress: ListProgress) => void,
  ): Promise<OfferListRead> {
    const list: OfferListRead = {
      onSale,
      offers: [],
      total: undefined,
      listed: 0,
      unreadSkus: [],
      problems: [],
      anonymous: 0,
      rereads: 0,
      complete: false,
    };
    const seen = new Set<string>();
    const take = (data: unknown[], page: number) => {
      let anonymous = 0;
      const { read, problems } = readItems(cabinetOffer, data, 'data', (raw) => rawKey(raw, 'sku'));
      for (const { item } of read) {
        if (seen.has(item.sku) && !list.unreadSkus.includes(item.sku)) continue; // an offer can shift pages while we read
        if (seen.has(item.sku)) {
          // Unreadable before, whole now (a re-read, or the offer moved pages): the whole read wins.
          list.unreadSkus = list.unreadSkus.filter((sku) => sku !== item.sku);
          list.problems = list.problems.filter((problem) => problem.key !== item.sku);
        }
        seen.add(item.sku);
        list.offers.push(item);
      }
      for (const problem of problems) {
        // Numbered across pages, so the log points at one item of the whole list.
        const field = problem.field.replace(
          /^data\.(\d+)/,
          (_match, index: string) => `data.${page * OFFER_PAGE_SIZE + Number(index)}`,
        );
        if (problem.key === undefined) anonymous++;
        else if (seen.has(problem.key)) continue;
        else {
          seen.add(problem.key);
          list.unreadSkus.push(problem.key);
        }
        list.problems.push({ ...problem, field });
      }
      return anonymous;
    };
    const maxPages = (total: number | undefined) =>
      total === undefined ? MAX_LIST_PAGES : Math.min(MAX_LIST_PAGES, Math.ceil(total / OFFER_PAGE_SIZE) + 5);
    for (let page = 0; page < maxPages(list.total); page++) {
      const first = await this.listPage(jar, merchantUid, onSale, page);
      list.total = first.total ?? list.total;
      let anonymous = take(first.data, page);
      let length = first.data.length;
      const expected =
        list.total === undefined
          ? undefined
          : Math.min(OFFER_PAGE_SIZE, Math.max(0, list.total - page * OFFER_PAGE_SIZE));
      if (expected !== undefined && length < expected) {
        // Fewer than Kaspi says are there: offers moved while we read, or Kaspi cut the page short. Once more.
        list.rereads++;
        const again = await this.listPage(jar, merchantUid, onSale, page);
        list.total = again.total ?? list.total;
        anonymous = Math.max(anonymous, take(again.data, page));
        length = Math.max(length, again.data.length);
      }
      list.anonymous += anonymous;
      list.listed = seen.size + list.anonymous;
      onProgress?.({ onSale, fetched: list.listed, total: list.total ?? 0 });
      if (
        length === 0 ||
        (list.total === undefined
          ? length < OFFER_PAGE_SIZE
          : list.listed >= list.total || (page + 1) * OFFER_PAGE_SIZE >= list.total)
      )
        break;
    }
    list.complete = list.total !== undefined && list.listed >= list.total;
    return list;
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

  /**
   * One offer by SKU, as the list returns it (used to re-read before a write and to verify after it). Only that
   * item is read: another odd item of the search does not matter, but this one must be whole to be written.
   */
  async findOffer(jar: CookieJar, merchantUid: string, sku: string): Promise<CabinetOffer | undefined> {
    for (const onSale of [true, false]) {
      const query = new URLSearchParams({
        m: merchantUid,
        p: '0',
        l: String(OFFER_PAGE_SIZE),
        a: String(onSale),
        t: sku,
      });
      const response = await this.read(jar, 'cabinet.offer-search', 'GET', `/bff/offer-view/list?${query}`);
      const data = parseKaspi(offerListPage, response.json, 'cabinet.offer-search').data;
      const index = data.findIndex((raw) => rawKey(raw, 'sku') === sku);
      if (index >= 0) return parseKaspi(cabinetOffer, data[index], 'cabinet.offer-search', ['data', index]);
    }
    return undefined;
  }

  private async listPage(jar: CookieJar, merchantUid: string, onSale: boolean, page: number) {
    const query = new URLSearchParams({
      m: merchantUid,
      p: String(page),
      l: String(OFFER_PAGE_SIZE),
      a: String(onSale),
    });
    const response = await this.read(jar, 'cabinet.offer-list', 'GET', `/bff/offer-view/list?${query}`);
    return parseKaspi(offerListPage, response.json, 'cabinet.offer-list');
  }

  async offerDetails(jar: CookieJar, merchantUid: string, sku: string) {
    const query = new URLSearchParams({ m: merchantUid, s: sku });
    const response = await this.read(jar, 'cabinet.offer-details', 'GET', `/bff/offer-view/details?${query}`);
    return parseKaspi(offerDetailsResponse, response.json, 'cabinet.offer-details');
  }

  /** The cabinet's check before a save (`ON_SALE__PRICE_SAVE`) or before offers go on sale (`ON_SALE__BATCH`). */
  async validate(
    jar: CookieJar,
    merchantUid: string,
    action: 'ON_SALE__BATCH' | 'ON_SALE__PRICE_SAVE',
    offers: ValidationOffer[],
  ) {
    const response = await this.read(
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
    await this.options.limits.cabinetWriteSlot(merchantUid);
    const granted = await this.options.limits.takeChanges(merchantUid, rows);
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
      this.options.http.send({
        ...this.base(
          jar,
          'cabinet.price-list-upload',
          'POST',
          `/pricefeed/upload/merchant/upload?merchantUid=${encodeURIComponent(merchantUid)}`,
        ),
        body: form,
        expect: 'text',
        retry: false,
      }),
    );
    if (response.text.includes('Unfinished file found')) return { unfinished: true };
    return { fileId: parseKaspi(jobResponse, JSON.parse(response.text), 'cabinet.price-list-upload').id };
  }

  async priceListStatus(jar: CookieJar, merchantUid: string, fileId: string) {
    const response = await this.read(
      jar,
      'cabinet.price-list-status',
      'GET',
      `/pricefeed/protocol/merchant/file/${encodeURIComponent(fileId)}?m=${encodeURIComponent(merchantUid)}`,
    );
    return parseKaspi(fileStatusResponse, response.json, 'cabinet.price-list-status');
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
    await this.options.limits.assertWritesAllowed(merchantUid);
    const { granted, retryInMs } = await this.options.limits.takeChanges(merchantUid, items.length);
    const sent = items.slice(0, granted);
    const deferred = items.slice(granted);
    if (sent.length === 0) return { jobId: '', sent, deferred, retryInMs };
    await this.options.limits.cabinetWriteSlot(merchantUid);
    const response = await this.guardWrite(merchantUid, () =>
      this.options.http.send({
        ...this.base(jar, endpoint, 'POST', path),
        body: body(sent),
        expect: 'json',
        retry: false,
      }),
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
        this.options.logger.error(
          { merchantUid, retryAfterMs: error.retryAfterMs },
          'Kaspi refused a write with 429; all writes of this merchant are frozen',
        );
      }
      throw error;
    }
  }

  private async read(jar: CookieJar, endpoint: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    return this.options.http.send({ ...this.base(jar, endpoint, method, path), body, expect: 'json', retry: true });
  }

  private base(
    jar: CookieJar,
    endpoint: string,
    method: 'GET' | 'POST',
    path: string,
  ): Omit<KaspiRequest, 'expect' | 'retry'> {
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
