/**
 * `npm run bench:demper` — the demper against the Kaspi sandbox with Kaspi's limits enforced.
 *
 * The world: a fresh PostgreSQL database, the sandbox with `--products` offers over its two merchants (one
 * store each, connected by SMS login and synced from the cabinet like a seller's), `--proxies` local forward
 * proxies bound to 127.0.0.2… (distinct source IPs for the sandbox's per-IP limit), the production Kaspi layer
 * and the demper engine from `createDemper`. The market is settled first (we hold first place one tenge under
 * the cheapest rival on every product), so every write the demper makes is caused by a rival move the bench
 * made at a known time.
 *
 * Phases, each a figure printed as a ratio against a limit of the same run:
 *   pool     the storefront client alone, two bursts of concurrent reads: how close pacing gets to the limit;
 *   run      every product due at once (the demper switched on for the whole catalogue, `--moved` of the
 *            rivals undercut us): one production `engine.runOnce()`; storefront requests/s of the whole run
 *            against KASPI_OFFERS_RPS × exits, with diagnostics: the rate in the run's first and last quarter,
 *            the longest stretch without a storefront request, the SQL statements sent by kind, peak RSS;
 *   steady   the production scheduler (`startDemperScheduler`, a `--tick`-second cron) over a steady state
 *            (checks spread over each product's interval, as `staggeredFirstCheck` does); `--contested`
 *            products checked every `--contested-interval` s whose cheapest rival undercuts us at a random
 *            moment; the delay to the sandbox receiving our write for that SKU, against interval + tick;
 *   rss      in a child process (bench/demper-rss.ts): `--rss-products` rows and the tick's due-products scan.
 * 403 and 429 are the sandbox's own counters over the whole run and must be 0.
 *
 * Options: --quick, --products N, --proxies P, --rss-products N, --contested K, --contested-interval S,
 * --tick S, --move-window S, --moved F, --pool-seconds S, --offers-rps R, --time-scale X, --seed N, --no-rss.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { openContainer } from '../src/app/container.js';
import { CatalogSync } from '../src/catalog/sync.js';
import { loadConfig } from '../src/config.js';
import { ProductSchema, SellerSchema, type Store } from '../src/db/entities/index.js';
import { findDueProducts } from '../src/demper/due.js';
import { emptySummary, type RunOptions, type RunSummary } from '../src/demper/engine.js';
import { RecordingNotifier } from '../src/demper/notifier.js';
import { startDemperScheduler } from '../src/demper/scheduler.js';
import { mainCityOf, priceIn } from '../src/catalog/city-prices.js';
import { createDemper } from '../src/demper/wiring.js';
import { CHANGE_WINDOW_MS } from '../src/kaspi/limits/kaspi-limits.js';
import { MERCHANTS } from '../src/kaspi-sandbox/catalogue.js';
import { DEFAULT_LIMITS, startKaspiSandbox, type KaspiSandbox } from '../src/kaspi-sandbox/index.js';
import { SeededRandom } from '../src/kaspi-sandbox/random.js';
import { startForwardProxy } from '../test/helpers/forward-proxy.js';
import type { RssResult } from './demper-rss.js';
import { countingLogger, createBenchDatabase, mb, median, parseArgs, percentile, round, sleep, table } from './lib.js';

// ---- options ----------------------------------------------------------------------------------------------

interface BenchOptions {
  quick: boolean;
  products: number;
  proxies: number;
  rssProducts: number;
  contested: number;
  contestedInterval: number;
  tick: number;
  moveWindow: number;
  moved: number;
  poolSeconds: number;
  offersRps: number | undefined;
  timeScale: number;
  seed: number;
  rss: boolean;
}

const FULL = {
  products: 10_000,
  proxies: 4,
  rssProducts: 100_000,
  contested: 100,
  contestedInterval: 60,
  tick: 5,
  moveWindow: 10,
  moved: 0.1,
  poolSeconds: 4,
};
const QUICK = {
  products: 200,
  proxies: 4,
  rssProducts: 20_000,
  contested: 20,
  contestedInterval: 10,
  tick: 2,
  moveWindow: 4,
  moved: 0.1,
  poolSeconds: 1,
};

function resolveOptions(argv: string[]): BenchOptions {
  const values = parseArgs(argv, {
    quick: 'boolean',
    products: 'number',
    proxies: 'number',
    'rss-products': 'number',
    contested: 'number',
    'contested-interval': 'number',
    tick: 'number',
    'move-window': 'number',
    moved: 'number',
    'pool-seconds': 'number',
    'offers-rps': 'number',
    'time-scale': 'number',
    seed: 'number',
    'no-rss': 'boolean',
  });
  const base = values.quick ? QUICK : FULL;
  const pick = (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name]));
  const options: BenchOptions = {
    quick: Boolean(values.quick),
    products: Math.floor(pick('products', base.products)),
    proxies: Math.floor(pick('proxies', base.proxies)),
    rssProducts: Math.floor(pick('rss-products', base.rssProducts)),
    contested: Math.floor(pick('contested', base.contested)),
    contestedInterval: pick('contested-interval', base.contestedInterval),
    tick: Math.floor(pick('tick', base.tick)),
    moveWindow: pick('move-window', base.moveWindow),
    moved: pick('moved', base.moved),
    poolSeconds: pick('pool-seconds', base.poolSeconds),
    offersRps: values['offers-rps'] === undefined ? undefined : Number(values['offers-rps']),
    timeScale: pick('time-scale', 60),
    seed: Math.floor(pick('seed', 7)),
    rss: !values['no-rss'],
  };
  if (options.products < 4) throw new Error('--products must be at least 4');
  if (options.proxies < 1 || options.proxies > 200) throw new Error('--proxies takes 1–200 (127.0.0.2 … 127.0.0.201)');
  if (options.tick < 1 || options.tick > 59 || 60 % options.tick !== 0)
    throw new Error('--tick takes seconds that divide a minute (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)');
  if (options.contestedInterval < 1) throw new Error('--contested-interval takes seconds ≥ 1');
  if (options.moved > 1) throw new Error('--moved is a fraction (0–1)');
  if (options.timeScale < 1) throw new Error('--time-scale takes a factor ≥ 1');
  return options;
}

// ---- the world ----------------------------------------------------------------------------------------------

/** One product as the bench tracks it: where the storefront decides its price and who leads there. */
interface Tracked {
  id: number;
  storeId: number;
  merchantUid: string;
  sku: string;
  masterSku: string;
  cityId: string;
  price: number;
  floor: number;
  /** Our offer is listed in that city (on sale at a point there). */
  listed: boolean;
  /** The rival we keep one tenge above us, and move under us when the product is contested. */
  leader: string;
}

