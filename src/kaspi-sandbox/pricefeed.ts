import ExcelJS from 'exceljs';

import type { SandboxMerchant } from './catalogue.js';
import type { SandboxAvailability, SandboxOffer } from './types.js';

type Item = Record<string, unknown>;
export type WriteEndpoint = 'process' | 'batch';
type ValidationAction = 'ON_SALE__BATCH' | 'ON_SALE__PRICE_SAVE';

/** How long a `validate/v2` answer covers the write that follows it. */
const VALIDATION_VALID_MS = 5 * 60_000;

/**
 * The cabinet's price feed as strict as Kaspi is, rule by rule (each rule has a test that our client passes):
 * - a batch item with `stockCount` takes the offer off sale everywhere («Не указано наличие в прайс-листе»);
 * - a point left out of a batch item becomes «unspecified»: stock 0, off sale there;
 * - a point echoed with `stockEnabled: false` / `stockSpecified: false` loses its tracked stock count;
 * - a point sent without `preOrder` is off preorder: the days must be sent where the offer has them;
 * - a bare `price` with no `cityPrices` becomes every city's price; `cityPrices` set only the cities listed;
 * - `cityPrices` naming a city where the offer has no point (a national list) is refused;
 * - the single-point save (`process`) takes one point, only that point's city, and follows a `validate/v2`
 *   (`ON_SALE__PRICE_SAVE`) of the offer; a batch that puts a point on sale follows one (`ON_SALE__BATCH`).
 */
export class SandboxPricefeed {
  private readonly validations = new Map<string, number>();
  private readonly blocked = new Set<string>();

  constructor(
    private readonly offers: Map<string, SandboxOffer[]>,
    private readonly merchants: SandboxMerchant[],
  ) {}

  /** Sandbox-only: Kaspi's moderation refuses this offer's sale (validate answers `OFFER_BLOCKED`). */
  blockOffer(merchantUid: string, sku: string): void {
    this.blocked.add(`${merchantUid}:${sku}`);
  }

  validate(merchantUid: string, action: unknown, offers: unknown): { valid: boolean; errorOffers?: unknown[] } {
    const merchant = this.merchant(merchantUid);
    if (action !== 'ON_SALE__BATCH' && action !== 'ON_SALE__PRICE_SAVE')
      return { valid: false, errorOffers: [{ errors: ['UNKNOWN_ACTION'] }] };
    const errorOffers: { masterSku: unknown; errors: string[] }[] = [];
    for (const offer of Array.isArray(offers) ? (offers as Item[]) : []) {
      const errors: string[] = [];
      const availabilities = Array.isArray(offer.availabilities) ? (offer.availabilities as Item[]) : [];
      if (availabilities.length === 0) errors.push('NO_POINTS');
      for (const availability of availabilities) {
        const point = merchant?.points.find((candidate) => candidate.code === availability.storeId);
        // Validation takes unprefixed point codes (`PP2`), each with its own city.
        if (!point || availability.cityId !== point.cityId) errors.push('UNKNOWN_POINT');
        if (typeof availability.price !== 'number' || availability.price < 10) errors.push('PRICE_TOO_LOW');
      }
      const listed =
        this.offers.get(merchantUid)?.filter((candidate) => candidate.masterSku === String(offer.masterSku)) ?? [];
      if (listed.some((candidate) => this.blocked.has(`${merchantUid}:${candidate.sku}`))) errors.push('OFFER_BLOCKED');
      if (errors.length) errorOffers.push({ masterSku: offer.masterSku, errors: [...new Set(errors)] });
      else this.validations.set(`${merchantUid}:${String(offer.masterSku)}:${action}`, Date.now());
    }
    return errorOffers.length ? { valid: false, errorOffers } : { valid: true };
  }

