import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { entityManagerFor, inUnitOfWork } from '../../src/db/unit-of-work.js';
import { SellerSchema } from '../../src/db/entities/index.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

/** A job's reads share one identity map; outside a job every call gets a fresh fork that caches nothing. */
describe('unit of work per job', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: null, logger: captureLogger('warn').logger });
    await migrate(database);
    const em = database.orm.em.fork();
    em.create(SellerSchema, { telegramUserId: 424_242, chatId: 424_242 });
    await em.flush();
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('inside a job: one EntityManager and one object per row; outside: a fresh fork each call', async () => {
    const [first, second, same] = await inUnitOfWork(database.orm, async () => {
      const a = entityManagerFor(database.orm);
      const b = entityManagerFor(database.orm);
      return [
        a,
        b,
        (await a.findOneOrFail(SellerSchema, { telegramUserId: 424_242 })) ===
          (await b.findOneOrFail(SellerSchema, { telegramUserId: 424_242 })),
      ] as const;
    });
    expect(first).toBe(second);
    expect(same).toBe(true);
    expect(entityManagerFor(database.orm)).not.toBe(entityManagerFor(database.orm));
    // Two jobs never share what they loaded.
    const jobs = await Promise.all(
      [1, 2].map(() => inUnitOfWork(database.orm, async () => entityManagerFor(database.orm))),
    );
    expect(jobs[0]).not.toBe(jobs[1]);
  });
});
