import { Redis } from 'ioredis';

import { openContainer, type Container } from '../../src/app/container.js';
import { createBot } from '../../src/bot/index.js';
import type { BotDeps } from '../../src/bot/deps.js';
import { ActionLimiter } from '../../src/bot/guards/action-limiter.js';
import { runBot, type RunningBot } from '../../src/bot/run.js';
import { createBotDeps } from '../../src/bot/wiring.js';
import { loadConfig } from '../../src/config.js';
import { buildPricefeedItem } from '../../src/kaspi/offer-writes.js';
import { startKaspiSandbox, type KaspiSandbox } from '../../src/kaspi-sandbox/index.js';
import { ProductSchema, SellerSchema, type Product } from '../../src/db/entities/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import {
  startFakeTelegram,
  type ChatMessage,
  type FakeTelegram,
  type FakeUser,
} from '../../src/telegram-sandbox/bot-api-server.js';
import { TEST_REDIS_URL } from './env.js';
import { assertKeyboardsFit, keyboardProblems } from './keyboard-check.js';
import { createTestDatabase } from './postgres.js';

export const BOT_TOKEN = '7000000001:AAH_sandbox-token-for-tests_0123456789';
const SECRET_KEY = 'a'.repeat(64);

/** The whole bot as it runs in production, between a fake Telegram and the Kaspi sandbox, on real PostgreSQL. */
export interface BotHarness {
  sandbox: KaspiSandbox;
  telegram: FakeTelegram;
  infrastructure: Container;
  deps: BotDeps;
  running: RunningBot;
  /**
   * Stops the bot process (keeping the database, Redis and both fakes) and starts a new one; `whileDown` runs
   * in between (another process using the same database, Redis prefix and fakes).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Waits until every follow-up (the read-backs of prices, on/off and preorders) is done. */
  settled(timeoutMs?: number): Promise<void>;
  /** The environment this bot process runs with, for another process that serves the same bot. */
  env: Record<string, string>;
  /** This harness's key space on the shared Redis (its processes' keys and queues are under it). */
  redisKeyPrefix: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  logger: Logger;
  redis?: boolean;
  productsPerMerchant?: number;
  env?: Record<string, string>;
  /** How often price-list file status is polled (Kaspi: seconds; tests: fast). */
  filePollMs?: number;
  /** The follow-up runner's lease, poll and sweep intervals. */
  followUps?: FollowUpRunnerTimings;
  /** The first read-back of a sent change (300 ms here). */
  verifyFirstAfterMs?: number;
}

type FollowUpRunnerTimings = NonNullable<Parameters<typeof createBotDeps>[1]>['followUps'];

/** Follow-ups in tests: looked at often, and a dead process's claim runs out in seconds. */
export const TEST_FOLLOW_UPS = { pollMs: 100, leaseMs: 3_000, sweepMs: 1_000 } as const;

