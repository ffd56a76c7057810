/**
 * `npm run bench:bot` — many sellers chatting with the bot at once through the Bot API emulator while the demper
 * runs: update handling time, errors and memory.
 *
 * The world: a fresh PostgreSQL database, the Kaspi sandbox, `--exits` local forward proxies (distinct source
 * IPs for the storefront's per-IP limit, as in bench:demper) and the Bot API emulator, all in this process with
 * the simulated sellers. The bot runs in a child process (bench/bot-child.ts) wired exactly as `kaspi-bot start`
 * without Redis: createBot + runBot (grammY runner, long polling) + createDemper with the chat notifier +
 * startDemperScheduler. Its memory, CPU and event loop are therefore the bot's alone.
 *
 * Setup (not measured): every seller logs in by SMS through the chat — the sandbox has two usable phones, so
 * sellers alternate between them (`+7 701 000 00 01` → Sandbox Electronics, `… 02` → Sandbox Home) and logins of
 * one phone run one after another (the bot allows one login per Kaspi account at a time, and the sandbox keeps
 * one pending code per phone; its SMS resend pause is lifted). Each login is a real cabinet session of its own:
 * sharing one session's cookies between stores would not survive the cabinet's cookie rotation. Then each seller
 * syncs; every `--demper-share`-th seller puts the demper on a product of its own (`/demper SKU on min=… every=1`)
 * and switches the store on.
 *
 * Measured: all sellers run bench/bot-driver.ts's script at once (12 updates, 5 of them button presses, with a
 * think time between steps) while the demper's clock ticks every `--tick` s and rivals move (a rival undercuts
 * one demper product every `--move-ms`, which is then due; the sandbox's own rivals answer every 2 s).
 *
 * Handling time is measured inside the bot process around `bot.handleUpdate` (see bench/bot-probe.ts). «Ours» is
 * that minus the time the update spent waiting for Bot API calls to the emulator; «own» also leaves out Kaspi HTTP
 * and our Kaspi pacing. Per update kind the waits are split further (database round trips, pool waits). The baseline is a trivial
 * grammY bot (bench/bot-baseline.ts) answering the same update shapes with the same Bot API calls, through the
 * same runner, measured the same way against its own emulator with the same number of sellers, script and think
 * time, in the same run right before the bot's measured round (the bot idles meanwhile): our p95 is printed as a
 * ratio to its p95. The machine's CPU is split into the bot, this process and the rest (PostgreSQL, and whatever
 * else runs on the machine) for both rounds, so a noisy neighbour shows.
 *
 * All sellers share the sandbox's two merchants, so their price writes would queue behind one another on one
 * merchant's write pacing (KASPI_PRICEFEED_RPS, 1.5/s) — a queue that 200 sellers with 200 stores never form. The
 * bench raises the per-merchant write rate (client and sandbox alike, `--pricefeed-rps`) so a `/price` waits as
 * long as it would for one seller; the storefront's per-exit pacing is left as configured (it is shared in
 * production too).
 *
 * Errors (must be 0): `error-generic` replies, steps without an answer, failed Bot API calls (the emulator's
 * record), unhandled rejections and exceptions, error lines in the bot's log.
 *
 * Options: --quick (30 sellers), --sellers N (200), --think-min MS (300), --think-max MS (1200), --demper-share F
 * (0.25), --exits N (4; 0 = direct), --products N per merchant (60), --pricefeed-rps R (50), --time-scale X (10),
 * --tick S (2), --move-ms MS (1000), --step-timeout S (60), --warmup N sellers (5), --seed N, --log-level info|warn,
 * --no-baseline, --pool-max N (experiment: the bot's database pool resized after start-up; production has 10),
 * --profile (the bot's CPU profile of the measured round, written to the temp directory and summarized).
 * Exit code 1 when errors > 0.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

import { MERCHANTS } from '../src/kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox } from '../src/kaspi-sandbox/index.js';
import { SeededRandom } from '../src/kaspi-sandbox/random.js';
import { createLogger } from '../src/logger.js';
import {
  startFakeTelegram,
  type ChatMessage,
  type FakeTelegram,
  type FakeUser,
} from '../src/telegram-sandbox/bot-api-server.js';
import { startForwardProxy } from '../test/helpers/forward-proxy.js';
import type { ChildConfig, ChildMessage, ChildReport, ParentMessage, UpdateRecord } from './bot-probe.js';
import {
  byText,
  Driver,
  ERROR_GENERIC_TEXTS,
  SCRIPT_UPDATES,
  sellerScript,
  StepFailed,
  type StepResult,
} from './bot-driver.js';
import { createBenchDatabase, mb, parseArgs, percentile, round, sleep, table } from './lib.js';

const BOT_TOKEN = '7000000001:AAH_bench-bot-token_0123456789abcdef';
const BASELINE_TOKEN = '7000000002:AAH_bench-baseline-token_0123456789ab';

// ---- options ----------------------------------------------------------------------------------------------------

interface BenchOptions {
  quick: boolean;
  sellers: number;
  thinkMs: [number, number];
  demperShare: number;
  exits: number;
  products: number;
  pricefeedRps: number;
  timeScale: number;
  tick: number;
  moveMs: number;
  stepTimeoutMs: number;
  warmup: number;
  seed: number;
  logLevel: 'info' | 'warn';
  baseline: boolean;
  /** Experiment: the bot's database pool resized after start-up (production keeps 10). */
  poolMax: number | undefined;
  /** Write the bot's CPU profile of the measured round here and print where its time went. */
  profile: string | undefined;
}

