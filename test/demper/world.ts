import { randomBytes } from 'node:crypto';

import { CatalogSync } from '../../src/catalog/sync.js';
import { mainCityOf } from '../../src/catalog/city-prices.js';
import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type PriceChange,
  type Product,
} from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { DemperEngine, type DemperEngineOptions } from '../../src/demper/engine.js';
import type { RecordingNotifier } from '../../src/demper/notifier.js';
import { createI18n } from '../../src/i18n.js';
import { KaspiLoginError } from '../../src/kaspi/errors.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import {
  startKaspiSandbox,
  type KaspiSandbox,
  type KaspiSandboxOptions,
  type SandboxOffer,
} from '../../src/kaspi-sandbox/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { countedRivalsFirst } from '../helpers/counted-rivals.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * The world the demper's integration tests run in (and the price outbox's concurrency test reuses): the Kaspi
 * sandbox, a fresh PostgreSQL database, a seller whose store is connected by SMS login and synced, and helpers
 * to arrange a product's market and switch its demper on.
 */

export const MERCHANT = '30067228';
/** The sandbox's two merchants; everything else on its storefront is a rival. */
export const SANDBOX_MERCHANTS = new Set(['30067228', '30463421']);
const PHONE = '+7 701 000 00 01';
const PHONE_AS_KASPI_WRITES_IT = '+7 (701) 000-00-01';
export const BATCH_REQUESTS = 'cabinet POST /pricefeed/upload/merchant/process/process/batch';

const { logger } = captureLogger('silent');
const i18n = createI18n();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A seller with one store connected by SMS login, its catalogue synced: what the demper runs on in production. */
export interface World {
  sandbox: KaspiSandbox;
  kaspi: Kaspi;
  database: Database;
  sessions: KaspiSessionManager;
  sellerId: number;
  storeId: number;
  /** Logs in again by SMS (after the session was expired on purpose). */
  relogin(): Promise<void>;
  close(): Promise<void>;
}