interface Move {
  product: Tracked;
  at: number;
  /** When the product was due anyway (its `nextCheckAt` right before the move). */
  scheduledAt: number;
  rivalPrice: number;
}

/** Our price stays; the cheapest rival sits one tenge above it and every other rival above that. */
function settleMarket(sandbox: KaspiSandbox, products: Tracked[], own: Set<string>, random: SeededRandom): void {
  for (const product of products) {
    const offers = sandbox.storefront(product.masterSku, product.cityId);
    const rivals = [...new Set(offers.map((offer) => String(offer.merchantId)).filter((id) => !own.has(id)))];
    product.listed = offers.some((offer) => String(offer.merchantId) === product.merchantUid);
    if (rivals.length === 0) continue;
    product.leader = rivals[0]!;
    sandbox.setRivalPrice(product.masterSku, product.cityId, product.leader, product.price + 1);
    for (const rival of rivals.slice(1))
      sandbox.setRivalPrice(product.masterSku, product.cityId, rival, product.price + 2 + random.int(0, 200));
  }
}

/** The leader undercuts us by a few tenge (never near our floor): the demper must answer with a write. */
function undercut(sandbox: KaspiSandbox, product: Tracked, random: SeededRandom): number {
  const price = Math.max(product.floor + 10, product.price - random.int(2, 40));
  sandbox.setRivalPrice(product.masterSku, product.cityId, product.leader, price);
  return price;
}

function sampleWithout<T>(items: T[], count: number, random: SeededRandom): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return picked;
}

/** SKUs of every item in a sandbox write body (a batch is an array, a single write one object). */
function skusOf(body: unknown): string[] {
  const items = Array.isArray(body) ? body : [body];
  return items
    .map((item) => (item && typeof item === 'object' && 'sku' in item ? String(item.sku) : ''))
    .filter(Boolean);
}

/** Sums the forward proxies' request counters (and reads this process's RSS) every 100 ms. */
function startSampler(count: () => number) {
  const samples: { at: number; count: number; rss: number }[] = [];
  const sample = () => samples.push({ at: performance.now(), count: count(), rss: process.memoryUsage.rss() });
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

/** The longest time in which no storefront request left (100 ms resolution). */
function longestStall(samples: { at: number; count: number }[]): number {
  let longest = 0;
  let lastChange = samples[0]?.at ?? 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.count !== samples[i - 1]!.count) {
      longest = Math.max(longest, samples[i - 1]!.at - lastChange);
      lastChange = samples[i]!.at;
    }
  }
  return Math.max(longest, (samples.at(-1)?.at ?? 0) - lastChange) / 1000;
}