function resolveOptions(argv: string[]): BenchOptions {
  const values = parseArgs(argv, {
    quick: 'boolean',
    sellers: 'number',
    'think-min': 'number',
    'think-max': 'number',
    'demper-share': 'number',
    exits: 'number',
    products: 'number',
    'pricefeed-rps': 'number',
    'time-scale': 'number',
    tick: 'number',
    'move-ms': 'number',
    'step-timeout': 'number',
    warmup: 'number',
    seed: 'number',
    'log-level': 'string',
    'no-baseline': 'boolean',
    profile: 'boolean',
    'pool-max': 'number',
  });
  const pick = (name: string, fallback: number) => (values[name] === undefined ? fallback : Number(values[name]));
  const options: BenchOptions = {
    quick: Boolean(values.quick),
    sellers: Math.floor(pick('sellers', values.quick ? 30 : 200)),
    thinkMs: [pick('think-min', 300), pick('think-max', 1200)],
    demperShare: pick('demper-share', 0.25),
    exits: Math.floor(pick('exits', 4)),
    products: Math.floor(pick('products', 60)),
    pricefeedRps: pick('pricefeed-rps', 50),
    timeScale: pick('time-scale', 10),
    tick: Math.floor(pick('tick', 2)),
    moveMs: pick('move-ms', 1000),
    stepTimeoutMs: pick('step-timeout', 60) * 1000,
    warmup: Math.floor(pick('warmup', 5)),
    seed: Math.floor(pick('seed', 11)),
    logLevel: values['log-level'] === 'warn' ? 'warn' : 'info',
    baseline: !values['no-baseline'],
    poolMax: values['pool-max'] === undefined ? undefined : Math.floor(Number(values['pool-max'])),
    profile: values.profile ? join(tmpdir(), `bench-bot-${process.pid}.cpuprofile`) : undefined,
  };
  if (values['log-level'] !== undefined && values['log-level'] !== 'info' && values['log-level'] !== 'warn')
    throw new Error('--log-level takes info or warn');
  if (options.sellers < 1) throw new Error('--sellers must be at least 1');
  if (options.thinkMs[0] > options.thinkMs[1]) throw new Error('--think-min must not exceed --think-max');
  if (options.demperShare > 1) throw new Error('--demper-share is a fraction (0–1)');
  if (options.exits > 200) throw new Error('--exits takes 0–200 (127.0.0.2 … 127.0.0.201; 0 = direct)');
  if (options.products < 24)
    throw new Error('--products must be at least 24 (the script pages to page 2; demper products come after it)');
  if (options.tick < 1 || options.tick > 59 || 60 % options.tick !== 0)
    throw new Error('--tick takes seconds that divide a minute');
  if (options.timeScale < 1) throw new Error('--time-scale takes a factor ≥ 1');
  return options;
}

// ---- the bot process ----------------------------------------------------------------------------------------------

/** The child's TypeScript loader flags (tsx's --require/--import), as bench/demper.ts forks its RSS child. */
function loaderFlags(): string[] {
  const flags: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const flag = process.execArgv[i]!;
    if ((flag === '--require' || flag === '--import') && process.execArgv[i + 1])
      flags.push(flag, process.execArgv[++i]!);
    else if (flag.startsWith('--require=') || flag.startsWith('--import=')) flags.push(flag);
  }
  return flags;
}

class BotProcess {
  private readonly child: ChildProcess;
  private readonly waiters: { type: ChildMessage['type']; resolve: (message: ChildMessage) => void }[] = [];
  private readonly exited: Promise<number | null>;
  private failure: Error | undefined;

