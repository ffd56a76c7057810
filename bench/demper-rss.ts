/**
 * The memory and scan-time half of `npm run bench:demper`, in a process of its own so that its RSS is the
 * demper's alone (no sandbox, no proxies, no 10,000-product run before it):
 *
 *   1. a fresh database, migrated; RSS at rest (the baseline, measured in this same process);
 *   2. `--products` product rows over `--stores` stores (inserted by SQL, all due: the state right after a
 *      seller switched the demper on for the whole catalogue, the worst case for the scan);
 *   3. the scheduler tick's due-products scans: `findDueProducts` (what `engine.runOnce` starts with, at the
 *      production per-run limit) and `storesWithDemperWork` (what the tick runs when a queue is configured);
 *   4. RSS while the scanned products are still held, and the peak RSS.
 *
 * Run alone: `npx tsx bench/demper-rss.ts --products 100000` (prints one JSON line).
 */
import { performance } from 'node:perf_hooks';

import { SellerSchema, StoreSchema, type StorePoint } from '../src/db/entities/index.js';
import { migrate, openDatabase } from '../src/db/orm.js';
import { findDueProducts } from '../src/demper/due.js';
import { storesWithDemperWork } from '../src/demper/scheduler.js';
import { countingLogger, createBenchDatabase, median, parseArgs, round } from './lib.js';

export interface RssResult {
  products: number;
  stores: number;
  scanLimit: number;
  insertSeconds: number;
  rssBaselineBytes: number;
  rssAfterInsertBytes: number;
  rssAfterScanBytes: number;
  maxRssBytes: number;
  heapUsedAfterScanBytes: number;
  /** findDueProducts at the engine's per-run limit: first (cold) and median of the warm repeats. */
  dueScanFirstMs: number;
  dueScanMedianMs: number;
  dueScanReturned: number;
  storesScanMedianMs: number;
  storesWithDue: number;
  storesFoundByScan: number;
  plan: string[];
}

