import { countedRivalsFirst } from '../helpers/counted-rivals.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { priceIn, pricesDiffer } from '../../src/catalog/city-prices.js';
import { CatalogSync } from '../../src/catalog/sync.js';
import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type Product,
} from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { formatTenge } from '../../src/demper/reasons.js';
import { demperCitiesOf } from '../../src/demper/settings.js';
import type { Kaspi } from '../../src/kaspi/index.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { SAMPLE_MASTER_SKU } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { kaspiFor } from '../helpers/kaspi.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

const BIN = join(import.meta.dirname, '../../bin/kaspi-bot.js');
const MERCHANT = '30067228';
const SANDBOX_MERCHANTS = new Set(['30067228', '30463421']);
/** The CLI opens the cookies this test process sealed: both must use the same key. */
const SECRET_KEY = '5e'.repeat(32);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const { logger } = captureLogger('silent');
let sandbox: KaspiSandbox;
let kaspi: Kaspi;
let database: Database;
let dropDatabase: (() => Promise<void>) | undefined;
let env: Record<string, string>;
let storeId: number;
let product: Product;
/** The product's cities, each with its own price before the run. */
let cities: { cityId: string; price: number }[];
/** The CLI's line for each city's change (it does not name the city). */
const changeLines = () =>
  cities.map(({ price }) =>
    expect.stringContaining(`store ${storeId} ${product.sku}: ${formatTenge(price)} → ${formatTenge(price - 101)} — `),
  );

/** Runs the real `kaspi-bot` executable with only the variables given (plus PATH). */
function kaspiBot(args: string[], extraEnv: Record<string, string> = env): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', ...extraEnv }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const priceChanges = () => database.orm.em.fork().find(PriceChangeSchema, { product: product.id });

beforeAll(async () => {
  sandbox = await startKaspiSandbox({
    seed: 13,
    timeScale: 60,
    rivalTickMs: 0,
    productsPerMerchant: 12,
    applyDelayMs: 6_000,
    logger: captureLogger('silent').logger,
  });
  kaspi = kaspiFor(sandbox, logger);
  const testDb = await createTestDatabase();
  dropDatabase = testDb.drop;
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  await migrate(database);
  const sessions = new KaspiSessionManager(
    database.orm,
    new SecretBox(Buffer.from(SECRET_KEY, 'hex')),
    kaspi.cabinet,
    logger,
  );

  const em = database.orm.em.fork();
  const seller = em.create(SellerSchema, { telegramUserId: 7_700_100, chatId: 7_700_100 });
  await em.flush();
  const pending = await kaspi.smsLogin.start('+7 701 000 00 01');
  const loggedIn = await kaspi.smsLogin.verify(pending, sandbox.lastCode('+7 (701) 000-00-01')!);
  const store = await sessions.connectStore({
    sellerId: seller.id,
    merchantUid: MERCHANT,
    cookies: loggedIn.cookies,
    loginMethod: 'sms',
    identity: pending.phone,
  });
  storeId = store.id;
  await new CatalogSync(database.orm, sessions, kaspi.cabinet, logger).sync(storeId);
  await em.nativeUpdate(StoreSchema, { id: storeId }, { demperEnabled: true });

  // One product on the demper, on sale in both cities; in each city a rival 100 ₸ under that city's own price:
  // the run undercuts each city by the 1 ₸ step, from its own price.
  const products = await em.find(ProductSchema, { store: storeId, onSale: true }, { orderBy: { id: 'ASC' } });
  const candidates = products.filter(
    (candidate) =>
      candidate.masterSku !== SAMPLE_MASTER_SKU &&
      candidate.price >= 2_000 &&
      demperCitiesOf(candidate, store.points).length === 2,
  );
  product = candidates.find((candidate) => pricesDiffer(candidate, store.points)) ?? candidates[0]!;
  cities = demperCitiesOf(product, store.points).map((cityId) => ({ cityId, price: priceIn(product, cityId) }));
  for (const { cityId, price } of cities) {
    const rivals = countedRivalsFirst(
      sandbox.storefront(product.masterSku, cityId).filter((offer) => !SANDBOX_MERCHANTS.has(String(offer.merchantId))),
    );
    rivals.forEach((rival, index) =>
      sandbox.setRivalPrice(product.masterSku, cityId, String(rival.merchantId), price + (index === 0 ? -100 : 2_000)),
    );
  }
  const lowest = Math.min(...cities.map((city) => city.price));
  await em.nativeUpdate(
    ProductSchema,
    { id: product.id },
    { demperEnabled: true, minPrice: lowest - 1_000, step: 1, nextCheckAt: null },
  );

  env = {
    DATABASE_URL: testDb.url,
    SECRET_KEY,
    KASPI_IDMC_URL: sandbox.idmcUrl,
    KASPI_MC_URL: sandbox.mcUrl,
    KASPI_SHOP_URL: sandbox.shopUrl,
    LOG_LEVEL: 'error',
  };
});