  constructor(config: ChildConfig) {
    this.child = fork(fileURLToPath(new URL('./bot-child.ts', import.meta.url)), [], {
      // --expose-gc: the heap left after each phase is measured after a full collection (never during one).
      execArgv: [...loaderFlags(), '--expose-gc'],
      env: { ...process.env, BENCH_BOT_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'fatal') this.fail(new Error(`bot process failed: ${message.error}`));
      const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => this.fail(new Error(`bot process exited (${code})`)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ type: 'fatal', error: error.message });
  }

  private next<T extends ChildMessage['type']>(
    type: T,
    timeoutMs = 300_000,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the bot process sent no "${type}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        type,
        resolve: (message) => {
          clearTimeout(timer);
          if (message.type === 'fatal') reject(this.failure ?? new Error(message.error));
          else resolve(message as Extract<ChildMessage, { type: T }>);
        },
      });
    });
  }

  async ready(): Promise<number> {
    return (await this.next('ready')).rss;
  }

  async phase(phase: string): Promise<void> {
    const answer = this.next('phase');
    this.child.send({ type: 'phase', phase } satisfies ParentMessage);
    await answer;
  }

  async stop(): Promise<ChildReport> {
    const answer = this.next('report');
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const { report } = await answer;
    const code = await Promise.race([this.exited, sleep(60_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') this.kill();
    return report;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

// ---- the world ------------------------------------------------------------------------------------------------------

interface World {
  database: { url: string; name: string; drop(): Promise<void> };
  sandbox: KaspiSandbox;
  proxies: Awaited<ReturnType<typeof startForwardProxy>>[];
  cleanup: (() => Promise<unknown>)[];
}

/** A product a seller put under the demper: where its market is and how low the demper may go. */
interface DemperTarget {
  productId: number;
  sku: string;
  masterSku: string;
  merchantUid: string;
  cityId: string;
  floor: number;
}

interface SimSeller {
  index: number;
  user: FakeUser;
  phone: string;
  /** The merchant button to press after the code (the second phone has two merchants). */
  merchant?: RegExp;
  merchantUid: string;
  ready: boolean;
}

interface PhaseResult {
  report: ChildReport;
  cpu: { machineBusy: number | null; postgresCores: number | null; parentCores: number };
  steps: StepResult[];
  /** Bot API calls the emulator answered with an error, by method and description. */
  telegramFailures: Record<string, number>;
  telegramCalls: number;
  errorGenericSeen: number;
  errorGenericSamples: string[];
  callbackNotices: Record<string, number>;
  measuredSeconds: number;
  parentRssPeak: number;
  sellersMeasured: number;
}

function watchChats(telegram: FakeTelegram) {
  const state = { errorGeneric: 0, samples: [] as string[], callbackNotices: new Map<string, number>() };
  const unsubscribe = telegram.subscribe((event) => {
    if ((event.type === 'message' || event.type === 'edited') && event.message.from === 'bot') {
      const text = event.message.text ?? event.message.caption ?? '';
      if (ERROR_GENERIC_TEXTS.some((generic) => text.includes(generic))) {
        state.errorGeneric++;
        if (state.samples.length < 5) state.samples.push(`chat ${event.chat_id} #${event.message.message_id}`);
      }
    }
    if (event.type === 'callback_answer' && event.text) {
      const key = /Меню обновилось/.test(event.text) ? 'menu-outdated' : undefined;
      if (key) state.callbackNotices.set(key, (state.callbackNotices.get(key) ?? 0) + 1);
    }
  });
  return { state, unsubscribe };
}

function emulatorFailures(telegram: FakeTelegram): Record<string, number> {
  const failures = new Map<string, number>();
  for (const call of telegram.calls) {
    if (call.ok || call.aborted) continue;
    const key = `${call.method}: ${call.error?.error_code} ${call.error?.description ?? ''}`.slice(0, 160);
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }
  return Object.fromEntries(failures);
}

/** Busy and total CPU time of the whole machine so far (Linux /proc/stat, in ticks), or undefined elsewhere. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU ticks used so far by the PostgreSQL server's processes (every database, every client), or undefined. */
function postgresTicks(): number | undefined {
  try {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks;
  } catch {
    return undefined;
  }
}

/** CPU of the machine (every core), of PostgreSQL and of this process (emulator, sandbox, sellers) while a phase runs. */
function cpuMeter() {
  const machine = machineCpu();
  const postgres = postgresTicks();
  const own = process.cpuUsage();
  const started = performance.now();
  return () => {
    const after = machineCpu();
    const postgresAfter = postgresTicks();
    const used = process.cpuUsage(own);
    const wallMs = performance.now() - started;
    const cores = machine && after ? (after.total - machine.total) / availableParallelism() : undefined;
    return {
      /** Busy share of all cores together (1 = every core busy). */
      machineBusy:
        machine && after ? round((after.busy - machine.busy) / Math.max(1, after.total - machine.total), 2) : null,
      /** PostgreSQL in cores (ticks of the same clock as /proc/stat). */
      // Backends that exit meanwhile take their ticks along: a lower bound, never below 0.
      postgresCores:
        cores && postgres !== undefined && postgresAfter !== undefined
          ? round(Math.max(0, postgresAfter - postgres) / cores, 2)
          : null,
      /** This process in cores. */
      parentCores: round((used.user + used.system) / 1000 / wallMs, 2),
    };
  };
}

/** Samples this process's RSS (emulator, sandbox and sellers) while a phase runs. */
function parentRssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

/**
 * The warm-up (the first `--warmup` sellers), then every seller's script as the measured round, then the drain;
 * the same for the baseline and the bot. `onMeasured` starts what runs only during the measured round.
 */
async function measuredRound(
  child: BotProcess,
  driver: Driver,
  sellers: SimSeller[],
  options: BenchOptions,
  random: SeededRandom,
  onMeasured?: () => void,
) {
  driver.round = 'warmup';
  await child.phase('warmup');
  await runScripts(driver, sellers.slice(0, options.warmup), 0, random);
  driver.round = 'measured';
  await child.phase('measured');
  onMeasured?.();
  const rss = parentRssSampler();
  const cpuUsed = cpuMeter();
  const started = performance.now();
  await runScripts(driver, sellers, 1, random);
  const measuredSeconds = (performance.now() - started) / 1000;
  const cpu = cpuUsed();
  await child.phase('drain');
  const parentRssPeak = rss();
  const report = await child.stop();
  return { report, cpu, measuredSeconds, parentRssPeak };
}

/** Runs the script for every seller at once (starts spread over one second); failures end that seller's script. */
async function runScripts(driver: Driver, sellers: SimSeller[], round: number, random: SeededRandom): Promise<void> {
  await Promise.all(
    sellers.map(async (seller) => {
      await sleep(random.next() * 1000);
      try {
        await sellerScript(driver, seller.user, seller.index, round);
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
      }
    }),
  );
}

function newSellers(count: number, firstId: number): SimSeller[] {
  return Array.from({ length: count }, (_, index) => {
    const second = index % 2 === 1;
    return {
      index,
      user: { id: firstId + index, first_name: `Продавец ${index + 1}`, language_code: 'ru' },
      phone: second ? '+7 701 000 00 02' : '+7 701 000 00 01',
      merchant: second ? /Sandbox Home/ : undefined,
      merchantUid: second ? MERCHANTS[1]!.uid : MERCHANTS[0]!.uid,
      ready: false,
    };
  });
}

// ---- the baseline: a trivial grammY bot, same emulator, same load ---------------------------------------------------

async function runBaseline(options: BenchOptions): Promise<PhaseResult> {
  const telegram = await startFakeTelegram({ token: BASELINE_TOKEN, logger: createLogger({ level: 'silent' }) });
  const child = new BotProcess({
    mode: 'baseline',
    token: BASELINE_TOKEN,
    apiRoot: telegram.apiRoot,
    logLevel: options.logLevel,
  });
  const watch = watchChats(telegram);
  try {
    await child.ready();
    const random = new SeededRandom(options.seed * 7 + 1);
    const driver = new Driver({ telegram, random, stepTimeoutMs: options.stepTimeoutMs, thinkMs: options.thinkMs });
    const sellers = newSellers(options.sellers, 900_000);
    const { report, cpu, measuredSeconds, parentRssPeak } = await measuredRound(
      child,
      driver,
      sellers,
      options,
      random,
    );
    return {
      report,
      cpu,
      steps: driver.results,
      telegramFailures: emulatorFailures(telegram),
      telegramCalls: telegram.calls.length,
      errorGenericSeen: watch.state.errorGeneric,
      errorGenericSamples: watch.state.samples,
      callbackNotices: Object.fromEntries(watch.state.callbackNotices),
      measuredSeconds,
      parentRssPeak,
      sellersMeasured: sellers.length,
    };
  } finally {
    watch.unsubscribe();
    child.kill();
    await telegram.close();
  }
}

// ---- the production bot ---------------------------------------------------------------------------------------------

async function setupWorld(options: BenchOptions): Promise<World> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const database = await createBenchDatabase('bot');
    cleanup.push(() => database.drop());
    const sandbox = await startKaspiSandbox({
      seed: options.seed,
      timeScale: options.timeScale,
      productsPerMerchant: options.products,
      rivalTickMs: 0, // rivals move when the bench moves them
      applyDelayMs: 2_000,
      limits: { smsResendMs: 0, writeRpsPerMerchant: Math.ceil(options.pricefeedRps * 2) },
      logger: createLogger({ level: 'silent' }),
    });
    cleanup.push(() => sandbox.close());
    const proxies: World['proxies'] = [];
    cleanup.push(() => Promise.all(proxies.map((proxy) => proxy.close())));
    for (let i = 0; i < options.exits; i++) proxies.push(await startForwardProxy(`127.0.0.${i + 2}`));
    return { database, sandbox, proxies, cleanup };
  } catch (error) {
    for (const task of cleanup.reverse()) await task().catch(() => undefined);
    throw error;
  }
}

/** Logs one seller in by SMS through the chat, as a person would. */
async function login(driver: Driver, sandbox: KaspiSandbox, seller: SimSeller): Promise<ChatMessage> {
  const { user } = seller;
  await driver.say(user, 'setup:start', '/start', /Здравствуйте|С возвращением/);
  const method = await driver.say(user, 'setup:login', '/login', /Как войти/);
  await driver.press(user, 'setup:login-sms', method, byText(/SMS/), /\+7 701 234 56 78/);
  await driver.say(user, 'setup:login-phone', seller.phone, /SMS/);
  const digits = seller.phone.replace(/\D/g, '');
  const formatted = `+7 (${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7, 9)}-${digits.slice(9, 11)}`;
  const code = sandbox.lastCode(formatted);
  if (!code) throw new StepFailed(`no SMS code for ${formatted}`);
  const answer = await driver.say(user, 'setup:login-code', code, /подключён|несколько магазинов/);
  if (!seller.merchant) return answer;
  return driver.press(user, 'setup:login-merchant', answer, byText(seller.merchant), /подключён/);
}

/** Sync, then (every `share`-th seller) the demper on a product of its own and the store's demper switched on. */
async function syncAndDemper(
  driver: Driver,
  db: pg.Pool,
  seller: SimSeller,
  connected: ChatMessage,
  demperSlot: number | undefined,
): Promise<DemperTarget | undefined> {
  const { user } = seller;
  await driver.press(
    user,
    'setup:sync',
    connected,
    byText(/Синхронизировать/),
    /товаров синхронизировано — \d+\. Новых/,
    { timeoutMs: 180_000 },
  );
  if (demperSlot === undefined) return undefined;
  // Products 0–15 by title are the script's pages 1–2: the demper takes one after them, distinct per seller.
  const { rows } = await db.query<{
    id: number;
    sku: string;
    master_sku: string;
    price: number;
    availabilities: { storeId: string; available: string }[];
  }>(
    `select p.id, p.sku, p.master_sku, p.price, p.availabilities from product p join store s on s.id = p.store_id join seller se on se.id = s.seller_id
      where se.telegram_user_id = $1 and p.removed_at is null order by p.title, p.id`,
    [user.id],
  );
  const candidates = rows
    .slice(16)
    .filter((row) => row.availabilities.some((availability) => availability.available === 'yes'));
  const product = candidates[demperSlot % Math.max(1, candidates.length)];
  if (!product) return undefined;
  const floor = Math.max(10, Math.round((product.price * 0.7) / 10) * 10);
  await driver.say(
    user,
    'setup:demper-product',
    `/demper ${product.sku} on min=${floor} step=10 every=1`,
    /Демпер включён/,
  );
  const overview = await driver.say(user, 'setup:demper', '/demper', /Демпер магазина/);
  if (/выключен/.test(overview.text ?? ''))
    await driver.press(user, 'setup:demper-on', overview, byText(/Включить демпер/), /Демпер магазина .* включён/s);
  const merchant = MERCHANTS.find((candidate) => candidate.uid === seller.merchantUid)!;
  const onSale = product.availabilities.find((availability) => availability.available === 'yes')!;
  const cityId =
    merchant.points.find((point) => `${merchant.uid}_${point.code}` === onSale.storeId)?.cityId ??
    merchant.points[0]!.cityId;
  return {
    productId: product.id,
    sku: product.sku,
    masterSku: product.master_sku,
    merchantUid: seller.merchantUid,
    cityId,
    floor,
  };
}

/** Rivals move: one demper product is undercut every `moveMs` (and is due at once); the sandbox's dempers answer. */
function startMarket(
  sandbox: KaspiSandbox,
  db: pg.Pool,
  targets: DemperTarget[],
  options: BenchOptions,
  random: SeededRandom,
) {
  const own = new Set(MERCHANTS.map((merchant) => merchant.uid));
  let moves = 0;
  let failures = 0;
  const move = async () => {
    if (targets.length === 0) return;
    const target = targets[random.int(0, targets.length - 1)]!;
    const offer = sandbox.catalogue(target.merchantUid).find((candidate) => candidate.sku === target.sku);
    if (!offer) return;
    const ours = offer.allCityPrices[target.cityId]?.price ?? offer.price;
    const rivals = sandbox
      .storefront(target.masterSku, target.cityId)
      .map((entry) => ({ id: String(entry.merchantId ?? entry.merchantUid ?? ''), price: Number(entry.price) }))
      .filter((entry) => entry.id && !own.has(entry.id));
    const rival = rivals[0];
    const price = ours - random.int(2, 20) * 10;
    if (!rival || price <= target.floor + 10) return;
    sandbox.setRivalPrice(target.masterSku, target.cityId, rival.id, price);
    await db.query('update product set next_check_at = now() where id = $1', [target.productId]);
    moves++;
  };
  const moveTimer = setInterval(() => void move().catch(() => failures++), options.moveMs);
  const tickTimer = setInterval(() => sandbox.tickRivals(), 2_000);
  return {
    stop() {
      clearInterval(moveTimer);
      clearInterval(tickTimer);
      return { moves, failures };
    },
  };
}

interface MainResult extends PhaseResult {
  baseline: PhaseResult | undefined;
  setupSeconds: number;
  sellersReady: number;
  demperTargets: number;
  market: { moves: number; failures: number };
  sandbox: { storefront403: number; cabinet429: number; writes: number; storefrontRequests: number };
  readyRss: number;
}

async function runMain(world: World, options: BenchOptions): Promise<MainResult> {
  const { sandbox, database, proxies } = world;
  const telegram = await startFakeTelegram({ token: BOT_TOKEN, logger: createLogger({ level: 'silent' }) });
  const child = new BotProcess({
    mode: 'bot',
    token: BOT_TOKEN,
    apiRoot: telegram.apiRoot,
    logLevel: options.logLevel,
    ...(options.profile ? { profileFile: options.profile } : {}),
    bot: {
      databaseUrl: database.url,
      secretKey: randomBytes(32).toString('hex'),
      idmcUrl: sandbox.idmcUrl,
      mcUrl: sandbox.mcUrl,
      shopUrl: sandbox.shopUrl,
      proxies: proxies.map((proxy) => proxy.url),
      pricefeedRps: options.pricefeedRps,
      timeScale: options.timeScale,
      demperCron: `*/${options.tick} * * * * *`,
      demperVerifyAfterMs: 3_000,
      verifyFirstAfterMs: 2_000,
      ...(options.poolMax ? { poolMax: options.poolMax } : {}),
    },
  });
  const watch = watchChats(telegram);
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const readyRss = await child.ready();
    const random = new SeededRandom(options.seed * 7 + 1);
    const driver = new Driver({ telegram, random, stepTimeoutMs: options.stepTimeoutMs, thinkMs: [0, 0] });

    // ---- setup: logins (one after another per phone), syncs and demper settings (concurrently) ----
    const setupStarted = performance.now();
    const sellers = newSellers(options.sellers, 800_000);
    const every = options.demperShare > 0 ? Math.max(1, Math.round(1 / options.demperShare)) : 0;
    const slots = new Map<string, number>();
    const targets: DemperTarget[] = [];
    const after: Promise<void>[] = [];
    const chains = [...new Set(sellers.map((seller) => seller.phone))].map(async (phone) => {
      for (const seller of sellers.filter((candidate) => candidate.phone === phone)) {
        let connected: ChatMessage;
        try {
          connected = await login(driver, sandbox, seller);
        } catch (error) {
          if (error instanceof StepFailed) continue;
          throw error;
        }
        let slot: number | undefined;
        if (every && seller.index % every === 0) {
          slot = slots.get(seller.merchantUid) ?? 0;
          slots.set(seller.merchantUid, slot + 1);
        }
        after.push(
          syncAndDemper(driver, db, seller, connected, slot).then(
            (target) => {
              if (target) targets.push(target);
              seller.ready = true;
            },
            (error: unknown) => {
              if (!(error instanceof StepFailed)) throw error;
            },
          ),
        );
      }
    });
    await Promise.all(chains);
    await Promise.all(after);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const ready = sellers.filter((seller) => seller.ready);
    const storefrontRequests = () =>
      Object.entries(sandbox.stats().requests)
        .filter(([key]) => key.startsWith('storefront '))
        .reduce((sum, [, count]) => sum + count, 0);
    const storefrontBefore = storefrontRequests();
    const writesBefore = sandbox.writes().length;
    process.stderr.write(
      `  setup: ${ready.length}/${sellers.length} sellers logged in and synced, ${targets.length} demper products, ${round(setupSeconds, 1)} s\n`,
    );

    // ---- the baseline's round right before ours: the machine is in the same state for both ----
    let baseline: PhaseResult | undefined;
    if (options.baseline) {
      process.stderr.write('  baseline: trivial grammY bot, same emulator, same sellers and script…\n');
      baseline = await runBaseline(options);
    }
    process.stderr.write('  the bot: warm-up and the measured round…\n');

    // ---- warm-up and the measured round ----
    const thinking = new Driver({ telegram, random, stepTimeoutMs: options.stepTimeoutMs, thinkMs: options.thinkMs });
    let market: ReturnType<typeof startMarket> | undefined;
    const { report, cpu, measuredSeconds, parentRssPeak } = await measuredRound(
      child,
      thinking,
      ready,
      options,
      random,
      () => {
        market = startMarket(sandbox, db, targets, options, random);
      },
    );
    const marketResult = market!.stop();
    const stats = sandbox.stats();
    return {
      baseline,
      report,
      cpu,
      steps: [...driver.results, ...thinking.results],
      telegramFailures: emulatorFailures(telegram),
      telegramCalls: telegram.calls.length,
      errorGenericSeen: watch.state.errorGeneric,
      errorGenericSamples: watch.state.samples,
      callbackNotices: Object.fromEntries(watch.state.callbackNotices),
      measuredSeconds,
      parentRssPeak,
      sellersMeasured: ready.length,
      setupSeconds,
      sellersReady: ready.length,
      demperTargets: targets.length,
      market: marketResult,
      sandbox: {
        storefront403: stats.storefront403,
        cabinet429: stats.cabinet429,
        writes: sandbox.writes().length - writesBefore,
        storefrontRequests: storefrontRequests() - storefrontBefore,
      },
      readyRss,
    };
  } finally {
    watch.unsubscribe();
    child.kill();
    await db.end().catch(() => undefined);
    await telegram.close();
  }
}

// ---- figures ----------------------------------------------------------------------------------------------------------

interface Figures {
  updates: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function figures(values: number[]): Figures {
  return {
    updates: values.length,
    p50: round(percentile(values, 50) ?? NaN, 1),
    p95: round(percentile(values, 95) ?? NaN, 1),
    p99: round(percentile(values, 99) ?? NaN, 1),
    max: round(values.length ? Math.max(...values) : NaN, 1),
  };
}

const ours = (record: UpdateRecord) => Math.max(0, record.wall - record.telegram);
const own = (record: UpdateRecord) => Math.max(0, record.wall - record.telegram - record.kaspi - record.pacing);
const mean = (values: number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;

function summarize(result: PhaseResult) {
  const measured = result.report.records.filter((record) => record.phase === 'measured');
  const phase = result.report.phases.measured!;
  const steps = result.steps.filter((step) => step.round === 'measured' && step.outcome === 'ok');
  return {
    wall: figures(measured.map((record) => record.wall)),
    ours: figures(measured.map(ours)),
    own: figures(measured.map(own)),
    telegramRoundTrip: figures(
      measured.filter((record) => record.telegramCalls > 0).map((record) => record.telegram / record.telegramCalls),
    ),
    seller: figures(steps.map((step) => step.ms)),
    updatesPerSecond: round(measured.length / result.measuredSeconds, 1),
    rss: {
      before: phase.rssStart,
      after: phase.rssEnd,
      peak: phase.rssPeak,
      heapPeak: phase.heapPeak,
      heapAfterGc: phase.heapAfterGc,
      heapBeforeAfterGc: result.report.phases.warmup?.heapAfterGc ?? null,
    },
    eventLoopDelayMs: {
      p50: round(phase.eventLoopDelayMs.p50, 1),
      p99: round(phase.eventLoopDelayMs.p99, 1),
      max: round(phase.eventLoopDelayMs.max, 1),
    },
    cpuShare: round((phase.cpuMs.user + phase.cpuMs.system) / Math.max(1, phase.endedAt - phase.startedAt), 2),
    cpuMsPerUpdate: round((phase.cpuMs.user + phase.cpuMs.system) / Math.max(1, measured.length), 2),
    measured,
  };
}

function byKind(records: UpdateRecord[]) {
  const kinds = new Map<string, UpdateRecord[]>();
  for (const record of records) kinds.set(record.kind, [...(kinds.get(record.kind) ?? []), record]);
  return [...kinds]
    .sort((a, b) => (percentile(b[1].map(ours), 95) ?? 0) - (percentile(a[1].map(ours), 95) ?? 0))
    .map(([kind, list]) => ({
      kind,
      n: list.length,
      oursP50: round(percentile(list.map(ours), 50)!, 1),
      oursP95: round(percentile(list.map(ours), 95)!, 1),
      wallP95: round(
        percentile(
          list.map((record) => record.wall),
          95,
        )!,
        1,
      ),
      telegram: round(mean(list.map((record) => record.telegram)), 1),
      kaspi: round(mean(list.map((record) => record.kaspi)), 1),
      pacing: round(mean(list.map((record) => record.pacing)), 1),
      db: round(mean(list.map((record) => record.db)), 1),
      pool: round(mean(list.map((record) => record.pool)), 1),
      queries: round(mean(list.map((record) => record.queries)), 1),
      telegramCalls: round(mean(list.map((record) => record.telegramCalls)), 1),
    }));
}

function errorsOf(result: PhaseResult, parentRejections: number) {
  const steps = result.steps.filter((step) => step.outcome === 'timeout' || step.outcome === 'failed');
  const errorLogs = Object.entries(result.report.logs).filter(([key]) => key.startsWith('error:'));
  const breakdown = {
    errorGenericReplies: Math.max(
      result.errorGenericSeen,
      result.steps.filter((step) => step.outcome === 'error-generic').length,
    ),
    stepsWithoutAnswer: steps.length,
    telegramFailedCalls: Object.values(result.telegramFailures).reduce((sum, count) => sum + count, 0),
    unhandled: result.report.unhandledRejections + result.report.uncaughtExceptions + parentRejections,
    errorLogLines: errorLogs.reduce((sum, [, count]) => sum + count, 0),
  };
  return {
    total: Object.values(breakdown).reduce((sum, count) => sum + count, 0),
    breakdown,
    stepSamples: steps.slice(0, 5).map((step) => `${step.round}/${step.name}: ${step.detail ?? step.outcome}`),
  };
}

/** Cores busy in the round: the bot, this process, PostgreSQL (all its databases) and anything else on the machine. */
function cpuSplit(result: PhaseResult, botCores: number): string {
  const busy = result.cpu.machineBusy === null ? undefined : result.cpu.machineBusy * availableParallelism();
  if (busy === undefined) return `? = ${botCores} + ${result.cpu.parentCores} + ?`;
  const postgres = result.cpu.postgresCores;
  const rest = Math.max(0, busy - botCores - result.cpu.parentCores - (postgres ?? 0));
  return `${round(busy, 2)} of ${availableParallelism()} = ${botCores} + ${result.cpu.parentCores} + PostgreSQL ${postgres ?? '?'} + other ${round(rest, 2)}`;
}

function poolRows(result: PhaseResult): [string, string, string][] {
  const holds = result.report.poolHolds.measured;
  if (!holds) return [];
  const capacity = holds.size * result.measuredSeconds * 1000;
  const share = (ms: number) => (capacity ? `${round(ms / capacity, 2)} × capacity` : '');
  return [
    [
      `DB pool (${holds.size} connections): held by updates`,
      `${round(holds.update.ms / 1000, 1)} conn·s in ${holds.update.count} holds (mean ${round(holds.update.ms / Math.max(1, holds.update.count), 1)} ms, max ${round(holds.update.maxMs, 0)} ms)`,
      share(holds.update.ms),
    ],
    [
      '  held by the demper, read-backs, syncs',
      `${round(holds.background.ms / 1000, 1)} conn·s in ${holds.background.count} holds (mean ${round(holds.background.ms / Math.max(1, holds.background.count), 1)} ms, max ${round(holds.background.maxMs, 0)} ms)`,
      share(holds.background.ms),
    ],
  ];
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

// ---- main -------------------------------------------------------------------------------------------------------------

let parentRejections = 0;
const parentRejectionSamples: string[] = [];
process.on('unhandledRejection', (reason) => {
  parentRejections++;
  if (parentRejectionSamples.length < 5)
    parentRejectionSamples.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
});

async function main(): Promise<void> {
  const options = resolveOptions(process.argv.slice(2));
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  process.stderr.write(
    `bench:bot${options.quick ? ' --quick' : ''}: ${options.sellers} sellers × ${SCRIPT_UPDATES} updates, think ${options.thinkMs[0]}–${options.thinkMs[1]} ms, ` +
      `demper on ${Math.round(options.demperShare * 100)}% of sellers (tick ${options.tick} s), ${options.exits} exits…\n`,
  );
  process.stderr.write('  the bot: setup…\n');
  const world = await setupWorld(options);
  let main: MainResult;
  try {
    main = await runMain(world, options);
  } finally {
    for (const task of world.cleanup.reverse()) {
      await task().catch((error: unknown) =>
        process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`),
      );
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const baseline = main.baseline;

  const bot = summarize(main);
  const base = baseline ? summarize(baseline) : undefined;
  const errors = errorsOf(main, parentRejections);
  const baselineErrors = baseline ? errorsOf(baseline, 0) : undefined;
  const kinds = byKind(bot.measured);
  const ratio = (value: number, limit: number | undefined) => (limit ? `${round(value / limit, 2)} ×` : '—');
  const measuredSteps = main.steps.filter((step) => step.round === 'measured');
  const notices = countBy(
    main.steps.filter((step) => step.outcome === 'notice'),
    (step) => `${step.name}: ${step.detail}`,
  );
  const demper = main.report.demper;

  const rows: [string, string, string][] = [
    ['metric', 'value', 'ratio'],
    [
      'sellers (measured) / updates handled',
      `${main.sellersMeasured} / ${bot.ours.updates} (${bot.updatesPerSecond}/s over ${round(main.measuredSeconds, 1)} s)`,
      base
        ? `throughput ${ratio(bot.updatesPerSecond, base.updatesPerSecond)} baseline ${base.updatesPerSecond}/s`
        : '',
    ],
    [
      'update handling, ours (excl. Bot API emulator)',
      `p50 ${bot.ours.p50} ms, p95 ${bot.ours.p95} ms, p99 ${bot.ours.p99} ms`,
      base ? `p95 ${ratio(bot.ours.p95, base.wall.p95)} baseline p95 ${base.wall.p95} ms` : '',
    ],
    [
      '  whole handleUpdate (incl. emulator)',
      `p50 ${bot.wall.p50} ms, p95 ${bot.wall.p95} ms, p99 ${bot.wall.p99} ms`,
      base ? `p95 ${ratio(bot.wall.p95, base.wall.p95)} baseline` : '',
    ],
    [
      '  own (excl. emulator, Kaspi HTTP, Kaspi pacing)',
      `p50 ${bot.own.p50} ms, p95 ${bot.own.p95} ms, p99 ${bot.own.p99} ms`,
      base ? `p95 ${ratio(bot.own.p95, base.wall.p95)} baseline` : '',
    ],
  ];
  if (base) {
    rows.push(
      [
        'baseline: trivial grammY bot, handleUpdate',
        `p50 ${base.wall.p50} ms, p95 ${base.wall.p95} ms, p99 ${base.wall.p99} ms (${base.wall.updates} updates)`,
        'the limit',
      ],
      ['  its own time (excl. emulator)', `p50 ${base.ours.p50} ms, p95 ${base.ours.p95} ms`, ''],
      [
        'Bot API round trip per call (ours / baseline)',
        `p50 ${bot.telegramRoundTrip.p50} / ${base.telegramRoundTrip.p50} ms, p95 ${bot.telegramRoundTrip.p95} / ${base.telegramRoundTrip.p95} ms`,
        `p95 ${ratio(bot.telegramRoundTrip.p95, base.telegramRoundTrip.p95)}`,
      ],
      [
        'seller sees the answer after (ours / baseline)',
        `p50 ${bot.seller.p50} / ${base.seller.p50} ms, p95 ${bot.seller.p95} / ${base.seller.p95} ms`,
        `p95 ${ratio(bot.seller.p95, base.seller.p95)}`,
      ],
    );
  } else rows.push(['seller sees the answer after', `p50 ${bot.seller.p50} ms, p95 ${bot.seller.p95} ms`, '']);
  rows.push(
    [
      'errors (must be 0)',
      String(errors.total),
      errors.total === 0 ? 'ok' : `FAIL ${JSON.stringify(errors.breakdown)}`,
    ],
    [
      'bot RSS: before → after the round (peak)',
      `${mb(bot.rss.before)} → ${mb(bot.rss.after)} MiB (peak ${mb(bot.rss.peak)} MiB; heap peak ${mb(bot.rss.heapPeak)} MiB, live after GC ${mb(bot.rss.heapBeforeAfterGc ?? NaN)} → ${mb(bot.rss.heapAfterGc ?? NaN)} MiB)`,
      `peak ${round(bot.rss.peak / bot.rss.before, 2)} × before${base ? `; ${round(bot.rss.peak / base.rss.peak, 2)} × trivial bot ${mb(base.rss.peak)} MiB` : ''}`,
    ],
    [
      'bot RSS when started (empty)',
      `${mb(main.readyRss)} MiB`,
      `before the round ${round(bot.rss.before / main.readyRss, 2)} × started`,
    ],
    [
      'bot event-loop delay (measured round)',
      `p50 ${bot.eventLoopDelayMs.p50} ms, p99 ${bot.eventLoopDelayMs.p99} ms, max ${bot.eventLoopDelayMs.max} ms`,
      base ? `p99 ${ratio(bot.eventLoopDelayMs.p99, base.eventLoopDelayMs.p99)} baseline` : '',
    ],
    [
      'bot CPU (measured round, demper included)',
      `${bot.cpuShare} of one core, ${bot.cpuMsPerUpdate} ms per update`,
      base ? `per update ${ratio(bot.cpuMsPerUpdate, base.cpuMsPerUpdate)} baseline ${base.cpuMsPerUpdate} ms` : '',
    ],
    [
      '  machine: cores busy = bot + bench process (emulator, sandbox, sellers) + PostgreSQL + other',
      cpuSplit(main, bot.cpuShare),
      base && baseline ? `baseline round: ${cpuSplit(baseline, base.cpuShare)}` : '',
    ],
    ...poolRows(main),
    [
      'demper during the round',
      `${demper.ticks} ticks (max ${round(demper.tickMsMax, 0)} ms), checked ${demper.checked}, sent ${demper.sent}, applied ${demper.applied}, failed ${demper.failed}, errors ${demper.errors}`,
      `${main.market.moves} rival moves on ${main.demperTargets} products`,
    ],
    [
      'Kaspi sandbox: 403 / 429 (run), price writes / storefront requests (after setup)',
      `${main.sandbox.storefront403} / ${main.sandbox.cabinet429}, ${main.sandbox.writes} / ${main.sandbox.storefrontRequests}`,
      '',
    ],
  );

  const kindRows: [string, string, string][] = [
    [
      'update kind (n)',
      'ours p50 / p95 ms (whole p95)',
      'mean ms: telegram · kaspi · pacing · db · pool (queries, api calls)',
    ],
  ];
  for (const kind of kinds) {
    kindRows.push([
      `${kind.kind} (${kind.n})`,
      `${kind.oursP50} / ${kind.oursP95} (${kind.wallP95})`,
      `${kind.telegram} · ${kind.kaspi} · ${kind.pacing} · ${kind.db} · ${kind.pool} (${kind.queries}, ${kind.telegramCalls})`,
    ]);
  }

  process.stdout.write(
    `\nkaspi-bot bench:bot — ${options.sellers} sellers${options.quick ? ' (--quick)' : ''}, setup ${round(main.setupSeconds, 1)} s, total ${round(totalSeconds, 0)} s; ` +
      `${availableParallelism()} CPUs, load ${round(loadBefore, 1)} → ${round(loadavg()[0]!, 1)}\n\n${table(rows)}\n\n${table(kindRows)}\n`,
  );
  const notes: string[] = [];
  if (errors.total)
    notes.push(
      `errors: ${JSON.stringify(errors.breakdown)}; ${JSON.stringify({ steps: errors.stepSamples, emulator: main.telegramFailures, samples: main.report.problemSamples, parent: parentRejectionSamples, errorGeneric: main.errorGenericSamples })}`,
    );
  if (baselineErrors?.total)
    notes.push(
      `baseline errors: ${JSON.stringify(baselineErrors.breakdown)} ${JSON.stringify(baselineErrors.stepSamples)}`,
    );
  if (Object.keys(notices).length) notes.push(`notices (answers, not errors): ${JSON.stringify(notices)}`);
  if (Object.keys(main.callbackNotices).length) notes.push(`callback notices: ${JSON.stringify(main.callbackNotices)}`);
  const warnings = Object.entries(main.report.logs).filter(([key]) => key.startsWith('warn:'));
  if (warnings.length) notes.push(`bot warnings: ${JSON.stringify(Object.fromEntries(warnings))}`);
  if (Object.keys(main.report.telegramFailures).length)
    notes.push(`Bot API non-200 seen by the bot: ${JSON.stringify(main.report.telegramFailures)}`);
  if (demper.errorSamples.length) notes.push(`demper errors: ${JSON.stringify(demper.errorSamples)}`);
  const priceSql = main.report.sqlSamples['/price ok'];
  if (priceSql)
    notes.push(
      `SQL of one measured /price ok (${priceSql.length} statements):\n${priceSql.map((statement) => `    ${statement}`).join('\n')}`,
    );
  const profile = main.report.profile;
  if (profile) {
    const share = (ms: number) => `${ms} ms (${round((100 * ms) / Math.max(1, profile.sampledMs), 1)}%)`;
    notes.push(
      `CPU profile of the measured round (${options.profile}), ${profile.sampledMs} ms sampled, self time:\n` +
        `  by package: ${profile.byPackage.map(([name, ms]) => `${name} ${share(ms)}`).join(', ')}\n` +
        `  by function:\n${profile.byFunction.map(([name, ms]) => `    ${share(ms)}  ${name}`).join('\n')}`,
    );
  }
  if (notes.length) process.stdout.write(`\n${notes.join('\n')}\n`);

  const strip = (result: ReturnType<typeof summarize>) => {
    const { measured: _records, ...rest } = result;
    return rest;
  };
  process.stdout.write(
    `\n${JSON.stringify({
      bench: 'bot',
      quick: options.quick,
      options,
      totalSeconds: round(totalSeconds, 1),
      machine: { cpus: availableParallelism(), loadBefore: round(loadBefore, 2), loadAfter: round(loadavg()[0]!, 2) },
      sellers: main.sellersMeasured,
      updates: bot.ours.updates,
      errors: errors.total,
      errorBreakdown: errors.breakdown,
      p95OursMs: bot.ours.p95,
      p95BaselineMs: base?.wall.p95 ?? null,
      p95Ratio: base ? round(bot.ours.p95 / base.wall.p95, 2) : null,
      bot: strip(bot),
      baseline: base ? strip(base) : null,
      kinds,
      steps: {
        measured: countBy(measuredSteps, (step) => step.outcome),
        all: countBy(main.steps, (step) => step.outcome),
      },
      notices,
      demper,
      market: main.market,
      sandbox: main.sandbox,
      setupSeconds: round(main.setupSeconds, 1),
      readyRssBytes: main.readyRss,
      parentRssPeakBytes: main.parentRssPeak,
      logs: main.report.logs,
      cpu: { bot: main.cpu, baseline: baseline?.cpu ?? null },
      pool: main.report.poolHolds,
      sqlSamples: main.report.sqlSamples,
    })}\n`,
  );
  process.exitCode = errors.total === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:bot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