export async function measureRss(options: { products: number; stores: number; scanLimit: number }): Promise<RssResult> {
  const { products, stores, scanLimit } = options;
  const database = await createBenchDatabase('rss');
  const { logger } = countingLogger('warn');
  try {
    const db = await openDatabase({ databaseUrl: database.url, dataDir: null, logger });
    try {
      await migrate(db);
      const { orm } = db;
      await settle();
      const rssBaselineBytes = process.memoryUsage().rss;

      // Stores with two pickup points each, live sessions, demper on.
      const em = orm.em.fork();
      const seller = em.create(SellerSchema, { telegramUserId: 1, chatId: 1 });
      const storeIds: number[] = [];
      for (let s = 0; s < stores; s++) {
        const uid = String(30_000_000 + s);
        const points: StorePoint[] = [
          { storeId: `${uid}_PP1`, code: 'PP1', name: 'PP1', cityId: '750000000', cityName: 'Алматы', enabled: true },
          { storeId: `${uid}_PP2`, code: 'PP2', name: 'PP2', cityId: '710000000', cityName: 'Астана', enabled: true },
        ];
        const store = em.create(StoreSchema, {
          seller,
          merchantUid: uid,
          name: `Bench store ${s + 1}`,
          loginMethod: 'sms',
          points,
          sessionState: 'active',
          demperEnabled: true,
        });
        await em.flush();
        storeIds.push(store.id);
      }

      // Rows shaped like synced offers (two availabilities, two city prices), each store's catalogue inserted
      // in one go as a sync would. Inserted server-side: the rows are PostgreSQL's memory, not ours.
      const insertStarted = performance.now();
      const perStore = Math.ceil(products / stores);
      for (let s = 0; s < stores; s++) {
        const count = Math.min(perStore, products - s * perStore);
        if (count <= 0) break;
        const uid = String(30_000_000 + s);
        await orm.em.getConnection().execute(`
          insert into "product" ("store_id", "sku", "master_sku", "title", "brand", "price", "city_prices", "availabilities", "on_sale", "shop_link",
                                 "demper_enabled", "min_price", "created_at", "updated_at")
          select ${storeIds[s]}, (100000000 + ${s} * 1000000 + g)::text || '_' || lpad((g * 7919 % 1000000000)::text, 9, '0'),
                 (100000000 + ${s} * 1000000 + g)::text, 'Смартфон Samsung Pro' || (g % 97), 'Samsung', price, 
                 jsonb_build_array(jsonb_build_object('cityId', '710000000', 'price', price), jsonb_build_object('cityId', '750000000', 'price', price)),
                 jsonb_build_array(
                   jsonb_build_object('storeId', '${uid}_PP1', 'available', 'yes', 'preOrder', 0, 'stockSpecified', true, 'stockCount', g % 40),
                   jsonb_build_object('storeId', '${uid}_PP2', 'available', 'yes', 'preOrder', 0, 'stockSpecified', false, 'stockCount', 0)),
                 true, '/p/smartfon-' || (100000000 + g) || '/', true, greatest(10, price / 2), now(), now()
          from (select g, 1000 + (g * 37 % 50000) * 10 as price from generate_series(1, ${count}) g) rows`);
      }
      await orm.em.getConnection().execute('analyze "product"');
      const insertSeconds = (performance.now() - insertStarted) / 1000;
      const rssAfterInsertBytes = process.memoryUsage().rss;

      // The tick's scan, as `engine.runOnce` runs it: a fresh fork each time, so nothing is cached between runs.
      const now = new Date();
      const timings: number[] = [];
      let held: unknown[] = [];
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        held = await findDueProducts(orm.em.fork(), now, scanLimit);
        timings.push(performance.now() - started);
      }
      const rssAfterScanBytes = process.memoryUsage().rss;
      const heapUsedAfterScanBytes = process.memoryUsage().heapUsed;

      const storeTimings: number[] = [];
      let found: number[] = [];
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        found = await storesWithDemperWork(orm, now);
        storeTimings.push(performance.now() - started);
      }

      // The plan PostgreSQL picks for the scan, from the statement the ORM actually sent.
      const plan = await explainDueScan(orm, now, scanLimit);
      const result: RssResult = {
        products,
        stores,
        scanLimit,
        insertSeconds: round(insertSeconds, 1),
        rssBaselineBytes,
        rssAfterInsertBytes,
        rssAfterScanBytes,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        heapUsedAfterScanBytes,
        dueScanFirstMs: round(timings[0]!, 1),
        dueScanMedianMs: round(median(timings.slice(1))!, 1),
        dueScanReturned: held.length,
        storesScanMedianMs: round(median(storeTimings)!, 1),
        storesWithDue: storeIds.length,
        storesFoundByScan: found.length,
        plan,
      };
      held = [];
      return result;
    } finally {
      await db.close();
    }
  } finally {
    await database.drop();
  }
}

/** Re-runs the scan once, catching the statement (and its parameters) the ORM sends, and EXPLAINs it. */
async function explainDueScan(
  orm: Awaited<ReturnType<typeof openDatabase>>['orm'],
  now: Date,
  limit: number,
): Promise<string[]> {
  const logger = orm.config.getLogger();
  const original = logger.logQuery.bind(logger);
  const statements: { query: string; params: unknown[] }[] = [];
  logger.logQuery = (context) => {
    statements.push({
      query: String(context.query),
      params: ((context as { params?: unknown[] }).params ?? []) as unknown[],
    });
    original(context);
  };
  try {
    await findDueProducts(orm.em.fork(), now, limit);
  } finally {
    logger.logQuery = original;
  }
  const statement = statements.find((entry) => /^select\b/i.test(entry.query) && entry.query.includes('"product"'));
  if (!statement) return ['(statement not captured)'];
  const rows = (await orm.em
    .getConnection()
    .execute(`explain (analyze, costs off, timing off, summary on) ${statement.query}`, statement.params)) as {
    'QUERY PLAN': string;
  }[];
  return rows.map((row) => row['QUERY PLAN']);
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
}

// Run directly (or forked by bench/demper.ts): measure, then print or send one JSON result.
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2), { products: 'number', stores: 'number', limit: 'number' });
  measureRss({
    products: Number(args.products ?? 100_000),
    stores: Number(args.stores ?? 4),
    scanLimit: Number(args.limit ?? 1600),
  }).then(
    (result) => {
      if (process.send) process.send(result, () => process.exit(0));
      else {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exit(0);
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
