import type { CookieJar } from '../cookie-jar.js';
import { readItems, rawKey, type ItemProblem } from '../item-reads.js';
import { cabinetOffer, offerListPage, parseKaspi, type CabinetOffer } from '../schemas.js';
import type { CabinetTransport } from './transport.js';

/** Kaspi's list returns exactly 100 per page at l=100 (REFERENCE §2.1). */
export const OFFER_PAGE_SIZE = 100;
/** A list of 20,000 offers; past it the pages stop even when Kaspi's `total` is missing or absurd. */
const MAX_LIST_PAGES = 200;

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
 * Every offer of one list (`a=true`: on sale, `a=false`: off sale), all pages, read item by item: an item that
 * cannot be read is reported in `problems`, not thrown. A page shorter than Kaspi's `total` implies is read
 * once more; `complete` says whether the pages then add up, so a partial read is never taken for removals.
 */
export async function readOfferList(
  transport: CabinetTransport,
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
    const first = await listPage(transport, jar, merchantUid, onSale, page);
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
      const again = await listPage(transport, jar, merchantUid, onSale, page);
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

async function listPage(
  transport: CabinetTransport,
  jar: CookieJar,
  merchantUid: string,
  onSale: boolean,
  page: number,
) {
  const query = new URLSearchParams({
    m: merchantUid,
    p: String(page),
    l: String(OFFER_PAGE_SIZE),
    a: String(onSale),
  });
  const response = await transport.read(jar, 'cabinet.offer-list', 'GET', `/bff/offer-view/list?${query}`);
  return parseKaspi(offerListPage, response.json, 'cabinet.offer-list');
}
