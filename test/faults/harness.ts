import { countedRivalsFirst } from '../helpers/counted-rivals.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';

import { ChatNotifier } from '../../src/bot/demper-notifier.js';
import { floorIn, mainCityOf, priceIn } from '../../src/catalog/city-prices.js';
import { CatalogSync } from '../../src/catalog/sync.js';
import {
  PriceChangeSchema,
  ProductSchema,
  SellerSchema,
  StoreSchema,
  type PriceChange,
} from '../../src/db/entities/index.js';
import { migrate, openDatabase, type Database } from '../../src/db/orm.js';
import { emptySummary, type DemperEngine, type RunOptions, type RunSummary } from '../../src/demper/engine.js';
import type { DemperNotifier } from '../../src/demper/notifier.js';
import { demperCitiesOf } from '../../src/demper/settings.js';
import { createI18n } from '../../src/i18n.js';
import { KaspiLoginError } from '../../src/kaspi/errors.js';
import { createKaspi, type Kaspi } from '../../src/kaspi/index.js';
import { KaspiSessionManager } from '../../src/kaspi/session-manager.js';
import { loadConfig } from '../../src/config.js';
import { MERCHANTS } from '../../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { SeededRandom } from '../../src/kaspi-sandbox/random.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createRedis } from '../../src/redis.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { SessionExpiryNotices } from '../../src/sellers/session-expiry-notices.js';
import { StoreDirectory } from '../../src/sellers/store-directory.js';
import { startForwardProxy } from '../helpers/forward-proxy.js';
import {
  auditScenario,
  kaspiAvailability,
  kaspiCityPrices,
  marketKey,
  type Audit,
  type Mark,
  type Notification,
  type SellerMessage,
} from './audit.js';
import { startInterposer, type Interposer } from './interposer.js';
import { createDatabaseOn, startPostgres, startRedis, type RestartableService } from './services.js';
import { faultEngine, faultKaspi, TIME_SCALE, VERIFY_AFTER_MS, VERIFY_TIMEOUT_MS } from './stack.js';

/**
 * The fault suite's world: the Kaspi sandbox with two merchants of 30 products each, one seller with both stores
 * connected by SMS login and synced, the demper on for every product (floor 90 % of the price), rivals that move
 * and answer our cuts, a private PostgreSQL and Redis the suite may restart, storefront exits through four
 * forward proxies (distinct source IPs), and the cabinet behind an interposer for faults on one exact request.
 *
 * Every city where an offer is on sale is its own market (its own rivals, price and floor); the suite moves
 * markets, not products. Every scenario is judged the same way (`audit`, audit.ts): the price history
 * (`price_change`, per product and city) against Kaspi's side of things — the sandbox's log of every write it
 * accepted and its catalogue — and against what the seller was told.
 */

export type { Audit, Mark, Notification, SellerMessage } from './audit.js';

const ROOT = join(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PHONES = ['+7 701 000 00 01', '+7 701 000 00 02'] as const;
/** The sandbox's apply delay (6 s) at timeScale 60. */
const APPLY_DELAY_MS = 100;
const STEP = 3;

export interface TrackedProduct {
  id: number;
  storeId: number;
  merchantUid: string;
  sku: string;
  masterSku: string;
  /** The product's main city (where its one price is), its floor and leader there. */
  cityId: string;
  title: string;
  floor: number;
  /** The rival that leads the main city's market. Empty when the product has no rivals there. */
  leader: string;
}

export interface StoreRef {
  id: number;
  merchantUid: string;
  phone: string;
}

/** A market the suite moves: one product in one city where the demper decides it, with that city's leader. */
export interface TrackedMarket {
  product: TrackedProduct;
  cityId: string;
  floor: number;
  leader: string;
}

export interface TableRow {
  fault: string;
  injected: number;
  planned: number;
  applied: number;
  verified: number;
  failed: number;
  told: number;
  lost: number;
  duplicated: number;
  'below floor': number;
  'recovered (s)': string;
}

export interface ScenarioSpec {
  fault: string;
  /** Products per store whose leader undercuts us before the fault (default 5). */
  moves?: number;
  /**
   * Injects the fault and drives the engine through it; returns how many faults Kaspi or our side actually
   * served (not how many were scheduled).
   */
  run(context: ScenarioContext): Promise<number>;
  /** A dead process may leave `planned` rows; the settle phase fast-forwards their 5-minute recovery window. */
  interrupts?: boolean;
  /** By merchant uid: seller-visible «session expired» / «rate limited» messages the scenario must produce (else 0). */
  told?: { sessionExpired?: Record<string, number>; rateLimited?: Record<string, number> };
}

interface ScenarioContext {
  world: FaultWorld;
  engine: DemperEngine;
  /** One engine run, then rivals answer our cuts and the read-back delay passes. */
  cycle(engine?: DemperEngine): Promise<RunSummary>;
  cycles(count: number, engine?: DemperEngine): Promise<RunSummary[]>;
}

export interface ScenarioResult {
  row: TableRow;
  audit: Audit;
}

/** Captures `sendMessage` of a grammY Api instead of calling Telegram: the chat notifier renders for real. */
function capturingApi(messages: SellerMessage[]): Api {
  const api = new Api('1:fault-suite');
  let nextId = 1;
  api.config.use(async (_previous, method, payload) => {
    const body = payload as { chat_id?: number; text?: string };
    if (method === 'sendMessage') messages.push({ chatId: Number(body.chat_id), text: String(body.text ?? '') });
    return {
      ok: true,
      result: {
        message_id: nextId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(body.chat_id), type: 'private' },
        text: body.text,
      },
    } as never;
  });
  return api;
}