export async function startBotHarness(options: HarnessOptions): Promise<BotHarness> {
  const database = await createTestDatabase();
  // The sandbox prints SMS codes to its own log, like Kaspi's phone would; it must not mix with the bot's log.
  const sandbox = await startKaspiSandbox({
    seed: 21,
    timeScale: 60,
    rivalTickMs: 0,
    productsPerMerchant: options.productsPerMerchant ?? 24,
    applyDelayMs: 200,
    logger: createLogger({ level: 'silent' }),
  });
  const telegram = await startFakeTelegram({ token: BOT_TOKEN, logger: options.logger });
  const redisPrefix = `test-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const env: Record<string, string> = {
    BOT_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    DATABASE_URL: database.url,
    SECRET_KEY,
    HTTP_PORT: '0',
    KASPI_IDMC_URL: sandbox.idmcUrl,
    KASPI_MC_URL: sandbox.mcUrl,
    KASPI_SHOP_URL: sandbox.shopUrl,
    KASPI_PRICEFEED_RPS: '2.5',
    LOG_LEVEL: 'silent',
    ...(options.redis ? { REDIS_URL: `${TEST_REDIS_URL}` } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const open = async () => {
    const infrastructure = await openContainer(config, options.logger, {
      migrate: true,
      // Each harness gets its own key space on the shared Redis.
      redisKeyPrefix: `${redisPrefix}:`,
      kaspi: { http: { baseBackoffMs: 20, maxBackoffMs: 100 } },
    });
    const deps = createBotDeps(infrastructure, {
      verifyFirstAfterMs: options.verifyFirstAfterMs ?? 300,
      verifyTimeoutMs: 15_000,
      limiter: new ActionLimiter(undefined, {}),
      filePollMs: options.filePollMs ?? 200,
      followUps: options.followUps ?? TEST_FOLLOW_UPS,
    });
    const bot = createBot(BOT_TOKEN, deps);
    await deps.followUps.start();
    const running = await runBot(bot, deps, infrastructure);
    return { infrastructure, deps, running };
  };
  const shut = async ({ running, deps, infrastructure }: Awaited<ReturnType<typeof open>>) => {
    await running.stop().catch(() => undefined);
    await deps.followUps.stop().catch(() => undefined);
    return infrastructure;
  };
  let current = await open();
  const harness: BotHarness = {
    sandbox,
    telegram,
    get infrastructure() {
      return current.infrastructure;
    },
    get deps() {
      return current.deps;
    },
    get running() {
      return current.running;
    },
    env,
    redisKeyPrefix: `${redisPrefix}:`,
    async restart(whileDown) {
      await (await shut(current)).close();
      try {
        await whileDown?.();
      } finally {
        current = await open();
      }
    },
    settled: (timeoutMs) => current.deps.followUps.settled(timeoutMs),
    async close() {
      // Every keyboard this bot sent in the whole file, whichever test sent it, must fit a phone.
      const problems = keyboardProblems(telegram.calls);
      await shut(current);
      if (current.infrastructure.redis) {
        const cleaner = new Redis(TEST_REDIS_URL);
        const keys = await cleaner.keys(`${redisPrefix}:*`);
        if (keys.length) await cleaner.del(...keys);
        cleaner.disconnect();
      }
      await current.infrastructure.close();
      await telegram.close();
      await sandbox.close();
      await database.drop();
      if (problems.length) throw new Error(`keyboards that do not fit a 390 px phone:\n  ${problems.join('\n  ')}`);
    },
  };
  return harness;
}

let nextUserId = 500_000;
export function newUser(first_name = 'Айгерим', language_code = 'ru'): FakeUser {
  return { id: nextUserId++, first_name, language_code };
}

/** The keyboard button whose text contains `label`, as callback data. */
export function buttonData(message: ChatMessage | undefined, label: string | RegExp): string {
  const markup = message?.reply_markup as
    { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  const buttons = markup?.inline_keyboard?.flat() ?? [];
  const button = buttons.find((candidate) =>
    typeof label === 'string' ? candidate.text.includes(label) : label.test(candidate.text),
  );
  if (!button?.callback_data)
    throw new Error(
      `no button ${String(label)} in: ${buttons.map((candidate) => candidate.text).join(' | ') || message?.text}`,
    );
  return button.callback_data;
}

/** A predicate for bot messages that are new or edited after this moment. */
export function changedSince(
  telegram: FakeTelegram,
  chatId: number,
  expect: RegExp,
): (message: ChatMessage) => boolean {
  const seen = new Map(telegram.messages(chatId).map((message) => [message.message_id, message.edits]));
  return (message) => {
    const edits = seen.get(message.message_id);
    return (
      (edits === undefined || message.edits > edits) &&
      !message.deleted &&
      expect.test(message.text ?? message.caption ?? '')
    );
  };
}

/** Sends a message and waits for the bot's next message (new or edited) that matches. */
export async function say(
  telegram: FakeTelegram,
  user: FakeUser,
  text: string,
  expect: RegExp,
  timeoutMs = 15_000,
): Promise<ChatMessage> {
  const fresh = changedSince(telegram, user.id, expect);
  await telegram.sendText(user, text);
  const message = await telegram.waitForBotMessage(user.id, fresh, { timeoutMs });
  assertKeyboardsFit(telegram.calls);
  return message;
}

/** Presses a button of a bot message and waits for a bot message (new or edited) that matches. */
export async function press(
  telegram: FakeTelegram,
  user: FakeUser,
  message: ChatMessage,
  label: string | RegExp,
  expect: RegExp,
  timeoutMs = 15_000,
): Promise<ChatMessage> {
  const data = buttonData(message, label);
  const fresh = changedSince(telegram, user.id, expect);
  await telegram.pressButton(user, message.message_id, data);
  const answer = await telegram.waitForBotMessage(user.id, fresh, { timeoutMs });
  assertKeyboardsFit(telegram.calls);
  return answer;
}

/** The label of the list button that opens `productId` (a list row shows a short name, not the whole title). */
export function productButton(message: ChatMessage | undefined, productId: number): string {
  const markup = message?.reply_markup as
    { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  const buttons = markup?.inline_keyboard?.flat() ?? [];
  const button = buttons.find(
    (candidate) => /^\d+:(p|bt):(\d+)(:|$)/.exec(candidate.callback_data ?? '')?.[2] === String(productId),
  );
  if (!button) throw new Error(`no button of product ${productId} in: ${buttons.map((b) => b.text).join(' | ')}`);
  return button.text;
}

/** Logs a user in by SMS through the chat; picks the merchant whose button matches when there are several. */
export async function loginBySms(
  harness: BotHarness,
  user: FakeUser,
  phone: string,
  merchant?: RegExp,
): Promise<ChatMessage> {
  const { telegram, sandbox } = harness;
  const method = await say(telegram, user, '/login', /Как войти|How would you like to log in|Kaspi кабинетіне/);
  await press(telegram, user, method, /SMS/, /\+7 701 234 56 78/);
  const digits = phone.replace(/\D/g, '');
  await say(telegram, user, phone, /SMS/);
  const formatted = `+7 (${digits.slice(1, 4)}) ${digits.slice(4, 7)}-${digits.slice(7, 9)}-${digits.slice(9, 11)}`;
  const answer = await say(
    telegram,
    user,
    sandbox.lastCode(formatted)!,
    /подключён|несколько магазинов|connected|Several stores/,
  );
  if (!merchant) return answer;
  return press(telegram, user, answer, merchant, /подключён|connected/);
}

/** A seller logged in by SMS whose store is synced: where most chat tests start. */
export async function loginAndSync(harness: BotHarness, user: FakeUser, phone = '+7 701 000 00 01'): Promise<void> {
  const connected = await loginBySms(harness, user, phone);
  await press(harness.telegram, user, connected, 'Синхронизировать', /товаров синхронизировано — \d+\. Новых/, 30_000);
}

/** The products of a Telegram user's stores, by title. */
export async function productsOf(
  harness: BotHarness,
  telegramUserId: number,
  filter: Record<string, unknown> = {},
): Promise<Product[]> {
  const em = harness.infrastructure.database.orm.em.fork();
  const owner = await em.findOneOrFail(SellerSchema, { telegramUserId });
  return em.find(ProductSchema, { store: { seller: owner }, ...filter }, { orderBy: { title: 'ASC', id: 'ASC' } });
}

/**
 * Takes products off sale at their store's second point (Astana), as a seller does in the cabinet, then syncs:
 * a test about one market sees one city per product (the demper decides every city where an offer is on sale).
 */
export async function sellOnlyAtFirstPoint(harness: BotHarness, products: Product[]): Promise<void> {
  const { deps, sandbox } = harness;
  const storeId = products[0]!.store.id;
  await deps.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
    const items = [];
    for (const product of products) {
      const item = buildPricefeedItem(
        merchantUid,
        (await deps.kaspi.cabinet.findOffer(jar, merchantUid, product.sku))!,
        {},
        store.points,
      );
      item.availabilities = item.availabilities.map((point) =>
        point.storeId.endsWith('_PP2') ? { ...point, available: 'no' } : point,
      );
      items.push(item);
    }
    await deps.kaspi.cabinet.writeBatch(jar, merchantUid, items);
  });
  const merchantUid = (
    await harness.infrastructure.database.orm.em
      .fork()
      .findOneOrFail(ProductSchema, products[0]!.id, { populate: ['store'] })
  ).store.merchantUid;
  const deadline = Date.now() + 10_000;
  const offSale = () =>
    products.every(
      (product) =>
        sandbox
          .catalogue(merchantUid)
          .find((offer) => offer.sku === product.sku)
          ?.availabilities.find((point) => point.storeId.endsWith('_PP2'))?.available !== 'yes',
    );
  while (!offSale()) {
    if (Date.now() > deadline) throw new Error('Kaspi did not take the second points off sale');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await deps.catalog.sync(storeId);
}

/** The follow-ups of the harness's bot process as it is now (a restart starts new ones), for a demper of the test. */
export function harnessFollowUps(harness: BotHarness): Pick<BotDeps['followUps'], 'schedule'> {
  return { schedule: (kind, payload) => harness.deps.followUps.schedule(kind, payload) };
}
