import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdir } from 'node:fs/promises';

/**
 * PGlite (PostgreSQL in WASM) behind a loopback socket, so the production `@mikro-orm/postgresql` driver and
 * the very same migrations run on it. One process per data directory.
 */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  maxConnections: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir?: string;
  maxConnections: number;
}): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const connection = server.getServerConn();
  const separator = connection.lastIndexOf(':');
  return {
    host: connection.slice(0, separator),
    port: Number(connection.slice(separator + 1)),
    maxConnections: options.maxConnections,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
