import { openContainer, type Container } from '../app/container.js';
import { createChatNotifier } from '../bot/demper-notifier.js';
import { createBot } from '../bot/index.js';
import { runBot } from '../bot/run.js';
import { createBotDeps } from '../bot/wiring.js';
import { loadConfig, type LogLevel } from '../config.js';
import { startDemperScheduler } from '../demper/scheduler.js';
import { createDemper } from '../demper/wiring.js';
import { MERCHANTS } from '../kaspi-sandbox/catalogue.js';
import { startKaspiSandbox, type KaspiSandbox } from '../kaspi-sandbox/index.js';
import { createLogger, type Logger } from '../logger.js';
import {
  startFakeTelegram,
  type FakeTelegram,
  type PhoneHint,
  type WebSeller,
} from '../telegram-sandbox/bot-api-server.js';
import { prepareSandboxDataDir } from './data-dir.js';
import { watchLoginCodes, type LoginCode } from './login-codes.js';

/** Shaped like a real token (the config checks the shape); the emulator accepts only this one. */
const SANDBOX_BOT_TOKEN = '7000000000:AAH_local-sandbox-token-0000000000';

/** The sellers on the page from the start: the first one's phone logs in to the demo store with two cities. */
const DEFAULT_SELLERS: WebSeller[] = [
  { id: 700_000_001, first_name: 'Айгерим', language_code: 'ru', phone: '+7 701 000 00 01' },
  { id: 700_000_002, first_name: 'Ерлан', language_code: 'ru', phone: '+7 701 000 00 02' },
];

export const SANDBOX_DEFAULTS = {
  seed: 1,
  productsPerMerchant: 300,
  /** Kaspi's durations divided by this: a write applies in 1 s, an SMS can be re-sent after 6 s. */
  timeScale: 10,
  /** Real milliseconds between two moves of the rivals. */
  rivalMoveEveryMs: 15_000,
  /** node-cron with seconds: a demo should not make anyone wait a minute for the demper. */
  demperCron: '*/20 * * * * *',
} as const;

export interface LocalSandboxOptions {
  /** The embedded database and its key; see `prepareSandboxDataDir` for what `keepData` means. */
  dataDir: string;
  keepData?: boolean;
  /** Where the page and the Bot API emulator listen; default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  seed?: number;
  productsPerMerchant?: number;
  timeScale?: number;
  /** 0: rivals move only when a test says so (`kaspi.tickRivals()`, `kaspi.setRivalPrice()`). */
  rivalMoveEveryMs?: number;
  demperCron?: string;
  logLevel?: LogLevel;
  logger?: Logger;
  chromiumPath?: string;
  sellers?: WebSeller[];
  /** Each SMS or e-mail code Kaspi «sends»; the page shows it too. */
  onCode?: (code: LoginCode) => void;
}

export interface LocalSandbox {
  /** The web chat page. */
  url: string;
  /** The Bot API root the bot talks to. */
  apiRoot: string;
  healthUrl: string;
  dataDir: string;
  demperCron: string;
  telegram: FakeTelegram;
  kaspi: KaspiSandbox;
  container: Container;
  sellers: WebSeller[];
  close(): Promise<void>;
}

/**
 * The whole system on one machine: the Kaspi sandbox with a demo world, the Telegram Bot API emulator with
 * its web chat, and the bot and the demper scheduler on the embedded database, wired as `kaspi-bot start`
 * wires them. Nothing leaves this machine and no secret is needed.
 */
