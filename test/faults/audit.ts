import type { MikroORM } from '@mikro-orm/postgresql';

import { floorIn, mainCityOf, priceIn } from '../../src/catalog/city-prices.js';
import {
  PriceChangeSchema,
  ProductSchema,
  StoreSchema,
  type PriceChange,
  type Product,
} from '../../src/db/entities/index.js';
import type { DemperAlert, DigestLine } from '../../src/demper/notifier.js';
import { MERCHANTS } from '../../src/kaspi-sandbox/catalogue.js';
import type { KaspiSandbox, SandboxOffer } from '../../src/kaspi-sandbox/index.js';

/**
 * How the fault suite judges a scenario: the price history (`price_change`, one row per product and city)
 * against Kaspi's side of things — the sandbox's log of every write it accepted and its catalogue — and against
 * what the seller was told. Every market is a (product, city): a write item carries every city of its offer at
 * that city's price, and only the cities a change decided may move.
 */

/** Something the seller was told, by any demper process of the suite. */
export type Notification =
  | {
      type: 'digest';
      source: string;
      storeId: number;
      dryRun: boolean;
      lines: Pick<DigestLine, 'productId' | 'newPrice' | 'oldPrice' | 'sku' | 'cityId'>[];
    }
  | { type: 'alert'; source: string; storeId: number; alert: DemperAlert };

/** A chat message the seller actually received (after the chat notifier's own de-duplication). */
export interface SellerMessage {
  chatId: number;
  text: string;
}

export interface Mark {
  rowId: number;
  writes: number;
  notifications: number;
  messages: number;
  /** Kaspi's price of every offer in each of its cities when the scenario began, by `merchantUid:sku:cityId`. */
  prices: Map<string, number>;
  /** Where each offer was on sale (and its preorder days) when the scenario began: the demper must not touch it. */
  availability: Map<string, string>;
  stats: ReturnType<KaspiSandbox['stats']>;
  at: number;
}

export interface Audit {
  planned: number;
  applied: number;
  verified: number;
  failed: number;
  lost: number;
  duplicated: number;
  belowFloor: number;
  unsettled: number;
  messages: number;
  problems: {
    lost: string[];
    duplicated: string[];
    belowFloor: string[];
    told: string[];
    recovery: string[];
    collateral: string[];
  };
}

/** What the audit reads of the world. */
export interface AuditInput {
  orm: MikroORM;
  sandbox: KaspiSandbox;
  stores: { id: number; merchantUid: string }[];
  notifications: Notification[];
  messages: SellerMessage[];
  droppedWrites: Set<number>;
  foreignWrites: Set<number>;
  /** Taken (emptied) by the audit. */
  recoveryProblems: string[];
}

export interface ExpectedTold {
  sessionExpired?: Record<string, number>;
  rateLimited?: Record<string, number>;
}

/** One city's price in one accepted write item. */
interface WriteEntry {
  index: number;
  /** When Kaspi accepted the write (the sandbox's clock, the test process's). */
  at: number;
  merchantUid: string;
  sku: string;
  cityId: string;
  value: number;
  /** Kaspi's price in the city right before this entry applied (writes apply in the order Kaspi took them). */
  before: number | undefined;
  /** Kaspi applied it (not a write it accepted and dropped). */
  landed: boolean;
  /** The item set every city with a bare top-level `price` (no `cityPrices`). */
  bare: boolean;
}

interface WriteItem {
  index: number;
  merchantUid: string;
  sku: string;
  foreign: boolean;
  entries: WriteEntry[];
}

export const marketKey = (merchantUid: string, sku: string, cityId: string) => `${merchantUid}:${sku}:${cityId}`;

/** The cities of an offer's points, as Kaspi prices it (one price per city of a point the offer has). */
function offerCities(merchantUid: string, offer: Pick<SandboxOffer, 'availabilities'>): string[] {
  const points = MERCHANTS.find((merchant) => merchant.uid === merchantUid)?.points ?? [];
  const cities: string[] = [];
  for (const point of points) {
    if (
      offer.availabilities.some((availability) => availability.storeId === `${merchantUid}_${point.code}`) &&
      !cities.includes(point.cityId)
    )
      cities.push(point.cityId);
  }
  return cities;
}

/** Kaspi's price of every offer of these merchants in each of its cities, by `merchantUid:sku:cityId`. */
export function kaspiCityPrices(sandbox: KaspiSandbox, merchantUids: string[]): Map<string, number> {
  const prices = new Map<string, number>();
  for (const merchantUid of merchantUids) {
    for (const offer of sandbox.catalogue(merchantUid)) {
      for (const cityId of offerCities(merchantUid, offer)) {
        const price = offer.allCityPrices[cityId]?.price;
        if (price !== undefined) prices.set(marketKey(merchantUid, offer.sku, cityId), price);
      }
    }
  }
  return prices;
}