/** Requests/s in the first and the last quarter of a sampled phase: a falling rate means per-item cost grows. */
function quarterRates(samples: { at: number; count: number }[]): { first: number; last: number } {
  const start = samples[0]!;
  const end = samples.at(-1)!;
  const span = end.at - start.at;
  const at = (time: number) =>
    samples.reduce((best, sample) => (Math.abs(sample.at - time) < Math.abs(best.at - time) ? sample : best));
  const q1 = at(start.at + span / 4);
  const q3 = at(start.at + (3 * span) / 4);
  return {
    first: round(((q1.count - start.count) * 1000) / Math.max(1, q1.at - start.at), 2),
    last: round(((end.count - q3.count) * 1000) / Math.max(1, end.at - q3.at), 2),
  };
}

/** Counts the statements the ORM sends, by kind (`insert into "competitor_snapshot"`, `begin`, …). */
function countStatements(orm: { config: { getLogger(): { logQuery(context: { query: string }): void } } }) {
  const logger = orm.config.getLogger();
  const original = logger.logQuery.bind(logger);
  const counts = new Map<string, number>();
  logger.logQuery = (context) => {
    const query = String(context.query).trim();
    const kind =
      /^(insert into|update|delete from) "?(\w+)"?/i.exec(query)?.slice(1, 3).join(' ').toLowerCase() ??
      (/^select\b/i.test(query)
        ? `select from ${/\bfrom "?(\w+)"?/i.exec(query)?.[1] ?? '?'}`
        : query.split(/\s/)[0]!.toLowerCase());
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    original(context);
  };
  return {
    stop() {
      logger.logQuery = original;
      return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
    },
  };
}

async function timedScans(
  task: () => Promise<unknown[]>,
  repeats: number,
): Promise<{ firstMs: number; medianMs: number; returned: number }> {
  const timings: number[] = [];
  let returned = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    returned = (await task()).length;
    timings.push(performance.now() - started);
  }
  return {
    firstMs: round(timings[0]!, 1),
    medianMs: round(median(timings.slice(1).length ? timings.slice(1) : timings)!, 1),
    returned,
  };
}

// ---- the sandbox phases ---------------------------------------------------------------------------------------

