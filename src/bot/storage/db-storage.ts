import type { MikroORM } from '@mikro-orm/postgresql';
import type { StorageAdapter } from 'grammy';

import { KvEntrySchema } from '../../db/entities/index.js';

/**
 * grammY storage in the database (the `kv_entry` table) for sessions and conversation state when no Redis is
 * configured: state survives a restart in the embedded mode too.
 */
export class DatabaseStorage<T> implements StorageAdapter<T> {
  constructor(
    private readonly orm: MikroORM,
    private readonly prefix: string,
  ) {}

  async read(key: string): Promise<T | undefined> {
    const row = await this.orm.em.fork().findOne(KvEntrySchema, { key: this.prefix + key });
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
    return row.value as T;
  }

  async write(key: string, value: T): Promise<void> {
    // One statement: two updates of the same chat never interleave into a half-written row.
    await this.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into kv_entry (key, value, updated_at) values (?, ?::jsonb, now())
         on conflict (key) do update set value = excluded.value, updated_at = now(), expires_at = null`,
        [this.prefix + key, JSON.stringify(value)],
      );
  }

  async delete(key: string): Promise<void> {
    await this.orm.em.fork().nativeDelete(KvEntrySchema, { key: this.prefix + key });
  }
}