/**
 * Kaspi's write log since the mark, replayed in the order Kaspi applies it: each item's city prices with the
 * price the city had right before. A bare `price` sets every city of the offer, as Kaspi does.
 */
function replayWrites(input: AuditInput, mark: Mark): { items: WriteItem[]; state: Map<string, number> } {
  const state = new Map(mark.prices);
  const citiesBySku = new Map<string, string[]>();
  for (const store of input.stores)
    for (const offer of input.sandbox.catalogue(store.merchantUid))
      citiesBySku.set(`${store.merchantUid}:${offer.sku}`, offerCities(store.merchantUid, offer));
  const items: WriteItem[] = [];
  const records = input.sandbox.writes();
  for (let index = mark.writes; index < records.length; index++) {
    const record = records[index]!;
    const landed = !input.droppedWrites.has(index);
    const bodies = Array.isArray(record.body) ? record.body : [record.body];
    for (const body of bodies) {
      if (!body || typeof body !== 'object' || !('sku' in body)) continue; // a price-list file, not an item
      const raw = body as Record<string, unknown>;
      const sku = String(raw.sku);
      const listed = Array.isArray(raw.cityPrices) ? (raw.cityPrices as { cityId: unknown; value: unknown }[]) : [];
      const bare = listed.length === 0 && typeof raw.price === 'number';
      const prices: [string, number][] = bare
        ? (citiesBySku.get(`${record.merchantUid}:${sku}`) ?? []).map((cityId) => [cityId, Number(raw.price)])
        : listed.map((entry) => [String(entry.cityId), Number(entry.value)]);
      const item: WriteItem = {
        index,
        merchantUid: record.merchantUid,
        sku,
        foreign: input.foreignWrites.has(index),
        entries: [],
      };
      for (const [cityId, value] of prices) {
        const key = marketKey(record.merchantUid, sku, cityId);
        item.entries.push({
          index,
          at: record.at,
          merchantUid: record.merchantUid,
          sku,
          cityId,
          value,
          before: state.get(key),
          landed,
          bare,
        });
        if (landed) state.set(key, value);
      }
      items.push(item);
    }
  }
  return { items, state };
}