export class FaultWorld {
  readonly logger: Logger;
  readonly i18n = createI18n();
  readonly notifications: Notification[] = [];
  readonly rows: TableRow[] = [];
  /** Engine runs that threw (the scheduler or a worker would log these and carry on; so does the suite). */
  readonly runErrors: string[] = [];
  /** Things the system did not recover from by itself in the current scenario (a store whose session died). */
  readonly recoveryProblems: string[] = [];
  /** What the suite did, with times; printed as it happens with FAULTS_TRACE=1. */
  readonly traceLines: string[] = [];
  /** Write-log indices Kaspi accepted but dropped (`dropWrites`), and those made by a tool other than the demper. */
  readonly droppedWrites = new Set<number>();
  readonly foreignWrites = new Set<number>();
  readonly random = new SeededRandom(4242);
  readonly notifier: DemperNotifier;
  private cursor = 0;
  private closers: (() => Promise<unknown>)[] = [];

  private constructor(
    readonly sandbox: KaspiSandbox,
    readonly postgres: RestartableService,
    readonly redisService: RestartableService,
    readonly redis: Redis,
    readonly redisKeyPrefix: string,
    readonly database: Database,
    readonly databaseUrl: string,
    readonly kaspi: Kaspi,
    readonly loginKaspi: Kaspi,
    readonly interposer: Interposer,
    readonly proxies: { url: string; close(): Promise<void> }[],
    readonly secretKey: Buffer,
    readonly sessions: KaspiSessionManager,
    readonly stores: StoreRef[],
    readonly products: TrackedProduct[],
    readonly markets: TrackedMarket[],
    readonly chat: ChatNotifier,
    readonly messages: SellerMessage[],
    logger: Logger,
    closers: (() => Promise<unknown>)[],
  ) {
    this.logger = logger;
    this.closers = closers;
    const record = (notification: Notification) => this.notifications.push(notification);
    this.notifier = {
      digest: async (storeId, lines, dryRun) => {
        record({
          type: 'digest',
          source: 'main',
          storeId,
          dryRun,
          lines: lines.map(({ productId, newPrice, oldPrice, sku, cityId }) => ({
            productId,
            newPrice,
            oldPrice,
            sku,
            cityId,
          })),
        });
        await chat.digest(storeId, lines, dryRun);
      },
      alert: async (storeId, alert) => {
        this.trace(`alert to store ${storeId}: ${alert.kind}${alert.productId ? ` product ${alert.productId}` : ''}`);
        record({ type: 'alert', source: 'main', storeId, alert });
        await chat.alert(storeId, alert);
      },
    };
  }