async function runSandboxPhases(options: BenchOptions) {
  const cleanup: (() => Promise<unknown>)[] = [];
  const random = new SeededRandom(options.seed * 104_729 + 3);
  const setupStarted = performance.now();
  try {
    const database = await createBenchDatabase('demper');
    cleanup.push(() => database.drop());

    const sandboxLogs = countingLogger('warn');
    const sandbox = await startKaspiSandbox({
      seed: options.seed,
      timeScale: options.timeScale,
      productsPerMerchant: Math.floor(options.products / MERCHANTS.length),
      rivalTickMs: 0, // rivals move only when the bench moves them
      logger: sandboxLogs.logger,
    });
    cleanup.push(() => sandbox.close());

    const proxies: Awaited<ReturnType<typeof startForwardProxy>>[] = [];
    cleanup.push(() => Promise.all(proxies.map((proxy) => proxy.close())));
    for (let i = 0; i < options.proxies; i++) proxies.push(await startForwardProxy(`127.0.0.${i + 2}`));
    const storefrontRequests = () => proxies.reduce((sum, proxy) => sum + proxy.requests(), 0);

    const env: Record<string, string | undefined> = {
      DATABASE_URL: database.url,
      SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      KASPI_IDMC_URL: sandbox.idmcUrl,
      KASPI_MC_URL: sandbox.mcUrl,
      KASPI_SHOP_URL: sandbox.shopUrl,
      KASPI_PROXIES: proxies.map((proxy) => proxy.url).join(','),
      // The operator's configured rates when set, else the defaults of src/config.ts.
      KASPI_OFFERS_RPS: options.offersRps !== undefined ? String(options.offersRps) : process.env.KASPI_OFFERS_RPS,
      KASPI_PRICEFEED_RPS: process.env.KASPI_PRICEFEED_RPS,
      KASPI_CHANGES_PER_30MIN: process.env.KASPI_CHANGES_PER_30MIN,
    };
    const config = loadConfig(env);
    const logs = countingLogger('warn');
    const infrastructure = await openContainer(config, logs.logger, {
      migrate: true,
      // Kaspi's 30-minute change window is `timeScale` times shorter in the sandbox; the client's budget follows it.
      kaspi: { changeWindowMs: CHANGE_WINDOW_MS / options.timeScale },
    });
    cleanup.push(() => infrastructure.close());
    const kaspi = infrastructure.kaspi;
    const notifier = new RecordingNotifier();
    // No follow-up runner here: the engine's own read-back settles what it sent, as the bench measures it.
    const { engine } = createDemper(infrastructure, notifier, null);
    const orm = infrastructure.database.orm;
    const limitRps = config.kaspi.offersRps * options.proxies;
    const perRun =
      (engine as unknown as { options?: { maxProductsPerRun?: number } }).options?.maxProductsPerRun ??
      Math.max(10, Math.floor(config.kaspi.offersRps * Math.max(1, options.proxies) * 50));

    // A seller with two stores, one per sandbox merchant, each from its own SMS login (its own cabinet session).
    const sessions = infrastructure.sessions;
    const em = orm.em.fork();
    const seller = em.create(SellerSchema, { telegramUserId: 700_001, chatId: 700_001 });
    await em.flush();
    const stores: Store[] = [];
    for (const [phone, merchantUid] of [
      ['+7 701 000 00 01', MERCHANTS[0]!.uid],
      ['+7 701 000 00 02', MERCHANTS[1]!.uid],
    ] as const) {
      const pending = await kaspi.smsLogin.start(phone);
      const login = await kaspi.smsLogin.verify(pending, sandbox.lastCode(pending.phone)!);
      stores.push(
        await sessions.connectStore({
          sellerId: seller.id,
          merchantUid,
          cookies: login.cookies,
          loginMethod: 'sms',
          identity: pending.phone,
        }),
      );
    }
    const sync = new CatalogSync(orm, sessions, kaspi.cabinet, logs.logger);
    for (const store of stores) await sync.sync(store.id);

    // The demper on for every product: floor at half the price, first place, one-tenge step, 15-minute checks.
    const connection = orm.em.getConnection();
    await connection.execute(`update "store" set "demper_enabled" = true where "seller_id" = ?`, [seller.id]);
    await connection.execute(
      `update "product" set "demper_enabled" = true, "min_price" = greatest(10, "price" / 2), "next_check_at" = null where "removed_at" is null`,
    );
    await connection.execute('analyze');

    const own = new Set(stores.map((store) => store.merchantUid));
    const tracked: Tracked[] = [];
    for (const product of await orm.em
      .fork()
      .find(ProductSchema, { removedAt: null }, { populate: ['store'], orderBy: { id: 'ASC' } })) {
      const cityId = mainCityOf(product, product.store.points);
      if (!cityId) continue;
      tracked.push({
        id: product.id,
        storeId: product.store.id,
        merchantUid: product.store.merchantUid,
        sku: product.sku,
        masterSku: product.masterSku,
        cityId,
        price: priceIn(product, cityId),
        floor: product.minPrice ?? 10,
        listed: false,
        leader: '',
      });
    }
    settleMarket(sandbox, tracked, own, random);
    const withRivals = tracked.filter((product) => product.leader !== '');
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // ---- pool: the storefront client alone ----------------------------------------------------------------
    // Two bursts of concurrent reads: one a whole number of the pool's doubling waits per exit (its best case),
    // one half as large again (a typical size). Timings include each read's own latency.
    const burst = async (size: number) => {
      const before = proxies.map((proxy) => proxy.requests());
      const started = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: size }, (_, i) => withRivals[(i * 7) % withRivals.length]!).map((product) =>
          kaspi.storefront.offers(product.masterSku, product.cityId),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const perExit = proxies.map((proxy, i) => proxy.requests() - before[i]!);
      const requests = perExit.reduce((sum, count) => sum + count, 0);
      // The first read of each exit leaves at once; the rest are paced: count the paced ones.
      const rps = Math.max(0, requests - options.proxies) / seconds;
      return {
        requests,
        perExit,
        seconds: round(seconds, 2),
        rps: round(rps, 2),
        ratio: round(rps / limitRps, 3),
        failed: results.filter((result) => result.status === 'rejected').length,
      };
    };
    const aligned =
      options.proxies * 2 ** Math.max(1, Math.floor(Math.log2((limitRps * options.poolSeconds) / options.proxies)));
    const pool = [await burst(aligned), await burst(Math.round(aligned * 1.5))];

    // ---- run: one production engine run with every product due ---------------------------------------------
    const scanAtN = await timedScans(() => findDueProducts(orm.em.fork(), new Date(), perRun), 4);
    const movedForRun = sampleWithout(withRivals, Math.round(withRivals.length * options.moved), random);
    const movedIds = new Set(movedForRun.map((product) => product.id));
    for (const product of movedForRun) undercut(sandbox, product, random);
    const runBefore = storefrontRequests();
    const perExitBefore = proxies.map((proxy) => proxy.requests());
    const runSampler = startSampler(storefrontRequests);
    const runStatements = countStatements(orm);
    const runStarted = performance.now();
    const runSummary = await engine.runOnce();
    const runSeconds = (performance.now() - runStarted) / 1000;
    const runSamples = runSampler.stop();
    const runSql = runStatements.stop();
    const runRequests = storefrontRequests() - runBefore;
    const runPerExit = proxies.map((proxy, i) => proxy.requests() - perExitBefore[i]!);
    const checkedInRun = new Set(
      (
        await connection.execute<{ id: number }[]>(`select "id" from "product" where "last_checked_at" is not null`)
      ).map((row) => Number(row.id)),
    );
    const runRps = Math.max(0, runRequests - options.proxies) / runSeconds;

    // ---- steady: the scheduler over a steady state, with contested products ---------------------------------
    // Products the run did not reach are spread over their 15 minutes, as `staggeredFirstCheck` spreads them.
    await connection.execute(
      `update "product" set "next_check_at" = now() + ((("id"::bigint * 2654435761) % 4294967296) % "check_interval_seconds") * interval '1 second'
        where "last_checked_at" is null`,
    );
    const candidates = withRivals.filter((product) => product.listed && !movedIds.has(product.id));
    const contested: Tracked[] = [];
    for (const store of stores) {
      const share = Math.ceil(options.contested / stores.length);
      contested.push(
        ...sampleWithout(
          candidates.filter((product) => product.storeId === store.id),
          Math.min(share, options.contested - contested.length),
          random,
        ),
      );
    }
    const contestedIds = contested.map((product) => product.id);
    if (contestedIds.length) {
      await connection.execute(
        `update "product" set "check_interval_seconds" = ?,
                "next_check_at" = now() + ((("id"::bigint * 2654435761) % 4294967296) % ?) * interval '1 second'
          where "id" in (${contestedIds.map(() => '?').join(',')})`,
        [Math.round(options.contestedInterval), Math.round(options.contestedInterval), ...contestedIds],
      );
    }

    const runs: { ms: number; summary: RunSummary }[] = [];
    let inFlight: Promise<unknown> | undefined;
    const runner = {
      runOnce: (run?: RunOptions) => {
        const started = performance.now();
        const promise = engine.runOnce(run).then((summary) => {
          runs.push({ ms: performance.now() - started, summary });
          return summary;
        });
        inFlight = promise.catch(() => undefined);
        return promise;
      },
    };
    const steadyBefore = storefrontRequests();
    const steadyStarted = performance.now();
    const phaseStartedAt = Date.now();
    const scheduler = startDemperScheduler({
      cronExpression: `*/${options.tick} * * * * *`,
      orm,
      engine: runner as unknown as Parameters<typeof startDemperScheduler>[0]['engine'],
      logger: logs.logger,
    });
    let schedulerStopped = false;
    const stopScheduler = async () => {
      if (schedulerStopped) return;
      schedulerStopped = true;
      await scheduler.stop();
      await inFlight;
    };
    cleanup.push(stopScheduler);

    const moves: Move[] = [];
    const moveTimers = contested.map((product) =>
      setTimeout(
        () =>
          void (async () => {
            const row = await orm.em.fork().findOneOrFail(ProductSchema, product.id, { fields: ['nextCheckAt'] });
            const rivalPrice = undercut(sandbox, product, random);
            moves.push({ product, at: Date.now(), scheduledAt: row.nextCheckAt?.getTime() ?? Date.now(), rivalPrice });
          })().catch((error: unknown) => process.stderr.write(`move of ${product.sku} failed: ${String(error)}\n`)),
        random.next() * options.moveWindow * 1000,
      ),
    );
    const writeTimes = () => {
      const first = new Map<string, number[]>();
      for (const record of sandbox.writes()) {
        if (record.at < phaseStartedAt) continue;
        for (const sku of skusOf(record.body)) first.set(sku, [...(first.get(sku) ?? []), record.at]);
      }
      return first;
    };
    const writeAfter = (times: Map<string, number[]>, move: Move) =>
      times.get(move.product.sku)?.find((at) => at >= move.at);
    const deadline = Date.now() + (options.moveWindow + 2 * options.contestedInterval + 3 * options.tick + 10) * 1000;
    while (Date.now() < deadline) {
      await sleep(500);
      if (moves.length < contested.length) continue;
      const times = writeTimes();
      if (moves.every((move) => writeAfter(times, move) !== undefined)) break;
    }
    moveTimers.forEach(clearTimeout);
    await stopScheduler();
    const steadySeconds = (performance.now() - steadyStarted) / 1000;
    const steadyRequests = storefrontRequests() - steadyBefore;
    const bytesAtEnd = process.memoryUsage().rss;

    const times = writeTimes();
    const latencies: number[] = [];
    const scheduleWaits: number[] = [];
    const reactions: number[] = [];
    for (const move of moves) {
      const writtenAt = writeAfter(times, move);
      if (writtenAt === undefined) continue;
      latencies.push((writtenAt - move.at) / 1000);
      scheduleWaits.push(Math.max(0, move.scheduledAt - move.at) / 1000);
      reactions.push((writtenAt - Math.max(move.at, move.scheduledAt)) / 1000);
    }
    const missed = moves.filter((move) => writeAfter(times, move) === undefined);
    const missedStatus = missed.length
      ? await orm.em.getConnection().execute<{ status: string; error: string | null; n: string }[]>(
          `select "status", left("error", 80) as "error", count(*) as "n" from "price_change" where "product_id" in (${missed.map(() => '?').join(',')})
            and "created_at" >= ? group by 1, 2`,
          [...missed.map((move) => move.product.id), new Date(phaseStartedAt)],
        )
      : [];

    const steadySummary = runs.reduce((total, run) => {
      for (const key of ['stores', 'checked', 'held', 'planned', 'sent', 'deferred', 'applied', 'failed'] as const)
        total[key] += run.summary[key];
      total.errors.push(...run.summary.errors);
      return total;
    }, emptySummary());
    const stats = sandbox.stats();

    return {
      config: {
        offersRps: config.kaspi.offersRps,
        pricefeedRps: config.kaspi.pricefeedRps,
        changesPer30Min: config.kaspi.changesPer30Min,
        exits: options.proxies,
        limitRps,
        perRun,
        sandboxLimits: {
          storefrontRpsPerIp: DEFAULT_LIMITS.storefrontRpsPerIp,
          writeRpsPerMerchant: DEFAULT_LIMITS.writeRpsPerMerchant,
          changesPer30Min: DEFAULT_LIMITS.changesPer30Min,
        },
      },
      world: {
        products: tracked.length,
        stores: stores.length,
        withRivals: withRivals.length,
        listed: withRivals.filter((product) => product.listed).length,
        setupSeconds: round(setupSeconds, 1),
      },
      pool,
      run: {
        due: Math.min(perRun, tracked.length),
        checked: checkedInRun.size,
        movedAmongChecked: movedForRun.filter((product) => checkedInRun.has(product.id)).length,
        requests: runRequests,
        perExit: runPerExit,
        seconds: round(runSeconds, 2),
        rps: round(runRps, 2),
        ratio: round(runRps / limitRps, 3),
        longestStallSeconds: round(longestStall(runSamples), 1),
        rpsFirstQuarter: quarterRates(runSamples).first,
        rpsLastQuarter: quarterRates(runSamples).last,
        sql: runSql,
        rssBeforeBytes: runSamples[0]!.rss,
        rssPeakBytes: Math.max(...runSamples.map((sample) => sample.rss)),
        summary: { ...runSummary, errors: runSummary.errors.length },
        errorSamples: runSummary.errors.slice(0, 3).map((error) => error.message),
      },
      steady: {
        seconds: round(steadySeconds, 1),
        requests: steadyRequests,
        rps: round(steadyRequests / steadySeconds, 2),
        ratio: round(steadyRequests / steadySeconds / limitRps, 3),
        ticks: runs.length,
        tickRunMsP50: round(median(runs.map((run) => run.ms)) ?? 0, 0),
        tickRunMsMax: round(Math.max(0, ...runs.map((run) => run.ms)), 0),
        summary: { ...steadySummary, errors: steadySummary.errors.length },
        errorSamples: steadySummary.errors.slice(0, 3).map((error) => error.message),
      },
      latency: {
        contested: contested.length,
        moved: moves.length,
        written: latencies.length,
        missed: missed.length,
        missedStatus: missedStatus.map((row) => ({ status: row.status, error: row.error, n: Number(row.n) })),
        intervalSeconds: options.contestedInterval,
        tickSeconds: options.tick,
        p50: round(percentile(latencies, 50) ?? NaN, 2),
        p95: round(percentile(latencies, 95) ?? NaN, 2),
        max: round(Math.max(...latencies), 2),
        scheduleWaitP95: round(percentile(scheduleWaits, 95) ?? NaN, 2),
        reactionP50: round(percentile(reactions, 50) ?? NaN, 2),
        reactionP95: round(percentile(reactions, 95) ?? NaN, 2),
        ratio: round((percentile(latencies, 95) ?? NaN) / (options.contestedInterval + options.tick), 3),
      },
      scanAtN: { products: tracked.length, limit: perRun, ...scanAtN },
      limits: { storefront403: stats.storefront403, cabinet429: stats.cabinet429 },
      warnings: Object.fromEntries([...logs.counts, ...sandboxLogs.counts]),
      benchRssBytes: bytesAtEnd,
    };
  } finally {
    for (const task of cleanup.reverse()) {
      await task().catch((error: unknown) =>
        process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
  }
}

// ---- the RSS child --------------------------------------------------------------------------------------------

function runRssChild(products: number, scanLimit: number): Promise<RssResult> {
  // The child runs under the same TypeScript loader as this process (tsx's --require/--import flags).
  const loaderFlags: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const flag = process.execArgv[i]!;
    if ((flag === '--require' || flag === '--import') && process.execArgv[i + 1])
      loaderFlags.push(flag, process.execArgv[++i]!);
    else if (flag.startsWith('--require=') || flag.startsWith('--import=')) loaderFlags.push(flag);
  }
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(new URL('./demper-rss.ts', import.meta.url)),
      ['--products', String(products), '--limit', String(scanLimit)],
      {
        execArgv: loaderFlags,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let result: RssResult | undefined;
    child.on('message', (message) => {
      result = message as RssResult;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`bench/demper-rss.ts exited with ${code} and no result`)),
    );
  });
}