  /** Why Kaspi refuses this item (an error code), or undefined. */
  refusal(merchantUid: string, item: Item, endpoint: WriteEndpoint): string | undefined {
    if (typeof item.sku !== 'string' || item.sku === '') return 'SKU_REQUIRED';
    if (
      item.price !== undefined &&
      (typeof item.price !== 'number' || !Number.isInteger(item.price) || item.price < 10)
    )
      return 'PRICE_TOO_LOW';
    const offer = this.offers.get(merchantUid)?.find((candidate) => candidate.sku === item.sku);
    const cities = new Set(offer ? this.citiesOf(merchantUid, offer) : []);
    const cityPrices =
      item.cityPrices === undefined ? [] : Array.isArray(item.cityPrices) ? (item.cityPrices as Item[]) : undefined;
    if (!cityPrices) return 'INVALID_CITY_PRICES';
    for (const cityPrice of cityPrices) {
      if (typeof cityPrice.value !== 'number' || !Number.isInteger(cityPrice.value) || cityPrice.value < 10)
        return 'PRICE_TOO_LOW';
      if (offer && !cities.has(String(cityPrice.cityId))) return 'CITY_NOT_SOLD';
    }
    const sent = (item.availabilities as Item[] | undefined) ?? [];
    for (const availability of sent) {
      if (typeof availability.storeId !== 'string' || !availability.storeId.startsWith(`${merchantUid}_`))
        return 'INVALID_STORE_ID';
      if (availability.available !== 'yes' && availability.available !== 'no') return 'INVALID_AVAILABILITY';
      const days = availability.preOrder;
      if (days !== undefined && (!Number.isInteger(days) || (days as number) < 0 || (days as number) > 30))
        return 'INVALID_PREORDER';
    }
    if (!offer) return undefined;
    if (endpoint === 'process') {
      if (sent.length !== 1) return 'ONE_POINT_REQUIRED';
      const cityOfPoint = this.merchant(merchantUid)?.points.find(
        (point) => `${merchantUid}_${point.code}` === sent[0]!.storeId,
      )?.cityId;
      if (cityPrices.length !== 1 || String(cityPrices[0]!.cityId) !== cityOfPoint) return 'POINT_CITY_ONLY';
      if (!this.validatedRecently(merchantUid, offer.masterSku, 'ON_SALE__PRICE_SAVE')) return 'VALIDATION_REQUIRED';
    } else {
      const goesOnSale = sent.some(
        (point) =>
          point.available === 'yes' &&
          offer.availabilities.find((read) => read.storeId === point.storeId)?.available !== 'yes',
      );
      if (goesOnSale && !this.validatedRecently(merchantUid, offer.masterSku, 'ON_SALE__BATCH'))
        return 'VALIDATION_REQUIRED';
    }
    return undefined;
  }

  /** Applies one accepted item, with the pitfalls that took real offers off sale. */
  apply(merchantUid: string, item: Item, endpoint: WriteEndpoint): void {
    const offer = this.offers.get(merchantUid)?.find((candidate) => candidate.sku === item.sku);
    if (!offer) return;
    const cities = this.citiesOf(merchantUid, offer);
    const cityPrices = (item.cityPrices as { cityId: string; value: number }[] | undefined) ?? [];
    if (cityPrices.length === 0 && typeof item.price === 'number')
      for (const cityId of cities) this.setCityPrice(offer, cityId, item.price);
    for (const cityPrice of cityPrices) this.setCityPrice(offer, String(cityPrice.cityId), cityPrice.value);
    this.refreshBasePrice(merchantUid, offer);

    const sent = item.availabilities as Item[] | undefined;
    if (!sent) {
      // Without availabilities the offer is «sent to Archived».
      for (const availability of offer.availabilities) availability.available = 'no';
      offer.available = false;
      return;
    }
    if (endpoint === 'batch' && sent.some((availability) => 'stockCount' in availability)) {
      // «Не указано наличие в прайс листе»: Kaspi takes such offers off sale everywhere.
      for (const availability of offer.availabilities) availability.available = 'no';
      offer.available = false;
      return;
    }
    for (const availability of offer.availabilities) {
      const update = sent.find((candidate) => candidate.storeId === availability.storeId);
      if (!update) {
        // The single-point save leaves other points alone; a batch item without a point leaves it «unspecified».
        if (endpoint === 'batch') this.unspecify(offer, availability);
        continue;
      }
      availability.available = update.available === 'yes' ? 'yes' : 'no';
      // A point sent without `preOrder` is off preorder, in a batch item and in the single-point save alike.
      availability.preOrder = typeof update.preOrder === 'number' ? update.preOrder : 0;
      if (update.stockEnabled === false || update.stockSpecified === false) this.untrack(offer, availability);
      if (endpoint === 'process' && typeof update.stockCount === 'number')
        this.track(offer, availability, update.stockCount);
    }
    offer.available = offer.availabilities.some((availability) => availability.available === 'yes');
  }