afterAll(async () => {
  await kaspi?.close();
  await sandbox?.close();
  await database?.close();
  await dropDatabase?.();
});

describe('kaspi-bot demper', () => {
  it('--dry-run proposes the change and prints it; nothing is written to Kaspi or recorded', async () => {
    const result = await kaspiBot(['demper', '--once', '--store', String(storeId), '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(
      / demper \(dry run\): 1 store\(s\), 2 checked, 0 held, 2 proposed, 0 sent, 0 deferred, 0 applied, 0 failed$/,
    );
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines.slice(1)).toEqual(expect.arrayContaining(changeLines()));
    expect(sandbox.writes()).toEqual([]);
    expect(await priceChanges()).toEqual([]);
  });

  it('--once --store <id> sends the change in one batch, records it and prints a summary', async () => {
    await database.orm.em.fork().nativeUpdate(ProductSchema, { id: product.id }, { nextCheckAt: null });
    const result = await kaspiBot(['demper', '--once', '--store', String(storeId)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(
      / demper: 1 store\(s\), 2 checked, 0 held, 2 planned, 2 sent, 0 deferred, 0 applied, 0 failed$/,
    );
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines.slice(1)).toEqual(expect.arrayContaining(changeLines()));

    // Both cities in one batch item, each at its own new price; no bare price that would flatten them.
    const writes = sandbox.writes(MERCHANT);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endpoint).toBe('batch');
    const [item] = writes[0]!.body as Record<string, unknown>[];
    expect(writes[0]!.body).toHaveLength(1);
    expect(item).toMatchObject({ sku: product.sku });
    expect(item).not.toHaveProperty('price');
    const byCity = (list: { cityId: string }[]) => [...list].sort((a, b) => a.cityId.localeCompare(b.cityId));
    expect(byCity(item!.cityPrices as { cityId: string; value: number }[])).toEqual(
      byCity(cities.map(({ cityId, price }) => ({ cityId, value: price - 101 }))),
    );
    const changes = await priceChanges();
    expect(
      byCity(
        changes.map((change) => ({
          cityId: change.cityId!,
          status: change.status,
          source: change.source,
          oldPrice: change.oldPrice,
          newPrice: change.newPrice,
        })),
      ),
    ).toEqual(
      byCity(
        cities.map(({ cityId, price }) => ({
          cityId,
          status: 'sent',
          source: 'demper',
          oldPrice: price,
          newPrice: price - 101,
        })),
      ),
    );
  });

  it('--store abc exits 1 with one line and touches nothing', async () => {
    const writesBefore = sandbox.writes().length;
    const result = await kaspiBot(['demper', '--once', '--store', 'abc']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('kaspi-bot demper: --store takes a store id (a whole number)\n');
    expect(sandbox.writes()).toHaveLength(writesBefore);
  });
});