export async function startLocalSandbox(options: LocalSandboxOptions): Promise<LocalSandbox> {
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'warn' });
  const timeScale = options.timeScale ?? SANDBOX_DEFAULTS.timeScale;
  const rivalMoveEveryMs = options.rivalMoveEveryMs ?? SANDBOX_DEFAULTS.rivalMoveEveryMs;
  const demperCron = options.demperCron ?? SANDBOX_DEFAULTS.demperCron;
  const stack: { name: string; close: () => Promise<void> | void }[] = [];
  const closeAll = async () => {
    for (const { name, close } of stack.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error, part: name }, 'sandbox: stopping a part failed');
      }
    }
  };

  try {
    await prepareSandboxDataDir(options.dataDir, options.keepData ?? false);
    const kaspi = await startKaspiSandbox({
      seed: options.seed ?? SANDBOX_DEFAULTS.seed,
      productsPerMerchant: options.productsPerMerchant ?? SANDBOX_DEFAULTS.productsPerMerchant,
      timeScale,
      // Kaspi takes a few seconds to apply a write; here about one.
      applyDelayMs: 1_000 * timeScale,
      rivalTickMs: rivalMoveEveryMs * timeScale,
      // A demo left open over a weekend should not log everyone out.
      limits: { sessionTtlMs: 30 * 24 * 60 * 60_000 * timeScale },
      logger: logger.child({ component: 'kaspi-sandbox' }),
    });
    stack.push({ name: 'kaspi-sandbox', close: () => kaspi.close() });

    const sellers = options.sellers ?? DEFAULT_SELLERS;
    const telegram = await startFakeTelegram({
      token: SANDBOX_BOT_TOKEN,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      logger: logger.child({ component: 'telegram-sandbox' }),
      botFirstName: 'Kaspi Sandbox',
      botUsername: 'kaspi_sandbox_bot',
      webChat: {
        sellers,
        phoneHints: phoneHints(kaspi),
        botDescription: 'Бот для продавцов Kaspi.kz: товары, цены, конкуренты, демпер и предзаказы. Нажмите «Начать».',
      },
    });
    stack.push({ name: 'telegram-sandbox', close: () => telegram.close() });
    const apiRoot = reachable(telegram.apiRoot);

    const codes = watchLoginCodes(kaspi, (code) => {
      telegram.webChat?.notify({
        title:
          code.kind === 'sms' ? `💬 SMS от Kaspi.kz · ${code.identity}` : `✉️ Письмо от Kaspi.kz · ${code.identity}`,
        text: `Код для входа в кабинет: ${code.code}`,
      });
      options.onCode?.(code);
    });
    stack.push({ name: 'login-codes', close: () => codes.stop() });

    const config = loadConfig({
      BOT_TOKEN: SANDBOX_BOT_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      BOT_MODE: 'polling',
      // The health endpoint on any free port: a real bot on 8080 may be running next to the sandbox.
      HTTP_PORT: '0',
      DATA_DIR: options.dataDir,
      KASPI_IDMC_URL: kaspi.idmcUrl,
      KASPI_MC_URL: kaspi.mcUrl,
      KASPI_SHOP_URL: kaspi.shopUrl,
      DEMPER_CRON: demperCron,
      LOG_LEVEL: options.logLevel ?? 'warn',
      ...(options.chromiumPath ? { CHROMIUM_PATH: options.chromiumPath } : {}),
    });
    const container = await openContainer(config, logger, { migrate: true });
    stack.push({ name: 'database', close: () => container.close() });

    // Read-backs sooner than against Kaspi, which applies writes in seconds to minutes; the sandbox takes one.
    const deps = createBotDeps(container, { verifyFirstAfterMs: 1_500, verifyTimeoutMs: 60_000 });
    const bot = createBot(SANDBOX_BOT_TOKEN, deps);
    const { engine, keepAlive } = createDemper(container, createChatNotifier(container), deps.followUps, {
      verifyAfterMs: 2_000,
      verifyTimeoutMs: 60_000,
    });
    // Read-backs of prices, on/off and preorders, from the database (a demo kept across restarts keeps them).
    await deps.followUps.start();
    stack.push({ name: 'follow-ups', close: () => deps.followUps.stop() });
    // /healthz and /metrics on the sandbox's own interface: the page is local by default, so are these.
    const running = await runBot(bot, deps, container, { httpHost: options.host ?? '127.0.0.1' });
    stack.push({ name: 'bot', close: () => running.stop() });
    const scheduler = startDemperScheduler({
      cronExpression: config.demperCron,
      orm: container.database.orm,
      engine,
      keepAlive,
      logger,
    });
    stack.push({ name: 'demper-scheduler', close: async () => void (await scheduler.stop()) });

    return {
      url: `${apiRoot}/`,
      apiRoot,
      healthUrl: `http://${healthHost(options.host)}:${running.http.port}/healthz`,
      dataDir: options.dataDir,
      demperCron,
      telegram,
      kaspi,
      container,
      sellers: sellers.map((seller) => ({ ...seller })),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** A wildcard listen address is not one to connect to: the bot and the printed URL use loopback instead. */
function reachable(apiRoot: string): string {
  return apiRoot.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

function phoneHints(kaspi: KaspiSandbox): PhoneHint[] {
  return kaspi.accounts.flatMap((account) => {
    if (account.kind !== 'sms') return [];
    const stores = account.merchantUids.map((uid) => MERCHANTS.find((merchant) => merchant.uid === uid)?.name ?? uid);
    const digits = account.phone.replace(/\D/g, '');
    const phone = `+${digits[0]} ${digits.slice(1, 4)} ${digits.slice(4, 7)} ${digits.slice(7, 9)} ${digits.slice(9)}`;
    return [{ phone, label: stores.length ? stores.join(', ') : 'без магазинов' }];
  });
}

/** Where this machine reaches the health server bound to `host`: loopback for «every interface», brackets for IPv6. */
function healthHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
