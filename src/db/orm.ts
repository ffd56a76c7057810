import { MikroORM } from '@mikro-orm/postgresql';
import { join } from 'node:path';

import { createOrmConfig, type ConnectionOptions } from '../../mikro-orm.config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  orm: MikroORM;
  /** `embedded` = PGlite in DATA_DIR (or in memory for tests); `postgres` = DATABASE_URL. */
  kind: 'embedded' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files when there is no DATABASE_URL; `null` keeps it in memory (tests). */
  dataDir: string | null;
  logger: Logger;
  poolMax?: number;
}

const EMBEDDED_POOL = 4;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connection: ConnectionOptions;
  if (options.databaseUrl) {
    connection = { clientUrl: options.databaseUrl, poolMax: options.poolMax ?? 10 };
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: options.dataDir === null ? undefined : join(options.dataDir, 'pg'),
      maxConnections: EMBEDDED_POOL,
    });
    connection = {
      host: embedded.host,
      port: embedded.port,
      user: 'postgres',
      password: 'postgres',
      dbName: 'postgres',
      poolMax: EMBEDDED_POOL,
    };
  }

  const ormLogger = options.logger.child({ component: 'orm' });
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(
      createOrmConfig(connection, {
        logger: (message) => ormLogger.debug(message),
        // knex prints its own warnings (a dropped connection, a pool error) with console.log: into our log
        // instead, where lines are JSON and secrets are redacted.
        driverOptions: {
          log: {
            debug: (message: unknown) => ormLogger.debug(driverLine(message), 'database driver'),
            warn: (message: unknown) => ormLogger.warn(driverLine(message), 'database driver warning'),
            error: (message: unknown) => ormLogger.error(driverLine(message), 'database driver error'),
            deprecate: (message: unknown) => ormLogger.debug(driverLine(message), 'database driver deprecation'),
          },
        },
      }),
    );
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  return {
    orm,
    kind: embedded ? 'embedded' : 'postgres',
    async ping() {
      await orm.em.getConnection().execute('select 1');
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** Applies pending migrations; returns the names of those applied now. */
export async function migrate(database: Database): Promise<string[]> {
  const applied = await database.orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

function driverLine(message: unknown): Record<string, unknown> {
  return message instanceof Error
    ? { err: message }
    : { detail: typeof message === 'string' ? message : String(message) };
}
