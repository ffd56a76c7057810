import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { Redis } from 'ioredis';

import { createTelegramApi } from '../bot/telegram-api.js';
import { createBotI18n } from '../bot/locale.js';
import type { Config } from '../config.js';
import { migrate, openDatabase, type Database } from '../db/orm.js';
import { createKaspi, type CreateKaspiOptions, type Kaspi } from '../kaspi/index.js';
import { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { Logger } from '../logger.js';
import { createRedis } from '../redis.js';
import { SecretBox } from '../security/secret-box.js';
import { resolveSecretKey } from '../security/secret-key.js';
import { SessionExpiryNotices } from '../sellers/session-expiry-notices.js';

/**
 * Everything a process (bot, worker, CLI demper, sandbox) shares, built once here and nowhere else: the
 * database, Redis when configured, the secret box, one Kaspi layer with its limits and proxy pool, one
 * session manager (so unsaved cookies have one home), one I18n, and one Telegram API object with the
 * process's transformer stack for messages sent outside an update.
 */
export interface Container {
  config: Config;
  logger: Logger;
  database: Database;
  redis: Redis | undefined;
  secretBox: SecretBox;
  kaspi: Kaspi;
  sessions: KaspiSessionManager;
  i18n: I18n;
  /** For digests, alerts and follow-ups; absent when the process has no BOT_TOKEN (the CLI demper). */
  telegram: Api | undefined;
  healthChecks: Record<string, (() => Promise<unknown>) | undefined>;
  /** One «session expired» throttle per process: the bot's answers and the demper's alerts hold each other back. */
  expiryNotices: SessionExpiryNotices;
  /** Closes in reverse order of opening: Kaspi's browsers, Redis, the database. */
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** Apply pending migrations first (`start`, `demper`, `sandbox`); workers only check. */
  migrate: boolean;
  /** Every Redis key of this process under a prefix (tests share one Redis). */
  redisKeyPrefix?: string;
  /** Kaspi HTTP timings and the change window (tests and benches shorten them). */
  kaspi?: Pick<CreateKaspiOptions, 'http' | 'changeWindowMs'>;
}

/** The part of a process that talks to Kaspi only (`kaspi-bot offers`): no database, no bot. */
export interface KaspiContainer {
  config: Config;
  logger: Logger;
  redis: Redis | undefined;
  kaspi: Kaspi;
  close(): Promise<void>;
}

export async function openKaspiContainer(
  config: Config,
  logger: Logger,
  options: Pick<ContainerOptions, 'kaspi' | 'redisKeyPrefix'> = {},
): Promise<KaspiContainer> {
  const redis = await connectRedis(config, logger, options.redisKeyPrefix);
  const kaspi = createKaspi({ config, logger, redis, ...options.kaspi });
  return {
    config,
    logger,
    redis,
    kaspi,
    async close() {
      await kaspi.close().catch((error: unknown) => logger.warn({ err: error }, 'could not close the Kaspi layer'));
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

async function connectRedis(config: Config, logger: Logger, keyPrefix?: string): Promise<Redis | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = createRedis(config.redisUrl, logger);
  if (keyPrefix) redis.options.keyPrefix = keyPrefix;
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

export async function openContainer(config: Config, logger: Logger, options: ContainerOptions): Promise<Container> {
  const secretBox = new SecretBox(await resolveSecretKey(config, logger));
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  let redis: Redis | undefined;
  try {
    if (options.migrate) {
      const applied = await migrate(database);
      logger.info(
        { applied, database: database.kind },
        applied.length ? 'migrations applied' : 'database schema is up to date',
      );
    }
    redis = await connectRedis(config, logger, options.redisKeyPrefix);
  } catch (error) {
    redis?.disconnect();
    await database.close();
    throw error;
  }
  const kaspi = createKaspi({ config, logger, redis, ...options.kaspi });
  const sessions = new KaspiSessionManager(database.orm, secretBox, kaspi.cabinet, logger);
  return {
    config,
    logger,
    database,
    redis,
    secretBox,
    kaspi,
    sessions,
    i18n: createBotI18n(),
    telegram: config.botToken ? createTelegramApi(config.botToken, config.telegramApiRoot) : undefined,
    healthChecks: {
      database: () => database.ping(),
      redis: redis ? () => redis.ping() : undefined,
    },
    expiryNotices: new SessionExpiryNotices(database.orm, redis),
    async close() {
      await kaspi.close().catch((error: unknown) => logger.warn({ err: error }, 'could not close the Kaspi layer'));
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await database.close();
    },
  };
}