  static async open(
    options: { productsPerMerchant?: number; seed?: number; logger?: Logger } = {},
  ): Promise<FaultWorld> {
    const closers: (() => Promise<unknown>)[] = [];
    const logger = options.logger ?? createLogger({ level: 'silent' });
    try {
      const postgres = await startPostgres();
      closers.push(() => postgres.close());
      const redisService = await startRedis();
      closers.push(() => redisService.close());
      const db = await createDatabaseOn(postgres, `kaspi_faults_${randomBytes(5).toString('hex')}`);
      closers.push(() => db.drop());
      const database = await openDatabase({ databaseUrl: db.url, dataDir: null, logger, poolMax: 10 });
      closers.push(() => database.close());
      await migrate(database);

      const sandbox = await startKaspiSandbox({
        seed: options.seed ?? 11,
        timeScale: TIME_SCALE,
        productsPerMerchant: options.productsPerMerchant ?? 30,
        rivalTickMs: 0, // rivals move when the suite moves them
        applyDelayMs: APPLY_DELAY_MS * TIME_SCALE,
        // Kaspi's storefront block (10 s) and write block (30 min) shortened so a blocked IP or merchant is
        // still blocked while the engine runs into it, yet free again within the scenario.
        limits: { storefrontBlockMs: 6 * 60_000, writeBlockMs: 3 * 60_000 },
        logger: createLogger({ level: 'silent' }),
      });
      closers.push(() => sandbox.close());
      const proxies: Awaited<ReturnType<typeof startForwardProxy>>[] = [];
      for (let i = 0; i < 4; i++) proxies.push(await startForwardProxy(`127.0.0.${i + 2}`));
      closers.push(() => Promise.all(proxies.map((proxy) => proxy.close())));
      const interposer = await startInterposer(sandbox.mcUrl);
      closers.push(() => interposer.close());

      // The production Redis connection (commands wait while Redis restarts); our own key space in it.
      const redisKeyPrefix = `kaspi-faults-${randomBytes(3).toString('hex')}:`;
      const redis = createRedis(redisService.url, logger, 'faults');
      redis.options.keyPrefix = redisKeyPrefix;
      await redis.connect();
      closers.push(async () => redis.disconnect());

      const kaspi = faultKaspi(
        {
          idmcUrl: sandbox.idmcUrl,
          mcUrl: interposer.url,
          shopUrl: sandbox.shopUrl,
          proxies: proxies.map((proxy) => proxy.url),
        },
        logger,
        redis,
      );
      closers.push(() => kaspi.close());
      // Logins go to the sandbox directly: its OAuth hand-off only redirects to its own cabinet address.
      const loginKaspi = createKaspi({
        config: loadConfig({
          KASPI_IDMC_URL: sandbox.idmcUrl,
          KASPI_MC_URL: sandbox.mcUrl,
          KASPI_SHOP_URL: sandbox.shopUrl,
        }),
        logger,
        redis: undefined,
        http: { baseBackoffMs: 20, maxBackoffMs: 100 },
      });
      closers.push(() => loginKaspi.close());
      const secretKey = randomBytes(32);
      const secretBox = new SecretBox(secretKey);
      const sessions = new KaspiSessionManager(database.orm, secretBox, loginKaspi.cabinet, logger);

      const em = database.orm.em.fork();
      const seller = em.create(SellerSchema, { telegramUserId: 9_100_001, chatId: 9_100_001, firstName: 'Айгерим' });
      await em.flush();
      const stores: StoreRef[] = [];
      for (const [index, merchant] of MERCHANTS.entries()) {
        const phone = PHONES[index]!;
        const pending = await loginKaspi.smsLogin.start(phone);
        const login = await loginKaspi.smsLogin.verify(pending, sandbox.lastCode(pending.phone)!);
        const store = await sessions.connectStore({
          sellerId: seller.id,
          merchantUid: merchant.uid,
          cookies: login.cookies,
          loginMethod: 'sms',
          identity: pending.phone,
        });
        await new CatalogSync(database.orm, sessions, loginKaspi.cabinet, logger).sync(store.id);
        stores.push({ id: store.id, merchantUid: merchant.uid, phone });
      }
      const connection = database.orm.em.getConnection();
      await connection.execute(`update "store" set "demper_enabled" = true`);
      // Nothing is due until a scenario moves a market or asks for a full check.
      await connection.execute(
        `update "product" set "demper_enabled" = true, "min_price" = greatest(10, round("price" * 0.9)), "step" = ?, "next_check_at" = now() + interval '1 day' where "removed_at" is null`,
        [STEP],
      );

      const own = new Set(stores.map((store) => store.merchantUid));
      const products: TrackedProduct[] = [];
      const markets: TrackedMarket[] = [];
      for (const product of await database.orm.em
        .fork()
        .find(ProductSchema, { removedAt: null }, { populate: ['store'], orderBy: { id: 'ASC' } })) {
        const main = mainCityOf(product, product.store.points);
        if (!main) continue;
        const tracked: TrackedProduct = {
          id: product.id,
          storeId: product.store.id,
          merchantUid: product.store.merchantUid,
          sku: product.sku,
          masterSku: product.masterSku,
          cityId: main,
          title: product.title,
          floor: floorIn(product, main) ?? 10,
          leader: '',
        };
        // Every city the demper decides is settled: the leader one step above our price there, everyone else
        // above it. We hold first place in each.
        for (const cityId of demperCitiesOf(product, product.store.points)) {
          const ours = priceIn(product, cityId);
          const listed = countedRivalsFirst(sandbox.storefront(product.masterSku, cityId));
          const rivals = [...new Set(listed.map((offer) => String(offer.merchantId)).filter((id) => !own.has(id)))];
          if (rivals[0]) sandbox.setRivalPrice(product.masterSku, cityId, rivals[0], ours + STEP);
          for (const [index, rival] of rivals.slice(1).entries())
            sandbox.setRivalPrice(product.masterSku, cityId, rival, ours + STEP + 1 + ((index * 37) % 200));
          if (cityId === main) tracked.leader = rivals[0] ?? '';
          markets.push({ product: tracked, cityId, floor: floorIn(product, cityId) ?? 10, leader: rivals[0] ?? '' });
        }
        products.push(tracked);
      }
      const messages: SellerMessage[] = [];
      const chat = new ChatNotifier(
        capturingApi(messages),
        new StoreDirectory(database.orm),
        new SessionExpiryNotices(database.orm, redis),
        createI18n(),
        logger,
      );
      const world = new FaultWorld(
        sandbox,
        postgres,
        redisService,
        redis,
        redisKeyPrefix,
        database,
        db.url,
        kaspi,
        loginKaspi,
        interposer,
        proxies,
        secretKey,
        sessions,
        stores,
        products,
        markets,
        chat,
        messages,
        logger,
        closers,
      );
      return world;
    } catch (error) {
      for (const closer of closers.reverse()) await closer().catch(() => undefined);
      throw error;
    }
  }