// ---- report ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = resolveOptions(process.argv.slice(2));
  const started = performance.now();
  process.stderr.write(
    `bench:demper${options.quick ? ' --quick' : ''}: ${options.products} products, ${options.proxies} exits, contested ${options.contested} ` +
      `every ${options.contestedInterval} s, tick ${options.tick} s${options.rss ? `, RSS at ${options.rssProducts} rows` : ''}…\n`,
  );
  const loadBefore = loadavg()[0]!;
  const world = await runSandboxPhases(options);
  const rss = options.rss ? await runRssChild(options.rssProducts, world.config.perRun) : undefined;
  const totalSeconds = (performance.now() - started) / 1000;

  const { config, pool, run, steady, latency, scanAtN, limits } = world;
  const limitText = `${config.exits} exits × ${config.offersRps} rps = ${config.limitRps} rps`;
  const tickPeriodMs = 60_000; // DEMPER_CRON's default, one tick a minute
  const rows: [string, string, string][] = [
    ['metric', 'value', 'ratio'],
    [
      `storefront, demper run (${run.due} due)`,
      `${run.rps} rps over ${run.seconds} s`,
      `${run.ratio} × limit (${limitText})`,
    ],
    [
      '  first → last quarter of the run',
      `${run.rpsFirstQuarter} → ${run.rpsLastQuarter} rps`,
      `${round(run.rpsFirstQuarter / config.limitRps, 3)} → ${round(run.rpsLastQuarter / config.limitRps, 3)} × limit`,
    ],
    [
      '  longest storefront stall in the run',
      `${run.longestStallSeconds} s`,
      `${round(run.longestStallSeconds / run.seconds, 3)} × run time`,
    ],
    [
      '  RSS during the run (sandbox in-process)',
      `${mb(run.rssPeakBytes)} MiB peak`,
      `${round(run.rssPeakBytes / run.rssBeforeBytes, 2)} × ${mb(run.rssBeforeBytes)} MiB before it`,
    ],
    ...pool.map((burst): [string, string, string] => [
      `storefront, client pool alone (burst of ${burst.requests})`,
      `${burst.rps} rps over ${burst.seconds} s, per exit ${burst.perExit.join('/')}`,
      `${burst.ratio} × limit`,
    ]),
    [
      'storefront, steady state (scheduler)',
      `${steady.rps} rps over ${steady.seconds} s`,
      `${steady.ratio} × limit (demand, not capacity)`,
    ],
    [
      '403 / 429 received (sandbox counters)',
      `${limits.storefront403} / ${limits.cabinet429}`,
      limits.storefront403 + limits.cabinet429 === 0 ? 'ok (must be 0)' : 'FAIL (must be 0)',
    ],
    [
      `rival move → our write, p95 (${latency.written}/${latency.moved} written)`,
      `${latency.p95} s (p50 ${latency.p50} s, max ${latency.max} s)`,
      `${latency.ratio} × (interval ${latency.intervalSeconds} s + tick ${latency.tickSeconds} s)`,
    ],
    [
      '  of which: waiting to be due, p95',
      `${latency.scheduleWaitP95} s`,
      `${round(latency.scheduleWaitP95 / latency.intervalSeconds, 3)} × interval`,
    ],
    [
      '  of which: due → write, p95',
      `${latency.reactionP95} s (p50 ${latency.reactionP50} s)`,
      `${round(latency.reactionP95 / latency.tickSeconds, 3)} × tick`,
    ],
    [
      `tick scan @${scanAtN.products} (findDueProducts ≤${scanAtN.limit})`,
      `${scanAtN.medianMs} ms (cold ${scanAtN.firstMs} ms)`,
      `${round(scanAtN.medianMs / tickPeriodMs, 5)} × 60 s tick`,
    ],
  ];
  if (rss) {
    rows.push(
      [
        `tick scan @${rss.products} (findDueProducts ≤${rss.scanLimit})`,
        `${rss.dueScanMedianMs} ms (cold ${rss.dueScanFirstMs} ms)`,
        `${round(rss.dueScanMedianMs / tickPeriodMs, 5)} × 60 s tick; ${round(rss.dueScanMedianMs / scanAtN.medianMs, 2)} × @${scanAtN.products}`,
      ],
      [
        `  queue-mode scan @${rss.products} (storesWithDemperWork)`,
        `${rss.storesScanMedianMs} ms, ${rss.storesFoundByScan}/${rss.storesWithDue} stores`,
        `${round(rss.storesScanMedianMs / tickPeriodMs, 5)} × 60 s tick`,
      ],
      [
        `RSS @${rss.products} rows after the scan`,
        `${mb(rss.rssAfterScanBytes)} MiB (peak ${mb(rss.maxRssBytes)} MiB)`,
        `${round(rss.rssAfterScanBytes / rss.rssBaselineBytes, 2)} × baseline ${mb(rss.rssBaselineBytes)} MiB at rest`,
      ],
    );
  }
  process.stdout.write(
    `\nkaspi-bot bench:demper — ${world.world.products} products in ${world.world.stores} stores; sandbox ${config.sandboxLimits.storefrontRpsPerIp} rps/IP, ` +
      `${config.sandboxLimits.writeRpsPerMerchant} writes/s, ${config.sandboxLimits.changesPer30Min} changes per window (timeScale ${options.timeScale}); ${round(totalSeconds, 0)} s; ` +
      `${availableParallelism()} CPUs, load ${round(loadBefore, 1)} → ${round(loadavg()[0]!, 1)}\n\n`,
  );
  process.stdout.write(`${table(rows)}\n`);
  const notes: string[] = [];
  if (Object.keys(world.warnings).length) notes.push(`log warnings/errors: ${JSON.stringify(world.warnings)}`);
  if (run.summary.errors || steady.summary.errors)
    notes.push(
      `engine errors: run ${run.summary.errors} ${JSON.stringify(run.errorSamples)}, steady ${steady.summary.errors} ${JSON.stringify(steady.errorSamples)}`,
    );
  if (latency.missed)
    notes.push(`contested moves without a write: ${latency.missed} ${JSON.stringify(latency.missedStatus)}`);
  if (notes.length) process.stdout.write(`\n${notes.join('\n')}\n`);
  process.stdout.write(
    `\n${JSON.stringify({
      bench: 'demper',
      quick: options.quick,
      options,
      totalSeconds: round(totalSeconds, 1),
      machine: { cpus: availableParallelism(), loadBefore: round(loadBefore, 2), loadAfter: round(loadavg()[0]!, 2) },
      ...world,
      rss: rss ?? null,
    })}\n`,
  );
  const failed = limits.storefront403 + limits.cabinet429 > 0;
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:demper failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
