import type { Logger } from '../logger.js';
import { kaspiSchemaErrors } from '../metrics.js';
import { KaspiIpBlockedError, KaspiRateLimitedError, KaspiSchemaError, KaspiTransientError } from './errors.js';
import type { KaspiHttp } from './http.js';
import { fieldOfEveryItem, formatChanges, rawKey, readItems } from './item-reads.js';
import { NoExitAvailableError, type ProxyPool } from './proxy-pool.js';
import { parseKaspi, storefrontOffer, storefrontOffersResponse, type StorefrontOfferRead } from './schemas.js';

/** Kaspi answers 400 above 64 (REFERENCE §4.1). */
const STOREFRONT_PAGE_LIMIT = 64;

interface MarketOffer {
  merchantId: string;
  merchantName: string;
  merchantSku: string | undefined;
  /** Whole tenge as shown to buyers. */
  price: number;
  rating: number | null;
  reviews: number | null;
  deliveryType: string | null;
  deliveryDuration: string | null;
  /** Preorder days; 0 = in stock. */
  preorder: number;
  points: string[];
  /** Delivers to this city only from another one (Kaspi's `deliveryOptions`, else no pickup and no stock here; see `intercityReader`). */
  intercity: boolean;
}

export interface MarketView {
  masterSku: string;
  cityId: string;
  /** One offer per merchant (its cheapest), cheapest first. */
  offers: MarketOffer[];
  total: number;
  fetchedAt: Date;
}

export interface StorefrontClientOptions {
  http: KaspiHttp;
  pool: ProxyPool;
  shopUrl: string;
  logger: Logger;
  /** Give up on one product after this many pages (64 offers each). */
  maxPages?: number;
  /** Tries per page across exits before the failure is reported. */
  attemptsPerPage?: number;
}

/** Competitors' offers from the public storefront (`POST {shop}/yml/offer-view/offers/{masterSku}`). */
export class KaspiStorefrontClient {
  private readonly origin: string;
  /** Fields whose disappearance from every offer was already logged; cleared once an answer carries them again. */
  private readonly missingLocalFields = new Set<string>();

  constructor(private readonly options: StorefrontClientOptions) {
    this.origin = new URL(options.shopUrl).origin;
  }

  async offers(masterSku: string, cityId: string, signal?: AbortSignal): Promise<MarketView> {
    if (!/^\d{1,20}$/.test(masterSku)) throw new Error(`"${masterSku}" is not a Kaspi product id (masterSku)`);
    if (!/^\d{9}$/.test(cityId)) throw new Error(`"${cityId}" is not a Kaspi city id (9-digit KATO code)`);
    const collected: StorefrontOfferRead[] = [];
    let listed = 0;
    let total: number | undefined;
    const maxPages = this.options.maxPages ?? 10;
    for (let page = 0; page < maxPages; page++) {
      const response = await this.fetchPage(masterSku, cityId, page, signal);
      total = response.total ?? total;
      listed += response.offers.length;
      collected.push(...this.readOffers(masterSku, page, response.offers));
      if (response.offers.length < STOREFRONT_PAGE_LIMIT || (total !== undefined && listed >= total)) break;
    }
    const intercity = this.intercityReader(masterSku, cityId, collected);
    return {
      masterSku,
      cityId,
      offers: cheapestPerMerchant(collected, intercity),
      total: total ?? listed,
      fetchedAt: new Date(),
    };
  }

  /**
   * Who delivers to this city only from another one. Kaspi says it plainly in `deliveryOptions` when an answer
   * has them (typed public clients): intercity when every option is `interCity: true`. Otherwise a seller with
   * stock here shows `pickup` and/or points with availability (the recorded capture: Tehno Trade, TO_DOOR in
   * 5 days, has neither). That reading is trusted only while some offer of the same answer still carries those
   * fields: if none does, Kaspi more likely dropped them than every seller moved away, and hiding every rival
   * would let the demper act on an empty market. Then nobody is intercity and the change is logged once.
   */
  private intercityReader(
    masterSku: string,
    cityId: string,
    offers: StorefrontOfferRead[],
  ): (offer: StorefrontOfferRead) => boolean {
    const stated = (offer: StorefrontOfferRead) => (offer.deliveryOptions?.length ?? 0) > 0;
    const local = (offer: StorefrontOfferRead) =>
      offer.pickup !== undefined || (offer.pointsWithAvailability?.length ?? 0) > 0;
    const unstated = offers.filter((offer) => !stated(offer));
    const fieldsSeen = offers.some(local);
    if (fieldsSeen) this.missingLocalFields.clear();
    // A single offer without them proves nothing about the format: one seller may well ship from elsewhere.
    else if (unstated.length >= 2) this.reportMissingLocalFields(masterSku, cityId, unstated.length);
    return (offer) =>
      stated(offer) ? offer.deliveryOptions!.every((option) => option.interCity === true) : fieldsSeen && !local(offer);
  }

