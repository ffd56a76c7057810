import type { MikroORM } from '@mikro-orm/postgresql';
import type { StorageAdapter } from 'grammy';

/**
 * grammY storage in the database (the `kv_entry` table) for sessions and conversation state when no Redis is
 * configured: state survives a restart in the embedded mode too.
 */
export class DatabaseStorage<T> implements StorageAdapter<T> {
  /**
   * What each key held when last read: grammY writes a session back whenever it was read, and most updates
   * change nothing. Skipping those writes saves a round trip per update and never loses an update — writing
   * back an unchanged value could only overwrite someone else's newer one.
   */
  private readonly lastRead = new Map<string, string>();

  constructor(
    private readonly orm: MikroORM,
    private readonly prefix: string,
  ) {}

  async read(key: string): Promise<T | undefined> {
    // Plain SQL: every update reads its session and its conversations, and an entity read costs ~9× the CPU
    // (jsonb conversion, hydration, identity map) for a row nothing here tracks or changes.
    const rows: { value: unknown; expires_at: Date | null }[] = await this.orm.em
      .getConnection()
      .execute('select value, expires_at from kv_entry where key = ?', [this.prefix + key]);
    const row = rows[0] && { value: rows[0].value, expiresAt: rows[0].expires_at };
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) {
      this.lastRead.delete(key);
      return undefined;
    }
    if (this.lastRead.size > 10_000) this.lastRead.clear(); // a memo, not a cache: losing it only costs a write
    this.lastRead.set(key, JSON.stringify(row.value));
    return row.value as T;
  }

  async write(key: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    const unchanged = this.lastRead.get(key) === json;
    this.lastRead.delete(key);
    if (unchanged) return;
    // One statement: two updates of the same chat never interleave into a half-written row.
    await this.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into kv_entry (key, value, updated_at) values (?, ?::jsonb, now())
         on conflict (key) do update set value = excluded.value, updated_at = now(), expires_at = null`,
        [this.prefix + key, json],
      );
  }

  async delete(key: string): Promise<void> {
    this.lastRead.delete(key);
    await this.orm.em.getConnection().execute('delete from kv_entry where key = ?', [this.prefix + key]);
  }
}
