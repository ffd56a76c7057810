import type { StorePoint } from '../../db/entities/store.js';
import type { Logger } from '../../logger.js';
import { kaspiSchemaErrors } from '../../metrics.js';
import type { CookieJar } from '../cookie-jar.js';
import { readItems, rawKey } from '../item-reads.js';
import {
  cabinetOffer,
  fileStatusResponse,
  getMerchantResponse,
  merchantPoint,
  merchantsResponse,
  offerDetailsResponse,
  offerListPage,
  parseKaspi,
  type CabinetOffer,
} from '../schemas.js';
import { OFFER_PAGE_SIZE } from './offer-list.js';
import type { CabinetTransport } from './transport.js';

/** The merchants the logged-in account may act for. */
export async function listMerchants(
  transport: CabinetTransport,
  jar: CookieJar,
): Promise<{ uid: string; name: string | undefined }[]> {
  const response = await transport.read(jar, 'cabinet.merchants', 'GET', '/s/m');
  return parseKaspi(merchantsResponse, response.json, 'cabinet.merchants').merchants.map(({ uid, name }) => ({
    uid,
    name,
  }));
}

/** The merchant's name, logo and the pickup points that can be priced (those whose city is known). */
export async function getMerchant(
  transport: CabinetTransport,
  logger: Logger,
  jar: CookieJar,
  merchantUid: string,
): Promise<{ uid: string; name: string; logoUrl: string | undefined; points: StorePoint[] }> {
  const response = await transport.read(jar, 'cabinet.get-merchant', 'POST', '/mc/facade/graphql?opName=getMerchant', {
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
    logger.warn(
      { merchantUid, unreadable: problems.map((problem) => problem.field), withoutCity: cityless },
      'getMerchant: some pickup points could not be read and were left out',
    );
  }
  return { uid: merchant.id, name: merchant.name ?? merchant.id, logoUrl: merchant.logo?.url, points };
}

/**
 * One offer by SKU, as the list returns it (used to re-read before a write and to verify after it). Only that
 * item is read: another odd item of the search does not matter, but this one must be whole to be written.
 */
export async function findOffer(
  transport: CabinetTransport,
  jar: CookieJar,
  merchantUid: string,
  sku: string,
): Promise<CabinetOffer | undefined> {
  for (const onSale of [true, false]) {
    const query = new URLSearchParams({
      m: merchantUid,
      p: '0',
      l: String(OFFER_PAGE_SIZE),
      a: String(onSale),
      t: sku,
    });
    const response = await transport.read(jar, 'cabinet.offer-search', 'GET', `/bff/offer-view/list?${query}`);
    const data = parseKaspi(offerListPage, response.json, 'cabinet.offer-search').data;
    const index = data.findIndex((raw) => rawKey(raw, 'sku') === sku);
    if (index >= 0) return parseKaspi(cabinetOffer, data[index], 'cabinet.offer-search', ['data', index]);
  }
  return undefined;
}

export async function offerDetails(transport: CabinetTransport, jar: CookieJar, merchantUid: string, sku: string) {
  const query = new URLSearchParams({ m: merchantUid, s: sku });
  const response = await transport.read(jar, 'cabinet.offer-details', 'GET', `/bff/offer-view/details?${query}`);
  return parseKaspi(offerDetailsResponse, response.json, 'cabinet.offer-details');
}

/** How far Kaspi has got with an uploaded price-list file. */
export async function priceListStatus(
  transport: CabinetTransport,
  jar: CookieJar,
  merchantUid: string,
  fileId: string,
) {
  const response = await transport.read(
    jar,
    'cabinet.price-list-status',
    'GET',
    `/pricefeed/protocol/merchant/file/${encodeURIComponent(fileId)}?m=${encodeURIComponent(merchantUid)}`,
  );
  return parseKaspi(fileStatusResponse, response.json, 'cabinet.price-list-status');
}