  private reportMissingLocalFields(masterSku: string, cityId: string, of: number): void {
    const problems = Array.from({ length: of }, (_, index) => [
      `offers.${index}.pickup`,
      `offers.${index}.pointsWithAvailability`,
    ]).flat();
    const fresh = formatChanges(
      problems.map((field) => ({ field })),
      of,
    ).filter((change) => !this.missingLocalFields.has(change.field));
    if (fresh.length === 0) return;
    for (const change of fresh) this.missingLocalFields.add(change.field);
    kaspiSchemaErrors.inc({ endpoint: 'storefront.offers' });
    this.options.logger.warn(
      { masterSku, cityId, fields: fresh },
      `Kaspi changed the storefront offers: ${fresh.map((change) => change.field).join(', ')} missing on every offer; intercity sellers cannot be told apart`,
    );
  }

  /**
   * The offers of one page, one by one: an odd offer (no merchant, no price) is left out, but when most offers
   * miss the same field Kaspi changed its answer, and nothing may act on the rest as if it were the market.
   */
  private readOffers(masterSku: string, page: number, raw: unknown[]): StorefrontOfferRead[] {
    const { read, problems } = readItems(storefrontOffer, raw, 'offers', (item) => rawKey(item, 'merchantId'));
    if (problems.length === 0) return read.map(({ item }) => item);
    const [changed] = formatChanges(problems, raw.length);
    if (changed) {
      const first = problems.find((problem) => fieldOfEveryItem(problem.field) === changed.field)!;
      kaspiSchemaErrors.inc({ endpoint: 'storefront.offers' });
      throw new KaspiSchemaError(
        'storefront.offers',
        first.field,
        `${first.message} (${changed.missing} of ${changed.of} offers)`,
      );
    }
    this.options.logger.debug(
      { masterSku, page, skipped: problems.map((problem) => problem.field) },
      'storefront offers left out: unreadable',
    );
    return read.map(({ item }) => item);
  }

  private async fetchPage(masterSku: string, cityId: string, page: number, signal?: AbortSignal) {
    const attempts = this.options.attemptsPerPage ?? Math.max(3, this.options.pool.size + 1);
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let exit;
      try {
        exit = await this.options.pool.acquire(30_000, signal);
      } catch (error) {
        if (error instanceof NoExitAvailableError) {
          throw new KaspiRateLimitedError(
            `no storefront exit available for ${masterSku}`,
            'storefront.offers',
            error.retryInMs,
            'storefront',
          );
        }
        throw error;
      }
      try {
        const response = await this.options.http.send({
          endpoint: 'storefront.offers',
          service: 'storefront',
          method: 'POST',
          url: `${this.options.shopUrl}/yml/offer-view/offers/${masterSku}`,
          exit,
          retry: false, // retried here, on another exit
          expect: 'json',
          headers: {
            accept: 'application/json, text/*',
            'content-type': 'application/json; charset=UTF-8',
            origin: this.origin,
            referer: `${this.origin}/shop/p/-${masterSku}/?c=${cityId}`,
            'x-ks-city': cityId,
            'sec-fetch-site': 'same-origin',
            'sec-fetch-mode': 'cors',
            'sec-fetch-dest': 'empty',
            cookie: `kaspi.city=${cityId}`,
          },
          body: {
            cityId,
            id: masterSku,
            merchantUID: [],
            limit: STOREFRONT_PAGE_LIMIT,
            page,
            sortOption: 'PRICE',
            highRating: null,
            searchText: null,
            isExcellentMerchant: false,
            installationId: '-1',
          },
        });
        this.options.pool.reportSuccess(exit);
        return parseKaspi(storefrontOffersResponse, response.json, 'storefront.offers');
      } catch (error) {
        lastError = error;
        await this.options.pool.reportFailure(exit, error);
        const retryable =
          error instanceof KaspiIpBlockedError ||
          error instanceof KaspiTransientError ||
          (error instanceof KaspiRateLimitedError && error.scope === 'storefront');
        if (!retryable) throw error;
        this.options.logger.debug(
          { masterSku, exit: exit.id, attempt, err: error },
          'storefront page failed; trying another exit',
        );
      }
    }
    throw lastError;
  }
}

function cheapestPerMerchant(
  offers: StorefrontOfferRead[],
  intercity: (offer: StorefrontOfferRead) => boolean,
): MarketOffer[] {
  const byMerchant = new Map<string, MarketOffer>();
  for (const offer of offers) {
    const current = byMerchant.get(offer.merchantId);
    const price = Math.round(offer.price);
    if (current && current.price <= price) continue;
    byMerchant.set(offer.merchantId, {
      merchantId: offer.merchantId,
      merchantName: offer.merchantName ?? offer.merchantId, // a nameless seller is still told apart by its id
      merchantSku: offer.merchantSku,
      price,
      rating: offer.merchantRating ?? null,
      reviews: offer.merchantReviewsQuantity ?? null,
      deliveryType: offer.deliveryType ?? null,
      deliveryDuration: offer.deliveryDuration ?? null,
      preorder: offer.preorder ?? 0,
      points: offer.kdPoints ?? (offer.locatedInPoint ? [offer.locatedInPoint] : []),
      intercity: intercity(offer),
    });
  }
  return [...byMerchant.values()].sort((a, b) => a.price - b.price || a.merchantId.localeCompare(b.merchantId));
}
