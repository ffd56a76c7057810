import type { Redis } from 'ioredis';

import type { Config } from './config.js';
import { migrate, openDatabase, type Database } from './db/orm.js';
import type { Logger } from './logger.js';
import { createRedis } from './redis.js';
import { SecretBox } from './security/secret-box.js';
import { resolveSecretKey } from './security/secret-key.js';

/** What every process (bot, worker, CLI demper) stands on: the database, Redis when configured, the secret box. */
export interface Infrastructure {
  config: Config;
  logger: Logger;
  database: Database;
  redis: Redis | undefined;
  secretBox: SecretBox;
  healthChecks: Record<string, (() => Promise<unknown>) | undefined>;
  close(): Promise<void>;
}

export async function openInfrastructure(
  config: Config,
  logger: Logger,
  options: { migrate: boolean },
): Promise<Infrastructure> {
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
    if (config.redisUrl) {
      redis = createRedis(config.redisUrl, logger);
      await redis.connect();
    }
  } catch (error) {
    redis?.disconnect();
    await database.close();
    throw error;
  }
  return {
    config,
    logger,
    database,
    redis,
    secretBox,
    healthChecks: {
      database: () => database.ping(),
      redis: redis ? () => redis.ping() : undefined,
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await database.close();
    },
  };
}