  trace(text: string): void {
    const line = `${new Date().toISOString().slice(11, 23)} ${text}`;
    this.traceLines.push(line);
    if (process.env.FAULTS_TRACE) process.stderr.write(`${line}\n`);
  }

  async close(): Promise<void> {
    for (const closer of this.closers.reverse()) await closer().catch(() => undefined);
  }

  get orm() {
    return this.database.orm;
  }

  engine(kaspi: Kaspi = this.kaspi): DemperEngine {
    return faultEngine({
      orm: this.orm,
      kaspi,
      secretBox: new SecretBox(this.secretKey),
      notifier: this.notifier,
      i18n: this.i18n,
      logger: this.logger,
    });
  }

  /** A second Kaspi layer, as another process would have (its own HTTP client and in-process state). */
  otherKaspi(redis: Redis | undefined): Kaspi {
    return faultKaspi(
      {
        idmcUrl: this.sandbox.idmcUrl,
        mcUrl: this.interposer.url,
        shopUrl: this.sandbox.shopUrl,
        proxies: this.proxies.map((proxy) => proxy.url),
      },
      this.logger,
      redis,
    );
  }

  // ---- the market -------------------------------------------------------------------------------------------

  /** Kaspi's price of a market: the offer's price in that city. */
  kaspiPrice(market: TrackedMarket): number {
    const offer = this.sandbox
      .catalogue(market.product.merchantUid)
      .find((candidate) => candidate.sku === market.product.sku)!;
    return offer.allCityPrices[market.cityId]!.price;
  }

  /**
   * The leaders of `perStore` markets of each store undercut us (one of them below our floor); their products
   * become due, as a contested product's next check would. Returns the moved markets.
   */
  async moveMarket(perStore: number): Promise<TrackedMarket[]> {
    const moved: TrackedMarket[] = [];
    for (const store of this.stores) {
      // Markets with room to cut above their floor; those that reached the floor in earlier scenarios rest.
      const candidates = this.markets.filter(
        (market) =>
          market.product.storeId === store.id && market.leader && this.kaspiPrice(market) - market.floor >= 40,
      );
      for (let i = 0; i < perStore; i++) {
        const market = candidates[(this.cursor + i) % candidates.length]!;
        const ours = this.kaspiPrice(market);
        const price = i === 0 ? market.floor - 30 : Math.max(market.floor + 20, ours - this.random.int(4, 60));
        this.sandbox.setRivalPrice(market.product.masterSku, market.cityId, market.leader, price);
        moved.push(market);
      }
    }
    this.cursor += perStore;
    await this.makeDue([...new Set(moved.map((market) => market.product.id))]);
    return moved;
  }

