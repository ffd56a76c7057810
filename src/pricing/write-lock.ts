import { randomUUID } from 'node:crypto';

import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * The advisory-lock namespace of price writes (`pg_advisory_lock(int4, int4)`: this, then the product id), so
 * these locks never collide with another user of advisory locks on the same database.
 */
const PRICE_WRITE_NAMESPACE = 0x70726963;
const POLL_MS = 50;
/**
 * How long a lease of the embedded database lives. A writer holds it for one product or one batch of 50 (seconds);
 * a lease outliving a dead process only makes the demper skip that product until it expires.
 */
const LEASE_MS = 5 * 60_000;

/** A write lock not free within the wait: another writer (the demper, an import, a rollback) is on the product. */
export class ProductWriteBusyError extends Error {
  constructor(readonly productIds: number[]) {
    super(`another price write is in progress on product ${productIds.join(', ')}; try again in a moment`);
    this.name = 'ProductWriteBusyError';
  }
}

/** The products whose locks a caller holds until it calls `release`. */
export interface HeldLocks {
  held: Set<number>;
  release(): Promise<void>;
}

interface PgConnection {
  query(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  __knex__disposed?: unknown;
}

interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/**
 * One writer at a time per product: whoever reads an offer, decides a price, records it and sends it (a manual
 * edit, the demper, an import or a rollback) holds the product's lock from the read to the send, so two writers
 * never interleave and echo each other's cities as they were.
 *
 * PostgreSQL: session-scoped advisory locks on one connection pinned from the ORM's pool for the section.
 * Transaction-scoped locks would need the section to run inside a transaction, and that is wrong twice over
 * here: the section's `planned` rows must be committed before Kaspi hears of the change (a crash after the send
 * must not roll back its record), and MikroORM forks made inside `em.transactional` run their queries on other
 * pool connections anyway (a fork does not keep the transaction context), so the lock's transaction would only
 * sit idle beside the real work. On the embedded PGlite, where every pool connection shares one session, an open
 * transaction even stops every other connection until it ends. A session lock on a pinned connection is held
 * exactly as long as the section, outside any transaction, and PostgreSQL drops it with the connection when the
 * process dies, so a killed writer never leaves a product locked.
 *
 * PGlite (the embedded database) has one session for all connections, so advisory locks there exclude nothing:
 * the lock is a lease row in `kv_entry` instead, taken and released in single statements.
 */
export class ProductWriteLock {
  private embedded: Promise<boolean> | undefined;
  /**
   * Each section pins a pool connection and runs its own queries on the others: at most half the pool is pinned
   * by one lock, so sections waiting for a connection can never starve the queries of those that hold one.
   */
  private readonly maxPinned: number;
  private pinned = 0;
  private readonly waitingForPin: (() => void)[] = [];

  constructor(private readonly orm: MikroORM) {
    this.maxPinned = Math.max(1, Math.floor((orm.config.get('pool')?.max ?? 10) / 2));
  }

  /**
   * Takes the locks of `productIds` that become free within `waitMs` (0: only those free now; the demper skips
   * the rest this tick). Returns what it holds; the caller releases it in a `finally`.
   */
  async acquire(productIds: number[], waitMs: number): Promise<HeldLocks> {
    const ids = [...new Set(productIds)].sort((a, b) => a - b);
    if (ids.length === 0) return { held: new Set(), release: async () => undefined };
    return (await this.isEmbedded()) ? this.acquireLeases(ids, waitMs) : this.acquireAdvisory(ids, waitMs);
  }

  /** Runs `work` holding every one of `productIds`; throws ProductWriteBusyError when one stays taken past `waitMs`. */
  async withProducts<T>(productIds: number[], waitMs: number, work: () => Promise<T>): Promise<T> {
    const locks = await this.acquire(productIds, waitMs);
    try {
      const busy = productIds.filter((id) => !locks.held.has(id));
      if (busy.length) throw new ProductWriteBusyError(busy);
      return await work();
    } finally {
      await locks.release();
    }
  }