/** The price history since `mark` against Kaspi's write log and catalogue, and against what the seller was told. */
export async function auditScenario(input: AuditInput, mark: Mark, told: ExpectedTold = {}): Promise<Audit> {
  const em = input.orm.em.fork();
  const rows = await em.find(PriceChangeSchema, { id: { $gt: mark.rowId } }, { orderBy: { id: 'ASC' } });
  const products = await em.find(ProductSchema, {}, { populate: ['store'] });
  const byId = new Map(products.map((product) => [product.id, product]));
  const byKey = new Map(products.map((product) => [`${product.store.merchantUid}:${product.sku}`, product]));
  const problems: Audit['problems'] = {
    lost: [],
    duplicated: [],
    belowFloor: [],
    told: [],
    recovery: [...input.recoveryProblems.splice(0)],
    collateral: [],
  };
  const name = (product: Product, cityId?: string) => `${product.sku} (#${product.id})${cityId ? ` in ${cityId}` : ''}`;
  const cityOfRow = (row: PriceChange) =>
    row.cityId ?? mainCityOf(byId.get(row.product.id)!, byId.get(row.product.id)!.store.points) ?? '';
  const floorOf = (product: Product | undefined, cityId: string) => (product ? (floorIn(product, cityId) ?? 10) : 10);

  // The demper changes prices only: where an offer is on sale (and its preorder days) stays as it was. A write
  // that echoed a misread offer would take it off sale.
  const availabilityNow = kaspiAvailability(input);
  for (const [key, before] of mark.availability) {
    const now = availabilityNow.get(key);
    if (now !== before) problems.collateral.push(`offer ${key}: availability was ${before}, Kaspi now has ${now}`);
  }

  const { items: allItems, state: replayed } = replayWrites(input, mark);
  const items = allItems.filter((item) => !item.foreign);
  const entries = items.flatMap((item) => item.entries);

  for (const item of items) {
    const product = byKey.get(`${item.merchantUid}:${item.sku}`);
    if (!product) problems.lost.push(`write #${item.index} for unknown offer ${item.sku}`);
    // A bare price becomes every city's price: one decided city would move them all.
    if (item.entries.some((entry) => entry.bare))
      problems.collateral.push(`write #${item.index} sets ${item.sku} with a bare price in every city (no cityPrices)`);
    // Nothing below a city's floor ever reaches Kaspi, nor is even planned.
    for (const entry of item.entries) {
      const floor = floorOf(product, entry.cityId);
      if (entry.value < floor)
        problems.belowFloor.push(
          `write #${entry.index} sets ${item.sku} in ${entry.cityId} to ${entry.value}, below the floor ${floor} there`,
        );
    }
  }
  for (const row of rows) {
    const product = byId.get(row.product.id);
    const floor = floorOf(product, cityOfRow(row));
    if (row.newPrice < floor)
      problems.belowFloor.push(
        `change #${row.id} planned ${row.newPrice} in ${cityOfRow(row)}, below the floor ${floor} there`,
      );
  }

  // Each sent change owns the one write entry that moved its city to its new price; entries that leave a city as
  // Kaspi had it are the other cities of the item, echoed.
  const moves = (entry: WriteEntry) => entry.value !== entry.before;
  const matched = new Map<number, WriteEntry>();
  const used = new Set<WriteEntry>();
  const touched = new Set<number>(rows.map((row) => row.product.id));
  for (const item of items) {
    const product = byKey.get(`${item.merchantUid}:${item.sku}`);
    if (product) touched.add(product.id);
  }
  let verified = 0;
  let unsettled = 0;
  for (const productId of touched) {
    const product = byId.get(productId)!;
    const { merchantUid } = product.store;
    const offer = input.sandbox.catalogue(merchantUid).find((candidate) => candidate.sku === product.sku);
    const cities = [
      ...new Set([
        ...(offer ? offerCities(merchantUid, offer) : []),
        ...rows.filter((row) => row.product.id === productId).map(cityOfRow),
      ]),
    ];
    for (const cityId of cities) {
      const key = marketKey(merchantUid, product.sku, cityId);
      const cityRows = rows.filter((row) => row.product.id === productId && cityOfRow(row) === cityId);
      const cityEntries = entries.filter(
        (entry) => entry.merchantUid === merchantUid && entry.sku === product.sku && entry.cityId === cityId,
      );
      // Applied changes first (Kaspi showed their price, so a write of it landed), then the others that were
      // sent; a write can only belong to a change recorded before it (a racing worker's lagging clock only moves
      // its changes earlier, never later).
      for (const pass of ['applied', 'other'] as const) {
        for (const row of cityRows) {
          if (!row.sentAt || (pass === 'applied') !== (row.status === 'applied') || matched.has(row.id)) continue;
          const candidates = cityEntries.filter(
            (entry) =>
              !used.has(entry) &&
              moves(entry) &&
              entry.value === row.newPrice &&
              entry.at >= row.createdAt.getTime() - 5,
          );
          const entry =
            (pass === 'applied' ? candidates.find((candidate) => candidate.landed) : undefined) ?? candidates[0];
          if (entry) {
            matched.set(row.id, entry);
            used.add(entry);
          }
        }
      }
      const ownerOf = (value: number) =>
        cityRows.find((row) => row.newPrice === value && matched.has(row.id)) ??
        cityRows.find((row) => row.newPrice === value);
      for (const entry of cityEntries) {
        if (used.has(entry) || !moves(entry)) continue;
        const owner = ownerOf(entry.value);
        if (owner && matched.has(owner.id))
          problems.duplicated.push(
            `${name(product, cityId)}: change #${owner.id} (${owner.oldPrice} → ${owner.newPrice}) was written twice (write #${entry.index})`,
          );
        else
          problems.lost.push(
            `${name(product, cityId)}: write #${entry.index} moves ${entry.before} → ${entry.value} without a sent change in the history${owner ? ` (change #${owner.id} is ${owner.status}: ${owner.error ?? ''})` : ''}`,
          );
      }

      // Every landed change starts from the price Kaspi had when it applied: two changes decided on the same
      // state (two workers, a resend) are one change made twice.
      let lastLanded: { row: PriceChange; entry: WriteEntry } | undefined;
      for (const row of cityRows) {
        const entry = matched.get(row.id);
        if (!entry?.landed) continue;
        if (row.oldPrice !== entry.before) {
          problems.duplicated.push(
            `${name(product, cityId)}: change #${row.id} (${row.oldPrice} → ${row.newPrice}) was decided on a state Kaspi had already left (it was at ${entry.before})`,
          );
        }
        if (!lastLanded || entry.index > lastLanded.entry.index) lastLanded = { row, entry };
      }

      for (const row of cityRows) {
        const entry = matched.get(row.id);
        const landed = entry?.landed === true;
        if (row.status === 'planned' || row.status === 'sent') {
          unsettled++;
          problems.lost.push(
            `${name(product, cityId)}: change #${row.id} (${row.oldPrice} → ${row.newPrice}) never settled (${row.status})`,
          );
        } else if (row.status === 'applied') {
          if (landed) verified++;
          else
            problems.lost.push(
              `${name(product, cityId)}: change #${row.id} is applied in the history but Kaspi ${entry ? 'dropped its write' : 'never received it'}`,
            );
        } else if (row.status === 'failed' && landed && row === lastLanded?.row) {
          problems.lost.push(
            `${name(product, cityId)}: change #${row.id} is failed in the history (${row.error}) but Kaspi applied ${row.newPrice}`,
          );
        }
      }

      // The history's last word, the product row and Kaspi agree, city by city.
      const kaspiPrice = offer?.allCityPrices[cityId]?.price;
      const historyPrice = lastLanded ? lastLanded.row.newPrice : mark.prices.get(key);
      if (kaspiPrice !== replayed.get(key))
        problems.lost.push(
          `${name(product, cityId)}: Kaspi shows ${kaspiPrice}, its write log leaves ${replayed.get(key)}`,
        );
      if (kaspiPrice !== historyPrice)
        problems.lost.push(`${name(product, cityId)}: Kaspi shows ${kaspiPrice}, the history says ${historyPrice}`);
      if (kaspiPrice !== priceIn(product, cityId))
        problems.lost.push(
          `${name(product, cityId)}: Kaspi shows ${kaspiPrice}, the product row says ${priceIn(product, cityId)}`,
        );
    }
    // The product's one price is its main city's.
    const main = mainCityOf(product, product.store.points);
    const kaspiMain = main ? offer?.allCityPrices[main]?.price : undefined;
    if (kaspiMain !== undefined && product.price !== kaspiMain)
      problems.lost.push(
        `${name(product)}: Kaspi shows ${kaspiMain} in its main city ${main}, the product's price is ${product.price}`,
      );
  }

  // A write that moves none of its cities and belongs to no change is a change made again (or made up).
  for (const item of items) {
    if (item.entries.some((entry) => used.has(entry) || moves(entry))) continue;
    const product = byKey.get(`${item.merchantUid}:${item.sku}`);
    if (!product) continue;
    const owner = rows.find(
      (row) =>
        row.product.id === product.id &&
        matched.has(row.id) &&
        item.entries.some((entry) => entry.cityId === cityOfRow(row) && entry.value === row.newPrice),
    );
    if (owner)
      problems.duplicated.push(
        `${name(product, cityOfRow(owner))}: change #${owner.id} (${owner.oldPrice} → ${owner.newPrice}) was written twice (write #${item.index}, moving nothing)`,
      );
    else problems.lost.push(`${name(product)}: write #${item.index} moves no city and belongs to no change`);
  }

  await auditTold(input, mark, told, rows, cityOfRow, problems);
  const messages = input.messages.slice(mark.messages);
  return {
    planned: rows.length,
    applied: rows.filter((row) => row.status === 'applied').length,
    verified,
    failed: rows.filter((row) => row.status === 'failed').length,
    lost: problems.lost.length,
    duplicated: problems.duplicated.length,
    belowFloor: problems.belowFloor.length,
    unsettled,
    messages: messages.length,
    problems,
  };
}

export function kaspiAvailability(input: Pick<AuditInput, 'sandbox' | 'stores'>): Map<string, string> {
  const availability = new Map<string, string>();
  for (const store of input.stores) {
    for (const offer of input.sandbox.catalogue(store.merchantUid)) {
      availability.set(
        `${store.merchantUid}:${offer.sku}`,
        JSON.stringify(offer.availabilities.map((point) => [point.storeId, point.available, point.preOrder ?? 0])),
      );
    }
  }
  return availability;
}

/**
 * What the seller was told: every sent change once in a digest, every sent-then-failed one once as «not
 * applied», each episode of an expired session or a write freeze once per store, all of it readable. Changes are
 * told apart by (product, city, new price).
 */
async function auditTold(
  input: AuditInput,
  mark: Mark,
  told: ExpectedTold,
  rows: PriceChange[],
  cityOfRow: (row: PriceChange) => string,
  problems: Audit['problems'],
): Promise<void> {
  const em = input.orm.em.fork();
  const stores = new Map((await em.find(StoreSchema, {})).map((store) => [store.id, store]));
  // Alerts name a city only where the store sells in several; otherwise it is the store's one city.
  const cityNamed = (storeId: number, cityName: string | undefined) => {
    const points = stores.get(storeId)?.points ?? [];
    if (cityName !== undefined) return points.find((point) => point.cityName === cityName)?.cityId ?? cityName;
    const cities = [...new Set(points.map((point) => point.cityId))];
    return cities.length === 1 ? cities[0]! : '';
  };
  const notifications = input.notifications.slice(mark.notifications);
  const digestLines = notifications.flatMap((notification) =>
    notification.type === 'digest' && !notification.dryRun ? notification.lines : [],
  );
  const alerts = notifications.flatMap((notification) =>
    notification.type === 'alert' ? [{ storeId: notification.storeId, ...notification.alert }] : [],
  );
  const tally = <T>(values: T[], key: (value: T) => string) =>
    values.reduce((map, value) => map.set(key(value), (map.get(key(value)) ?? 0) + 1), new Map<string, number>());
  // Per (product, city, new price): applied changes told at least once, no more digest lines than changes sent,
  // one «not applied» per change that was sent (or recovered as maybe-sent) and then failed.
  const keyOf = (productId: number, cityId: string, price: number) => `${productId} in ${cityId} → ${price}`;
  const toldLines = tally(digestLines, (line) => keyOf(line.productId, line.cityId ?? '', line.newPrice));
  const rowKey = (row: PriceChange) => keyOf(row.product.id, cityOfRow(row), row.newPrice);
  const sentRows = rows.filter((row) => row.sentAt);
  const sentTally = tally(sentRows, rowKey);
  const appliedTally = tally(
    rows.filter((row) => row.status === 'applied'),
    rowKey,
  );
  const failedSentTally = tally(
    sentRows.filter((row) => row.status === 'failed'),
    rowKey,
  );
  const notApplied = tally(
    alerts.filter((alert) => alert.kind === 'not-applied'),
    (alert) => keyOf(alert.productId ?? 0, cityNamed(alert.storeId, alert.cityName), Number(alert.details?.newPrice)),
  );
  for (const [key, count] of appliedTally) {
    if ((toldLines.get(key) ?? 0) < count)
      problems.told.push(
        `change ${key} applied ${count}× but was in a digest ${toldLines.get(key) ?? 0}× (the seller never heard of it)`,
      );
  }
  for (const [key, count] of toldLines) {
    if (count > (sentTally.get(key) ?? 0))
      problems.told.push(`digest told ${key} ${count}× for ${sentTally.get(key) ?? 0} sent change(s)`);
  }
  for (const key of new Set([...failedSentTally.keys(), ...notApplied.keys()])) {
    if ((failedSentTally.get(key) ?? 0) !== (notApplied.get(key) ?? 0)) {
      problems.told.push(
        `change ${key}: ${failedSentTally.get(key) ?? 0} sent-then-failed, «not applied» told ${notApplied.get(key) ?? 0}×`,
      );
    }
  }
  // Transition alerts (floor reached, first place lost) come once per episode of a city's market; the suite
  // moves each market at most once per scenario, so a second one for the same product and city is the same news
  // told twice.
  const transitions = tally(
    alerts.filter((alert) => alert.kind === 'floor-reached' || alert.kind === 'lost-first-place'),
    (alert) => `${alert.kind} for product ${alert.productId} in ${cityNamed(alert.storeId, alert.cityName)}`,
  );
  for (const [key, count] of transitions) if (count > 1) problems.told.push(`${key} told ${count}×`);
  const messages = input.messages.slice(mark.messages);
  for (const store of input.stores) {
    const storeName = stores.get(store.id)?.name ?? '';
    const ofStore = messages.filter((message) => message.text.includes(storeName));
    const expired = ofStore.filter((message) => /Сессия Kaspi/.test(message.text)).length;
    const limited = ofStore.filter((message) => /временно ограничил/.test(message.text)).length;
    const expectedExpired = told.sessionExpired?.[store.merchantUid] ?? 0;
    const expectedLimited = told.rateLimited?.[store.merchantUid] ?? 0;
    if (expired !== expectedExpired)
      problems.told.push(
        `store ${store.merchantUid}: «session expired» reached the seller ${expired} times (expected ${expectedExpired})`,
      );
    if (limited !== expectedLimited)
      problems.told.push(
        `store ${store.merchantUid}: «rate limited» reached the seller ${limited} times (expected ${expectedLimited})`,
      );
  }
  for (const message of messages) {
    if (/undefined|NaN|\{\s*\$|\[object/.test(message.text) || message.text.trim() === '')
      problems.told.push(`unclear message: ${message.text.slice(0, 120)}`);
  }
}
