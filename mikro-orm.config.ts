import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';

import { migrationsList } from './migrations/index.js';
import { ALL_ENTITIES } from './src/db/entities/index.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export interface ConnectionOptions {
  clientUrl?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  dbName?: string;
  /** Pool size; with the embedded database it must not exceed the socket server's connections. */
  poolMax: number;
}

/**
 * The one ORM configuration, shared by `start`, `migrate`, the worker and the tests. Migrations are listed
 * explicitly (`migrations/index.ts`) rather than discovered from disk, so the same code runs under tsx and
 * in the Docker image without a separate JS build of the migrations.
 */
export function createOrmConfig(connection: ConnectionOptions, overrides: Partial<Options> = {}): Options {
  const { poolMax, ...target } = connection;
  return defineConfig({
    ...target,
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    // Whole-tenge integers and counts come back as numbers; `timestamptz` as Date.
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      migrationsList,
    },
    ...overrides,
  });
}

export default createOrmConfig({ clientUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', poolMax: 4 });