export async function openWorld(
  sandboxOptions: Partial<KaspiSandboxOptions>,
  env: Record<string, string>,
): Promise<World> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    // timeScale 60: Kaspi's apply delay (6 s → 100 ms) and SMS resend wait (60 s → 1 s) stay short.
    const sandbox = await startKaspiSandbox({
      seed: 5,
      timeScale: 60,
      rivalTickMs: 0,
      applyDelayMs: 6_000,
      logger: captureLogger('silent').logger,
      ...sandboxOptions,
    });
    closers.push(() => sandbox.close());
    const kaspi = kaspiFor(sandbox, logger, env);
    closers.push(() => kaspi.close());
    const testDb = await createTestDatabase();
    closers.push(() => testDb.drop());
    const database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
    closers.push(() => database.close());
    await migrate(database);
    const sessions = new KaspiSessionManager(database.orm, new SecretBox(randomBytes(32)), kaspi.cabinet, logger);

    const em = database.orm.em.fork();
    const seller = em.create(SellerSchema, { telegramUserId: 7_700_001, chatId: 7_700_001 });
    await em.flush();
    const login = async () => {
      let pending;
      try {
        pending = await kaspi.smsLogin.start(PHONE);
      } catch (error) {
        if (!(error instanceof KaspiLoginError) || error.errorCode !== 'MFA_SEND_FLOOD') throw error;
        await sleep((error.breakTimeSeconds ?? 1) * 1000 + 50);
        pending = await kaspi.smsLogin.start(PHONE);
      }
      const loggedIn = await kaspi.smsLogin.verify(pending, sandbox.lastCode(PHONE_AS_KASPI_WRITES_IT)!);
      return sessions.connectStore({
        sellerId: seller.id,
        merchantUid: MERCHANT,
        cookies: loggedIn.cookies,
        loginMethod: 'sms',
        identity: pending.phone,
      });
    };
    const store = await login();
    await new CatalogSync(database.orm, sessions, kaspi.cabinet, logger).sync(store.id);
    await em.nativeUpdate(StoreSchema, { id: store.id }, { demperEnabled: true });
    return {
      sandbox,
      kaspi,
      database,
      sessions,
      sellerId: seller.id,
      storeId: store.id,
      relogin: async () => void (await login()),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export function engineFor(
  world: World,
  notifier: RecordingNotifier,
  options: Partial<DemperEngineOptions> = {},
): DemperEngine {
  return new DemperEngine({
    orm: world.database.orm,
    kaspi: world.kaspi,
    sessions: world.sessions,
    notifier,
    i18n,
    logger,
    verifyAfterMs: 100,
    verifyTimeoutMs: 60_000,
    ...options,
  });
}

export async function storeOf(world: World) {
  return world.database.orm.em.fork().findOneOrFail(StoreSchema, world.storeId);
}

export async function productRow(world: World, id: number): Promise<Product> {
  return world.database.orm.em.fork().findOneOrFail(ProductSchema, id);
}

export async function changesOf(world: World, productId: number): Promise<PriceChange[]> {
  return world.database.orm.em.fork().find(PriceChangeSchema, { product: productId }, { orderBy: { id: 'ASC' } });
}

export function catalogueOffer(world: World, sku: string): SandboxOffer {
  const offer = world.sandbox.catalogue(MERCHANT).find((candidate) => candidate.sku === sku);
  if (!offer) throw new Error(`no offer ${sku} in the sandbox`);
  return offer;
}

export async function cityOf(world: World, product: Product): Promise<string> {
  const city = mainCityOf(product, (await storeOf(world)).points);
  if (!city) throw new Error(`product ${product.sku} has no city`);
  return city;
}

/** Products on sale with a small market (one storefront page), in catalogue order: each test takes its own. */
export async function productPool(world: World): Promise<Product[]> {
  const store = await storeOf(world);
  const products = await world.database.orm.em
    .fork()
    .find(ProductSchema, { store: world.storeId, onSale: true }, { orderBy: { id: 'ASC' } });
  return products.filter((product) => {
    if (product.masterSku === SAMPLE_MASTER_SKU || product.price < 2_000) return false;
    const city = mainCityOf(product, store.points);
    const rivals = city
      ? world.sandbox
          .storefront(product.masterSku, city)
          .filter((offer) => !SANDBOX_MERCHANTS.has(String(offer.merchantId)))
      : [];
    return rivals.length >= 2 && rivals.length <= 60;
  });
}

/**
 * Takes the products off sale at the store's second point (Astana), as a seller does in the cabinet, and syncs: the
 * single-market tests then see one market per product. The per-city test uses a product sold in both cities.
 */
export async function sellOnlyAtFirstPoint(world: World, products: Product[]): Promise<void> {
  const store = await storeOf(world);
  await world.sessions.withSession(world.storeId, async ({ jar, merchantUid }) => {
    const items = [];
    for (const product of products) {
      const read = (await world.kaspi.cabinet.findOffer(jar, merchantUid, product.sku))!;
      const item = buildPricefeedItem(merchantUid, read, {}, store.points);
      item.availabilities = item.availabilities.map((point) =>
        point.storeId.endsWith('_PP2') ? { ...point, available: 'no' } : point,
      );
      items.push(item);
    }
    for (let start = 0; start < items.length; start += 50) {
      if (start > 0) await sleep(1_100); // within a sandbox allowing one write a second
      await world.kaspi.cabinet.writeBatch(jar, merchantUid, items.slice(start, start + 50));
    }
  });
  await waitUntil(
    () =>
      products.every(
        (product) =>
          catalogueOffer(world, product.sku).availabilities.find((point) => point.storeId.endsWith('_PP2'))
            ?.available !== 'yes',
      ),
    'Kaspi takes the second points off sale',
  );
  await new CatalogSync(world.database.orm, world.sessions, world.kaspi.cabinet, logger).sync(world.storeId);
}

/**
 * Sets the product's market in its decisive city: the first rival at `leaderPrice`, every other at `othersPrice`.
 * Returns that first rival (the leader when `leaderPrice` is the lowest).
 */
export async function arrangeMarket(world: World, product: Product, leaderPrice: number, othersPrice: number) {
  const city = await cityOf(world, product);
  const rivals = countedRivalsFirst(
    world.sandbox
      .storefront(product.masterSku, city)
      .filter((offer) => !SANDBOX_MERCHANTS.has(String(offer.merchantId))),
  );
  rivals.forEach((rival, index) =>
    world.sandbox.setRivalPrice(
      product.masterSku,
      city,
      String(rival.merchantId),
      index === 0 ? leaderPrice : othersPrice,
    ),
  );
  return { city, leader: { merchantId: String(rivals[0]!.merchantId), merchantName: String(rivals[0]!.merchantName) } };
}

export async function enableDemper(
  world: World,
  product: Product,
  settings: Partial<Pick<Product, 'minPrice' | 'maxPrice' | 'step' | 'demperOptions'>>,
) {
  await world.database.orm.em
    .fork()
    .nativeUpdate(ProductSchema, { id: product.id }, { demperEnabled: true, nextCheckAt: null, step: 1, ...settings });
}

export async function makeDue(world: World, productIds: number[]) {
  await world.database.orm.em.fork().nativeUpdate(ProductSchema, { id: { $in: productIds } }, { nextCheckAt: null });
}