  private isEmbedded(): Promise<boolean> {
    this.embedded ??= this.orm.em
      .getConnection()
      .execute<{ embedded: boolean }[]>(`select position('PGlite' in version()) > 0 as embedded`)
      .then((rows) => rows[0]?.embedded === true)
      .catch((error: unknown) => {
        this.embedded = undefined; // a failed look is asked again next time, not remembered
        throw error;
      });
    return this.embedded;
  }

  private async acquireAdvisory(ids: number[], waitMs: number): Promise<HeldLocks> {
    const client = this.orm.em.getConnection().getKnex().client as KnexClient;
    await this.pin();
    let connection: PgConnection;
    try {
      connection = await client.acquireConnection();
    } catch (error) {
      this.unpin();
      throw error;
    }
    const held = new Set<number>();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      try {
        if (held.size)
          await connection.query('select pg_advisory_unlock($1, id) from unnest($2::int[]) as id', [
            PRICE_WRITE_NAMESPACE,
            [...held],
          ]);
      } catch (error) {
        // A connection that may still hold the locks must never serve anyone else: the pool drops it, and
        // PostgreSQL releases its locks with it.
        connection.__knex__disposed = error instanceof Error ? error.message : 'advisory unlock failed';
      }
      held.clear();
      await client.releaseConnection(connection);
      this.unpin();
    };
    try {
      await poll(ids, waitMs, held, async (pending) => {
        const { rows } = await connection.query(
          'select id from unnest($2::int[]) as id where pg_try_advisory_lock($1, id)',
          [PRICE_WRITE_NAMESPACE, pending],
        );
        return rows.map((row) => Number(row.id));
      });
    } catch (error) {
      await release();
      throw error;
    }
    // Nothing won: the connection goes back now rather than whenever the caller gets to its `finally`.
    if (held.size === 0) await release();
    return { held, release };
  }

  private async pin(): Promise<void> {
    if (this.pinned < this.maxPinned) {
      this.pinned++;
      return;
    }
    // The releasing section hands its slot over (`unpin`), so the count stays as it is.
    await new Promise<void>((resolve) => this.waitingForPin.push(resolve));
  }

  private unpin(): void {
    const next = this.waitingForPin.shift();
    if (next) next();
    else this.pinned--;
  }

  private async acquireLeases(ids: number[], waitMs: number): Promise<HeldLocks> {
    const connection = this.orm.em.getConnection();
    const owner = randomUUID();
    const held = new Set<number>();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      if (held.size)
        await connection.execute(
          `delete from kv_entry where key in (select jsonb_array_elements_text(?::jsonb)) and value->>'owner' = ?`,
          [JSON.stringify([...held].map(leaseKey)), owner],
        );
      held.clear();
    };
    try {
      await poll(ids, waitMs, held, async (pending) => {
        const rows = await connection.execute<{ key: string }[]>(
          `insert into kv_entry (key, value, expires_at, updated_at)
           select key, jsonb_build_object('owner', ?::text), now() + ?::int * interval '1 millisecond', now()
           from jsonb_array_elements_text(?::jsonb) as key
           on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at, updated_at = now()
           where kv_entry.expires_at < now()
           returning key`,
          [owner, LEASE_MS, JSON.stringify(pending.map(leaseKey))],
        );
        return rows.map((row) => Number(row.key.slice(LEASE_PREFIX.length)));
      });
    } catch (error) {
      await release();
      throw error;
    }
    return { held, release };
  }
}

const LEASE_PREFIX = 'price-write-lock:';
const leaseKey = (productId: number) => `${LEASE_PREFIX}${productId}`;

/** Tries the pending ids until all are held or `waitMs` has passed (at least once). */
async function poll(
  ids: number[],
  waitMs: number,
  held: Set<number>,
  tryTake: (pending: number[]) => Promise<number[]>,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const pending = ids.filter((id) => !held.has(id));
    for (const id of await tryTake(pending)) held.add(id);
    if (held.size === ids.length || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
