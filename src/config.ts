import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';

/**
 * The one place that reads the environment (SPEC §3). Everything else receives a parsed `Config`.
 * A bad variable stops start-up with a `ConfigError` whose message is a single line naming it.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .transform((value) => (value === '' ? undefined : value))
  .optional();

function httpUrl(defaultUrl: string) {
  return z
    .string()
    .default(defaultUrl)
    .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), 'must be an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''));
}

function positiveNumber(defaultValue: number) {
  return z.coerce
    .number({ message: 'must be a number' })
    .refine((value) => Number.isFinite(value) && value > 0, 'must be a positive number')
    .default(defaultValue);
}

const secretKeySchema = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const key = decodeSecretKey(value);
  if (!key) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, written as 64 hex characters or base64' });
    return z.NEVER;
  }
  return key;
});

const proxyListSchema = optionalString.transform((value, ctx) => {
  if (value === undefined) return [] as string[];
  const proxies = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const proxy of proxies) {
    if (!/^https?:\/\//.test(proxy) || !URL.canParse(proxy)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${redactUrlCredentials(proxy)}" is not a proxy URL (http://host:port)`,
      });
      return z.NEVER;
    }
  }
  return proxies;
});

const envSchema = z.object({
  BOT_TOKEN: optionalString.refine(
    (value) => value === undefined || /^\d+:[\w-]{20,}$/.test(value),
    'does not look like a Telegram bot token (123456:ABC…)',
  ),
  TELEGRAM_API_ROOT: httpUrl('https://api.telegram.org'),
  BOT_MODE: z.enum(['polling', 'webhook'], { message: 'must be "polling" or "webhook"' }).default('polling'),
  WEBHOOK_URL: optionalString.refine(
    (value) => value === undefined || /^https?:\/\//.test(value),
    'must be an http(s) URL',
  ),
  WEBHOOK_SECRET: optionalString.refine(
    (value) => value === undefined || /^[A-Za-z0-9_-]{12,256}$/.test(value),
    'must be 12–256 characters of A-Z, a-z, 0-9, _ and -',
  ),
  HTTP_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0–65535')
    .max(65535, 'must be 0–65535')
    .default(8080),
  DATABASE_URL: optionalString.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\//.test(value),
    'must be a postgresql:// URL',
  ),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  REDIS_URL: optionalString.refine(
    (value) => value === undefined || /^rediss?:\/\//.test(value),
    'must be a redis:// URL',
  ),
  SECRET_KEY: secretKeySchema,
  KASPI_IDMC_URL: httpUrl('https://idmc.shop.kaspi.kz'),
  KASPI_MC_URL: httpUrl('https://mc.shop.kaspi.kz'),
  KASPI_SHOP_URL: httpUrl('https://kaspi.kz'),
  KASPI_PROXIES: proxyListSchema,
  KASPI_OFFERS_RPS: positiveNumber(8),
  KASPI_PRICEFEED_RPS: positiveNumber(1.5),
  KASPI_CHANGES_PER_30MIN: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    // Kaspi blocks every change of the store for 30 minutes above 250; never let an operator configure past it.
    .max(250, 'must be at most 250 (Kaspi blocks the store above 250 changes per 30 minutes)')
    .default(240),
  DEMPER_CRON: z
    .string()
    .trim()
    .default('* * * * *')
    .refine((value) => isValidCron(value), 'is not a valid cron expression'),
  CHROMIUM_PATH: optionalString,
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  botToken: string | undefined;
  telegramApiRoot: string;
  botMode: 'polling' | 'webhook';
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  httpPort: number;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** 32 raw bytes; undefined in embedded mode until `resolveSecretKey` generates or loads one. */
  secretKey: Buffer | undefined;
  kaspi: {
    idmcUrl: string;
    mcUrl: string;
    shopUrl: string;
    proxies: string[];
    offersRps: number;
    pricefeedRps: number;
    changesPer30Min: number;
  };
  demperCron: string;
  chromiumPath: string | undefined;
  logLevel: LogLevel;
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.BOT_MODE === 'webhook') {
    if (!e.WEBHOOK_URL) throw new ConfigError('WEBHOOK_URL', 'is required when BOT_MODE=webhook');
    if (!e.WEBHOOK_SECRET) throw new ConfigError('WEBHOOK_SECRET', 'is required when BOT_MODE=webhook');
  }
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    botMode: e.BOT_MODE,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    httpPort: e.HTTP_PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    secretKey: e.SECRET_KEY,
    kaspi: {
      idmcUrl: e.KASPI_IDMC_URL,
      mcUrl: e.KASPI_MC_URL,
      shopUrl: e.KASPI_SHOP_URL,
      proxies: e.KASPI_PROXIES,
      offersRps: e.KASPI_OFFERS_RPS,
      pricefeedRps: e.KASPI_PRICEFEED_RPS,
      changesPer30Min: e.KASPI_CHANGES_PER_30MIN,
    },
    demperCron: e.DEMPER_CRON,
    chromiumPath: e.CHROMIUM_PATH,
    logLevel: e.LOG_LEVEL,
  };
}

/** Accepts 64 hex characters or base64 (standard or url-safe) of exactly 32 bytes. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

export function redactUrlCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
