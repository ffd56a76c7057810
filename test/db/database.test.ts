import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CompetitorSnapshotSchema,
  KvEntrySchema,
  PreorderSchema,
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
} from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

const TABLES = [
  'competitor_snapshot',
  'follow_up',
  'kv_entry',
  'preorder',
  'price_change',
  'product',
  'seller',
  'store',
];

interface Target {
  name: string;
  open(): Promise<{ database: Database; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PostgreSQL (DATABASE_URL)',
    async open() {
      const testDb = await createTestDatabase();
      const database = await openDatabase({
        databaseUrl: testDb.url,
        dataDir: null,
        logger: captureLogger('warn').logger,
      });
      return {
        database,
        async cleanup() {
          await database.close();
          await testDb.drop();
        },
      };
    },
  },
  {
    name: 'embedded PGlite',
    async open() {
      const database = await openDatabase({
        databaseUrl: undefined,
        dataDir: null,
        logger: captureLogger('warn').logger,
      });
      return { database, cleanup: () => database.close() };
    },
  },
];

describe.each(targets)('database on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('migrates up from empty, once', async () => {
    const connection = database.orm.em.getConnection();
    const before = await connection.execute(
      `select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(before).toHaveLength(0);

    const applied = await migrate(database);
    expect(applied).toEqual([
      'Migration20261125020540',
      'Migration20261125023538',
      'Migration20261125223854',
      'Migration20261206000100',
      'Migration20261207000100',
      'Migration20261208120000',
      'Migration20261209000100',
      'Migration20261210000100',
      'Migration20261211000100',
      'Migration20261212000500',
    ]);
    expect(await migrate(database)).toEqual([]);

    const tables = await connection.execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations' order by 1`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(TABLES);
  });

  it('matches the entities exactly after migrating (no pending schema diff)', async () => {
    const diff = await database.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('round-trips every entity and keeps secrets sealed in the raw table', async () => {
    const box = new SecretBox(randomBytes(32));
    const em = database.orm.em.fork();
    const seller = em.create(SellerSchema, {
      telegramUserId: 7_000_000_001,
      chatId: 7_000_000_001,
      firstName: 'Айгерим',
    });
    await em.flush();

    const cookies = 'mc-session=S3CR3T-session; mc-sid=S3CR3T-sid';
    const store = em.create(StoreSchema, {
      seller,
      merchantUid: '30067228',
      name: 'Магазин «Алма»',
      loginMethod: 'sms',
      points: [
        { storeId: '30067228_PP1', code: 'PP1', name: 'PP1', cityId: '750000000', cityName: 'Алматы', enabled: true },
        { storeId: '30067228_PP2', code: 'PP2', name: 'PP2', cityId: '710000000', cityName: 'Астана', enabled: true },
      ],
      sessionState: 'active',
    });
    await em.flush();
    store.sessionSealed = box.seal(cookies, `store:${store.id}:session`);
    store.loginIdentitySealed = box.seal('+7 (701) 234-56-78', `store:${store.id}:identity`);
    await em.flush();

    const availabilities = [
      { storeId: '30067228_PP1', available: 'yes' as const, preOrder: 0, stockSpecified: true, stockCount: 3 },
      {
        storeId: '30067228_PP2',
        available: 'yes' as const,
        preOrder: 5,
        stockSpecified: false,
        stockCount: 0,
        unknownKaspiField: { x: 1 },
      },
    ];
    const product = em.create(ProductSchema, {
      store,
      sku: '133206576_392235481',
      masterSku: '133206576',
      title: 'Влажные полотенца Sunlight 70шт',
      brand: 'Sunlight',
      price: 1120,
      cityPrices: [{ cityId: '750000000', price: 1120 }],
      availabilities,
      onSale: true,
      demperEnabled: true,
      minPrice: 990,
      maxPrice: 1500,
      excludedMerchants: ['11271005'],
    });
    await em.flush();

    em.create(PriceChangeSchema, {
      store,
      product,
      oldPrice: 1120,
      newPrice: 1110,
      reasonCode: 'undercut_leader',
      reasonText: 'Конкурент Tehno Trade продаёт за 1 115 ₸ — ставим 1 110 ₸',
      source: 'demper',
      idempotencyKey: `demper:${product.id}:cycle-1`,
      cheapestRivalPrice: 1115,
    });
    em.create(CompetitorSnapshotSchema, {
      product,
      cityId: '750000000',
      offers: [
        {
          merchantId: '11271005',
          merchantName: 'Tehno Trade',
          price: 1115,
          rating: 4.8,
          reviews: 231,
          deliveryDuration: 'TOMORROW',
          preorder: 0,
        },
      ],
      ourPrice: 1120,
      ourPlace: 2,
      cheapestRivalPrice: 1115,
    });
    em.create(PreorderSchema, { store, product, points: [{ storeId: '30067228_PP2', days: 7 }] });
    em.create(KvEntrySchema, { key: 'session:7000000001', value: { step: 'phone', n: 1 } });
    await em.flush();

    const fresh = database.orm.em.fork();
    const loadedProduct = await fresh.findOneOrFail(
      ProductSchema,
      { sku: '133206576_392235481' },
      { populate: ['store', 'store.seller'] },
    );
    expect(loadedProduct.availabilities).toEqual(availabilities);
    expect(loadedProduct.store.points[1]!.cityName).toBe('Астана');
    expect(loadedProduct.store.seller.firstName).toBe('Айгерим');
    expect(loadedProduct.store.seller.language).toBe('ru');
    expect(loadedProduct.store.seller.telegramUserId).toBe(7_000_000_001);
    expect(loadedProduct.excludedMerchants).toEqual(['11271005']);
    expect(loadedProduct.strategy).toBe('first_place');
    expect(loadedProduct.createdAt).toBeInstanceOf(Date);

    const change = await fresh.findOneOrFail(PriceChangeSchema, { product: loadedProduct });
    expect(change).toMatchObject({ oldPrice: 1120, newPrice: 1110, status: 'planned', source: 'demper' });
    const snapshot = await fresh.findOneOrFail(CompetitorSnapshotSchema, { product: loadedProduct });
    expect(snapshot.offers[0]!.merchantName).toBe('Tehno Trade');
    const preorder = await fresh.findOneOrFail(PreorderSchema, { product: loadedProduct });
    expect(preorder.points).toEqual([{ storeId: '30067228_PP2', days: 7 }]);
    expect((await fresh.findOneOrFail(KvEntrySchema, { key: 'session:7000000001' })).value).toEqual({
      step: 'phone',
      n: 1,
    });

    const loadedStore = loadedProduct.store;
    expect(box.open(loadedStore.sessionSealed!, `store:${loadedStore.id}:session`)).toBe(cookies);

    // What an attacker with a database dump sees: no cookie, no phone.
    const raw = await fresh.getConnection().execute(`select * from store`);
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain('S3CR3T');
    expect(dump).not.toContain('234-56-78');
  });

  it('refuses a second change with the same idempotency key', async () => {
    const em = database.orm.em.fork();
    const product = await em.findOneOrFail(ProductSchema, { sku: '133206576_392235481' });
    em.create(PriceChangeSchema, {
      store: product.store,
      product,
      oldPrice: 1120,
      newPrice: 1110,
      reasonCode: 'undercut_leader',
      reasonText: 'повтор',
      source: 'demper',
      idempotencyKey: `demper:${product.id}:cycle-1`,
    });
    await expect(em.flush()).rejects.toThrow(/unique|duplicate/i);
  });

  it('enforces the money rules in the database itself', async () => {
    const connection = database.orm.em.getConnection();
    const [row] = await connection.execute<{ id: number }[]>(`select id from product limit 1`);
    const id = row!.id;
    await expect(connection.execute(`update product set min_price = 5 where id = ${id}`)).rejects.toThrow(
      /min_price_check/,
    );
    await expect(
      connection.execute(`update product set min_price = 2000, max_price = 1500 where id = ${id}`),
    ).rejects.toThrow(/min_max_check/);
    await expect(connection.execute(`update price_change set new_price = 9`)).rejects.toThrow(/new_price_check/);
  });

  it('removes a store with everything under it', async () => {
    const em = database.orm.em.fork();
    const store = await em.findOneOrFail(StoreSchema, { merchantUid: '30067228' });
    await em.remove(store).flush();
    const connection = em.getConnection();
    for (const table of ['product', 'price_change', 'competitor_snapshot', 'preorder']) {
      const [row] = await connection.execute<{ count: string }[]>(`select count(*) from ${table}`);
      const count = row!.count;
      expect(Number(count), table).toBe(0);
    }
  });
});

describe('the database driver’s own messages', () => {
  it('go to our log as JSON, not to the console: a connection PostgreSQL dropped is a warning line', async () => {
    const testDb = await createTestDatabase();
    const logs = captureLogger('warn');
    const database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger: logs.logger });
    const printed: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void printed.push(args);
    try {
      const connection = database.orm.em.getConnection();
      const [backend] = await connection.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      const admin = await openDatabase({
        databaseUrl: testDb.url,
        dataDir: null,
        logger: captureLogger('warn').logger,
      });
      await admin.orm.em.getConnection().execute('select pg_terminate_backend(?)', [backend!.pid]);
      await admin.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The pool notices the dead connection, says so, and the next query runs on a new one.
      expect(await connection.execute('select 1 as one')).toEqual([{ one: 1 }]);
      const warnings = logs.lines().filter((line) => line.msg === 'database driver warning');
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(String(warnings[0]!.detail)).toMatch(/^Connection Error: /);
      expect(printed).toEqual([]);
    } finally {
      console.log = original;
      await database.close();
      await testDb.drop();
    }
  });
});