  /**
   * Applies a `SKU | model | brand | price | PP1..PP5 | preorder` workbook: `price` is every city's price; a
   * point cell with a count tracks that count, `yes` makes the point untracked, `no` takes it off sale.
   */
  async applyPriceList(merchantUid: string, data: Buffer): Promise<string[]> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as never);
    const sheet = workbook.worksheets[0];
    if (!sheet) return ['no sheet'];
    const header = (sheet.getRow(1).values as unknown[]).map((value) => String(value ?? '').trim());
    const column = (name: string) => header.indexOf(name);
    if (column('SKU') < 0 || column('price') < 0) return ['header must start with SKU | model | brand | price'];
    const errors: string[] = [];
    sheet.eachRow((row, index) => {
      if (index === 1) return;
      const value = (name: string) => (column(name) >= 0 ? row.getCell(column(name)).value : undefined);
      const sku = String(value('SKU') ?? '');
      const offer = this.offers.get(merchantUid)?.find((candidate) => candidate.sku === sku);
      if (!offer) return void errors.push(`row ${index}: unknown SKU ${sku}`);
      const price = Number(value('price'));
      if (Number.isInteger(price) && price >= 10) {
        for (const cityId of this.citiesOf(merchantUid, offer)) this.setCityPrice(offer, cityId, price);
        this.refreshBasePrice(merchantUid, offer);
      }
      const preorder = Number(value('preorder') ?? 0);
      for (let point = 1; point <= 5; point++) {
        const cell = value(`PP${point}`);
        const availability = offer.availabilities.find(
          (candidate) => candidate.storeId === `${merchantUid}_PP${point}`,
        );
        if (!availability || cell === undefined || cell === null || cell === '') continue;
        const text = String(cell).toLowerCase();
        availability.available = text === 'no' || text === '0' ? 'no' : 'yes';
        if (/^\d+$/.test(text)) this.track(offer, availability, Number(text));
        else if (text === 'yes') this.untrack(offer, availability);
        availability.preOrder = Number.isInteger(preorder) && preorder >= 0 && preorder <= 30 ? preorder : 0;
      }
      offer.available = offer.availabilities.some((availability) => availability.available === 'yes');
    });
    return errors;
  }

  private validatedRecently(merchantUid: string, masterSku: string, action: ValidationAction): boolean {
    const at = this.validations.get(`${merchantUid}:${masterSku}:${action}`);
    return at !== undefined && Date.now() - at <= VALIDATION_VALID_MS;
  }

  private merchant(merchantUid: string): SandboxMerchant | undefined {
    return this.merchants.find((candidate) => candidate.uid === merchantUid);
  }

  private citiesOf(merchantUid: string, offer: SandboxOffer): string[] {
    const points = this.merchant(merchantUid)?.points ?? [];
    return [
      ...new Set(
        points
          .filter((point) => offer.availabilities.some((read) => read.storeId === `${merchantUid}_${point.code}`))
          .map((point) => point.cityId),
      ),
    ];
  }

  private setCityPrice(offer: SandboxOffer, cityId: string, price: number): void {
    offer.allCityPrices[cityId] = { price, oldPrice: null, discount: 0 };
  }

  /** The list's `price` and `minPrice`: the lowest of the offer's city prices. */
  private refreshBasePrice(merchantUid: string, offer: SandboxOffer): void {
    const prices = this.citiesOf(merchantUid, offer)
      .map((cityId) => offer.allCityPrices[cityId]?.price)
      .filter((price): price is number => typeof price === 'number');
    if (prices.length === 0) return;
    offer.price = Math.min(...prices);
    offer.minPrice = offer.price;
  }

  private unspecify(offer: SandboxOffer, availability: SandboxAvailability): void {
    availability.available = 'no';
    availability.stockCount = 0;
    this.setStockLevel(offer, availability.storeId, availability.stockSpecified ? 0 : undefined);
  }

  private untrack(offer: SandboxOffer, availability: SandboxAvailability): void {
    if (!availability.stockSpecified) return;
    availability.stockSpecified = false;
    availability.stockCount = 0;
    this.setStockLevel(offer, availability.storeId, undefined);
  }

  private track(offer: SandboxOffer, availability: SandboxAvailability, count: number): void {
    availability.stockSpecified = true;
    availability.stockCount = count;
    this.setStockLevel(offer, availability.storeId, count);
  }

  private setStockLevel(offer: SandboxOffer, storeId: string, count: number | undefined): void {
    const levels = { ...(offer.stocks?.[0]?.stockLevel ?? {}) };
    if (count === undefined) delete levels[storeId];
    else levels[storeId] = { value: count };
    offer.stocks = Object.keys(levels).length ? [{ stockLevel: levels }] : undefined;
  }
}
