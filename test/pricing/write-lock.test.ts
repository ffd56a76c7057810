import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { ProductWriteBusyError, ProductWriteLock } from '../../src/pricing/write-lock.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/**
 * The per-product write lock on both databases the bot runs on: PostgreSQL (session advisory locks on a pinned
 * connection) and the embedded PGlite (lease rows, since its connections share one session).
 */

const { logger } = captureLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lockContract(name: string, open: () => Promise<{ database: Database; close(): Promise<void> }>) {
  describe(`ProductWriteLock on ${name}`, () => {
    let world: { database: Database; close(): Promise<void> };
    // Two locks, as two processes (or the bot and the demper) have: they share nothing but the database.
    let bot: ProductWriteLock;
    let demper: ProductWriteLock;

    beforeAll(async () => {
      world = await open();
      bot = new ProductWriteLock(world.database.orm);
      demper = new ProductWriteLock(world.database.orm);
    });
    afterAll(async () => {
      await world?.close();
    });

    it('a product held by one writer is skipped by another that does not wait, and free once released', async () => {
      const held = await bot.acquire([1, 2], 0);
      expect(held.held).toEqual(new Set([1, 2]));
      const skipping = await demper.acquire([2, 3], 0);
      expect(skipping.held).toEqual(new Set([3]));
      await skipping.release();
      await held.release();
      const after = await demper.acquire([1, 2, 3], 0);
      expect(after.held).toEqual(new Set([1, 2, 3]));
      await after.release();
    });

    it('a writer that waits gets the product as soon as the holder lets go; past its wait it is told busy', async () => {
      const held = await demper.acquire([10], 0);
      const started = Date.now();
      const waiting = bot.withProducts([10], 5_000, async () => Date.now() - started);
      await sleep(300);
      await held.release();
      expect(await waiting).toBeGreaterThanOrEqual(250);

      const again = await demper.acquire([10], 0);
      try {
        await expect(bot.withProducts([10], 200, async () => 'ran')).rejects.toBeInstanceOf(ProductWriteBusyError);
      } finally {
        await again.release();
      }
    });

    it('the same lock object excludes its own concurrent sections too', async () => {
      const first = await bot.acquire([20], 0);
      const second = await bot.acquire([20], 0);
      expect(second.held.size).toBe(0);
      await second.release();
      await first.release();
    });

    it('of many writers racing for one product, one section runs at a time', async () => {
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          (index % 2 ? bot : demper).withProducts([30], 10_000, async () => {
            inside++;
            most = Math.max(most, inside);
            await sleep(30);
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
    });
  });
}

lockContract('PostgreSQL', async () => {
  const testDb = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  await migrate(database);
  return {
    database,
    async close() {
      await database.close();
      await testDb.drop();
    },
  };
});

lockContract('the embedded PGlite', async () => {
  const database = await openDatabase({ databaseUrl: undefined, dataDir: null, logger });
  await migrate(database);
  return { database, close: () => database.close() };
});

describe('ProductWriteLock when its holder dies', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const testDb = await createTestDatabase();
    drop = testDb.drop;
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('PostgreSQL frees the product with the dead holder’s connection, and the pool drops that connection', async () => {
    const dying = new ProductWriteLock(database.orm);
    const held = await dying.acquire([40], 0);
    expect(held.held.size).toBe(1);
    const other = new ProductWriteLock(database.orm);
    expect((await other.acquire([40], 0)).held.size).toBe(0);
    // The holder's process dies: PostgreSQL loses its connection, as when the process is killed.
    const connection = database.orm.em.getConnection();
    const [holder] = await connection.execute<{ pid: number }[]>(
      `select pid from pg_locks
       where locktype = 'advisory' and granted and classid = ? and objid = 40
         and database = (select oid from pg_database where datname = current_database())`,
      [0x70726963],
    );
    await connection.execute('select pg_terminate_backend(?)', [holder!.pid]);
    // The backend ends a moment after it is told to; a writer that waits a little then gets the product.
    const after = await other.acquire([40], 5_000);
    expect(after.held).toEqual(new Set([40]));
    await after.release();
    // Releasing through the dead connection neither throws nor hands it to the next query.
    await held.release();
    for (let i = 0; i < 12; i++) await connection.execute('select 1');
  });
});