  /** Rivals answer: where we just went under a leader, it comes back one tenge under us about half the time. */
  answerCuts(before: Map<string, number>): void {
    for (const market of this.markets) {
      if (!market.leader) continue;
      const was = before.get(marketKey(market.product.merchantUid, market.product.sku, market.cityId));
      const now = this.kaspiPrice(market);
      if (was !== undefined && now < was && this.random.chance(0.5) && now - 2 >= market.floor + 5) {
        this.sandbox.setRivalPrice(market.product.masterSku, market.cityId, market.leader, now - 2);
      }
    }
  }

  /** Kaspi's price of every offer in each of its cities, by `merchantUid:sku:cityId`. */
  kaspiPrices(): Map<string, number> {
    return kaspiCityPrices(
      this.sandbox,
      this.stores.map((store) => store.merchantUid),
    );
  }

  async makeDue(productIds: number[] | 'all'): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(ProductSchema, productIds === 'all' ? { demperEnabled: true } : { id: { $in: productIds } }, {
      nextCheckAt: null,
    });
  }

  // ---- Kaspi-side helpers ---------------------------------------------------------------------------------------

  /** Writes accepted by Kaspi while `task` runs are dropped (accepted, never applied). */
  async withDroppedWrites<T>(task: () => Promise<T>): Promise<T> {
    const start = this.sandbox.writes().length;
    this.sandbox.injectFaults({ target: 'cabinet', dropWrites: true });
    try {
      return await task();
    } finally {
      this.sandbox.injectFaults({ target: 'cabinet', dropWrites: false });
      for (let index = start; index < this.sandbox.writes().length; index++) this.droppedWrites.add(index);
    }
  }

  /** Runs `task` (writes by a tool other than the demper); the writes it gets through are not the demper's. */
  async foreign<T>(task: () => Promise<T>): Promise<T> {
    const start = this.sandbox.writes().length;
    try {
      return await task();
    } finally {
      for (let index = start; index < this.sandbox.writes().length; index++) this.foreignWrites.add(index);
    }
  }

  /**
   * Sends probes until the sandbox answers one normally, so faults the engine did not consume are counted (and
   * never leak into the next scenario). Returns the faults the probes ran into.
   */
  async drainFaults(service: 'cabinet' | 'storefront', delayMs = 0): Promise<number> {
    let leftover = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      const url =
        service === 'cabinet' ? `${this.sandbox.mcUrl}/bff/offer-view/list?m=1&p=0&l=1` : `${this.sandbox.shopUrl}/mc/`;
      const started = Date.now();
      const answer = await new Promise<{ status: number; body: string } | undefined>((resolve) => {
        const probe = httpRequest(url, { method: 'GET', agent: false }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          response.on('error', () => resolve(undefined));
        });
        probe.on('error', () => resolve(undefined));
        probe.end();
      });
      const delayed = delayMs > 0 && Date.now() - started >= delayMs * 0.8;
      const normal =
        answer !== undefined &&
        (service === 'cabinet'
          ? answer.status === 401
          : answer.status === 200 && answer.body.includes('Kaspi Магазин'));
      leftover += (normal ? 0 : 1) + (delayed ? 1 : 0);
      if (normal && !delayed) return leftover;
    }
    throw new Error(`the sandbox ${service} keeps failing probes`);
  }

  // ---- sessions ---------------------------------------------------------------------------------------------

  /** The seller logs in again by SMS, as the bot's «Войти снова» does (which also re-arms the expiry notice). */
  async relogin(store: StoreRef): Promise<void> {
    let pending;
    try {
      pending = await this.loginKaspi.smsLogin.start(store.phone);
    } catch (error) {
      if (!(error instanceof KaspiLoginError) || error.errorCode !== 'MFA_SEND_FLOOD') throw error;
      await sleep((error.breakTimeSeconds ?? 1) * 1000 + 50);
      pending = await this.loginKaspi.smsLogin.start(store.phone);
    }
    const login = await this.loginKaspi.smsLogin.verify(pending, this.sandbox.lastCode(pending.phone)!);
    const seller = await this.orm.em.fork().findOneOrFail(StoreSchema, store.id);
    await this.sessions.connectStore({
      sellerId: seller.seller.id,
      merchantUid: store.merchantUid,
      cookies: login.cookies,
      loginMethod: 'sms',
      identity: pending.phone,
    });
    await this.chat.sessionRestored(store.id);
  }

  // ---- child processes ------------------------------------------------------------------------------------------

  /** A demper process of its own (see engine-child.ts), ready to `go`. */
  async spawnEngine(storeId: number, options: { verifyTimeoutMs?: number } = {}): Promise<EngineChild> {
    const config = {
      databaseUrl: this.databaseUrl,
      redisUrl: this.redisService.url,
      redisKeyPrefix: this.redisKeyPrefix,
      secretKeyHex: this.secretKey.toString('hex'),
      idmcUrl: this.sandbox.idmcUrl,
      mcUrl: this.interposer.url,
      shopUrl: this.sandbox.shopUrl,
      proxies: this.proxies.map((proxy) => proxy.url),
      storeId,
      ...options,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/faults/engine-child.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', FAULT_CHILD: JSON.stringify(config) },
    });
    const engineChild = new EngineChild(child, `child-${child.pid}`, (notification) =>
      this.notifications.push(notification),
    );
    await engineChild.waitFor('ready', 30_000);
    return engineChild;
  }

  // ---- judging ----------------------------------------------------------------------------------------------------

  async mark(): Promise<Mark> {
    const [row] = await this.orm.em
      .getConnection()
      .execute<{ max: number | null }[]>(`select max("id") as "max" from "price_change"`);
    return {
      rowId: Number(row?.max ?? 0),
      writes: this.sandbox.writes().length,
      notifications: this.notifications.length,
      messages: this.messages.length,
      prices: this.kaspiPrices(),
      availability: kaspiAvailability(this),
      stats: this.sandbox.stats(),
      at: Date.now(),
    };
  }

  /** One `runOnce`; a run that throws is recorded and the next one goes ahead, as the scheduler and workers do. */
  async runEngine(engine: DemperEngine, options: RunOptions = {}): Promise<RunSummary> {
    try {
      const summary = await engine.runOnce(options);
      const { errors, ...counts } = summary;
      this.trace(
        `run${options.storeId ? ` store ${options.storeId}` : ''}: ${JSON.stringify(counts)}${errors.length ? ` errors: ${errors.map((error) => error.message).join(' | ')}` : ''}`,
      );
      return summary;
    } catch (error) {
      this.trace(`run threw: ${error instanceof Error ? error.message : String(error)}`);
      this.runErrors.push(error instanceof Error ? error.message : String(error));
      return {
        ...emptySummary(),
        errors: [{ storeId: 0, message: `run threw: ${error instanceof Error ? error.message : String(error)}` }],
      };
    }
  }

  async unsettled(): Promise<PriceChange[]> {
    return this.orm.em.fork().find(PriceChangeSchema, { status: { $in: ['planned', 'sent'] } });
  }

  /**
   * Runs the engine until the world is at rest after a fault: every change settled, and a check of every product
   * changes nothing more (the market stands still meanwhile). A dead process's `planned` rows wait for the
   * engine's 5-minute interrupted-run window; with `interrupts` that wait is fast-forwarded by moving their
   * creation time back (the only clock the recovery reads), instead of sleeping five minutes.
   */
  async settle(
    engine: DemperEngine,
    options: { interrupts?: boolean; timeoutMs?: number } = {},
  ): Promise<{ ms: number; recovered: number }> {
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 45_000);
    let recovered = 0;
    let last: RunSummary | undefined;
    const enabled = await this.orm.em.fork().count(ProductSchema, { demperEnabled: true, removedAt: null });
    while (Date.now() < deadline) {
      // A store whose session died cannot settle anything: the seller has to log in again. That is no recovery
      // by itself; it is recorded against the scenario, and the seller logs in so the audit can go on.
      for (const store of this.stores) {
        const row = await this.orm.em.fork().findOneOrFail(StoreSchema, store.id);
        if (row.sessionState === 'active') continue;
        this.recoveryProblems.push(
          `store ${store.merchantUid}: its Kaspi session died during the scenario; the seller had to log in again`,
        );
        this.trace(`store ${store.id} lost its session; the seller logs in again`);
        await this.relogin(store);
      }
      const open = await this.unsettled();
      if (open.length > 0) {
        const stale = open.filter(
          (change) => change.status === 'planned' && Date.now() - change.createdAt.getTime() > 1_000,
        );
        if (options.interrupts && stale.length > 0) {
          this.trace(`fast-forwarding the interrupted-run window of ${stale.length} planned change(s)`);
          await this.orm.em
            .fork()
            .nativeUpdate(
              PriceChangeSchema,
              { id: { $in: stale.map((change) => change.id) } },
              { createdAt: new Date(Date.now() - 6 * 60_000) },
            );
          recovered += stale.length;
        }
        last = await this.runEngine(engine);
        await sleep(VERIFY_AFTER_MS + APPLY_DELAY_MS);
        continue;
      }
      await this.makeDue('all');
      const summary = await this.runEngine(engine);
      last = summary;
      if (
        summary.planned === 0 &&
        summary.deferred === 0 &&
        summary.errors.length === 0 &&
        summary.checked >= enabled
      ) {
        return { ms: Date.now() - started, recovered };
      }
      await sleep(VERIFY_AFTER_MS + APPLY_DELAY_MS);
    }
    const open = await this.unsettled();
    const describe = open.map(
      (change) =>
        `#${change.id} ${change.status} ${change.oldPrice}→${change.newPrice} created ${change.createdAt.toISOString()} sent ${change.sentAt?.toISOString()} ${change.error ?? ''}`,
    );
    throw new Error(
      `the world did not come to rest within ${options.timeoutMs ?? 45_000} ms: ${open.length} unsettled changes${describe.length ? `\n  ${describe.join('\n  ')}` : ''}\nlast run: ${JSON.stringify(last)}\ntrace:\n${this.traceLines.slice(-25).join('\n')}`,
    );
  }

  /** The price history since `mark` against Kaspi's write log and catalogue, and against what the seller was told (audit.ts). */
  audit(mark: Mark, told: ScenarioSpec['told'] = {}): Promise<Audit> {
    return auditScenario(this, mark, told);
  }

  // ---- scenarios --------------------------------------------------------------------------------------------------

  async runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
    this.trace(`scenario: ${spec.fault}`);
    const engine = this.engine();
    const mark = await this.mark();
    await this.moveMarket(spec.moves ?? 5);
    const context: ScenarioContext = {
      world: this,
      engine,
      cycle: async (which = engine) => {
        const before = this.kaspiPrices();
        const summary = await this.runEngine(which);
        await sleep(VERIFY_AFTER_MS + APPLY_DELAY_MS);
        this.answerCuts(before);
        return summary;
      },
      cycles: async (count, which = engine) => {
        const summaries: RunSummary[] = [];
        for (let i = 0; i < count; i++) summaries.push(await context.cycle(which));
        return summaries;
      },
    };
    let injected: number;
    let settled: { ms: number; recovered: number } | undefined;
    let unsettledError: unknown;
    try {
      injected = await spec.run(context);
      const states = await this.orm.em.fork().find(StoreSchema, {}, { orderBy: { id: 'ASC' } });
      this.trace(
        `fault over (${injected} injected); stores ${states.map((store) => `${store.id}:${store.sessionState}`).join(', ')}; settling`,
      );
      try {
        settled = await this.settle(engine, { interrupts: spec.interrupts });
      } catch (error) {
        // Still audited and put in the table, so the row shows what was left behind.
        unsettledError = error;
      }
    } finally {
      await this.restore();
    }
    const audit = await this.audit(mark, spec.told);
    const row: TableRow = {
      fault: spec.fault,
      injected,
      planned: audit.planned,
      applied: audit.applied,
      verified: audit.verified,
      failed: audit.failed,
      told: audit.messages,
      lost: audit.lost,
      duplicated: audit.duplicated,
      'below floor': audit.belowFloor,
      'recovered (s)': settled ? (settled.ms / 1000).toFixed(1) : 'never',
    };
    this.rows.push(row);
    if (unsettledError) throw unsettledError;
    return { row, audit };
  }

  /**
   * Whatever a scenario left behind (it may have failed half-way) is undone, so the next one starts from a
   * healthy world: no pending faults, both sessions alive. A store that had to be logged in again here is
   * visible in the audit of the scenario that lost it (its «session expired» message).
   */
  private async restore(): Promise<void> {
    this.interposer.clear();
    for (const target of ['storefront', 'cabinet'] as const) {
      this.sandbox.injectFaults({
        target,
        serverErrors: 0,
        htmlWall: 0,
        resets: 0,
        delayedRequests: 0,
        dropWrites: false,
        drift: null,
      });
    }
    for (const store of this.stores) {
      const row = await this.orm.em.fork().findOneOrFail(StoreSchema, store.id);
      if (row.sessionState !== 'active') {
        this.trace(`store ${store.id} left with an ${row.sessionState} session; logging in again`);
        await this.relogin(store);
      }
    }
  }

  table(): string {
    const columns = [
      'fault',
      'injected',
      'planned',
      'applied',
      'verified',
      'failed',
      'told',
      'lost',
      'duplicated',
      'below floor',
      'recovered (s)',
    ] as const;
    const total: TableRow = {
      fault: 'total',
      injected: 0,
      planned: 0,
      applied: 0,
      verified: 0,
      failed: 0,
      told: 0,
      lost: 0,
      duplicated: 0,
      'below floor': 0,
      'recovered (s)': '',
    };
    for (const row of this.rows) {
      for (const column of columns) {
        if (column === 'fault' || column === 'recovered (s)') continue;
        total[column] += row[column];
      }
    }
    const all = [...this.rows, total];
    const cells = all.map((row) => columns.map((column) => String(row[column])));
    const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((cell) => cell[index]!.length)));
    const line = (values: string[]) =>
      values
        .map((value, index) => (index === 0 ? value.padEnd(widths[index]!) : value.padStart(widths[index]!)))
        .join('  ');
    const rule = widths.map((width) => '─'.repeat(width)).join('──');
    const legend = [
      'injected: faults actually served (sandbox faults the probes did not drain, interposer actions, kills, restarts, racing runs)',
      'planned: price_change rows of the scenario; applied / failed: their final status; told: messages the seller got',
      "verified: applied rows whose write is in Kaspi's log, not dropped, and agree with Kaspi's final price",
      'lost: writes without a row, applied rows Kaspi never took, failed rows Kaspi applied, unsettled rows, history ≠ Kaspi',
      'duplicated: a change written twice, or decided again on a state an earlier change had left; below floor: writes/rows < floor',
      'recovered: from the fault cleared to the world at rest (checks fast-forwarded; the 5-minute interrupted-run window too)',
    ];
    return [line([...columns]), rule, ...cells.slice(0, -1).map(line), rule, line(cells.at(-1)!), '', ...legend].join(
      '\n',
    );
  }
}

/** A demper child process (engine-child.ts) and what it printed. */
export class EngineChild {
  output = '';
  readonly summaries: RunSummary[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly name: string,
    onNotification: (notification: Notification) => void,
  ) {
    let pending = '';
    process.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('notify '))
          onNotification({ ...(JSON.parse(line.slice(7)) as Notification), source: name });
        if (line.startsWith('done ')) this.summaries.push(JSON.parse(line.slice(5)) as RunSummary);
      }
    });
    process.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => process.once('exit', resolve));
  }

  async waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.process.exitCode !== null || Date.now() > deadline)
        throw new Error(`${this.name}: no "${text}" (exit ${this.process.exitCode}); output:\n${this.output}`);
      await sleep(10);
    }
  }

  /**
   * Starts one run with this process's clock shifted by `clockSkewMs`, back to the true time after `skewForMs`
   * (never, when undefined); resolves with the run's summary.
   */
  run(clockSkewMs = 0, options: { skewForMs?: number; timeoutMs?: number } = {}): Promise<RunSummary> {
    const count = this.summaries.length;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.process.stdin.write(`run ${Math.round(clockSkewMs)}\n`);
    if (options.skewForMs !== undefined) setTimeout(() => this.process.stdin.write('skew 0\n'), options.skewForMs);
    return (async () => {
      const deadline = Date.now() + timeoutMs;
      while (this.summaries.length <= count) {
        if (this.process.exitCode !== null || Date.now() > deadline)
          throw new Error(
            `${this.name}: the run did not finish (exit ${this.process.exitCode}); output:\n${this.output}`,
          );
        await sleep(10);
      }
      return this.summaries[count]!;
    })();
  }

  async kill(): Promise<void> {
    if (this.process.exitCode !== null) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }
}

export { VERIFY_AFTER_MS, VERIFY_TIMEOUT_MS, APPLY_DELAY_MS, sleep };
