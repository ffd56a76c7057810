import { randomUUID } from 'node:crypto';

import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';

import {
  PriceChangeSchema,
  type PriceChange,
  type PriceChangeSource,
  type PriceReasonDetails,
} from '../db/entities/index.js';
import type { ProductWriteLock } from './write-lock.js';

/** A writer takes seconds; a change still `planned` after this long, its product's lock free, lost its writer. */
const INTERRUPTED_AFTER_MS = 5 * 60_000;
/** The note of a change recovered from an interrupted writer: the read-back tells the seller it went through. */
export const INTERRUPTED_NOTE = 'outcome unknown after an interrupted run; settled by read-back';

/** Why the demper's changes that the seller's panic stop caught were never sent. */
export const STOPPED_BY_SELLER = 'stopped by the seller';

type Status = PriceChange['status'];
export type Settlement = 'applied' | 'failed';

/** One city's change as a writer decided it, before anything is sent. */
export interface PlannedPrice {
  storeId: number;
  productId: number;
  cityId: string;
  oldPrice: number;
  newPrice: number;
  source: PriceChangeSource;
  reasonCode: string;
  reasonText: string;
  reasonDetails?: PriceReasonDetails | null;
  cheapestRivalPrice?: number | null;
  /** Same key ⇒ same change (the demper names the history it decided from); a fresh key when absent. */
  idempotencyKey?: string;
  createdAt?: Date;
}

/**
 * The price changes' outbox, and the only code that writes `price_change`: it records changes as `planned` and
 * moves them along planned → sent → applied | failed. Every move is one conditional statement
 * (`update … where id = ? and status = <expected>`) that says whether this caller made it, so when two owners
 * race for a change (a manual read-back and the demper's, two workers), exactly one settles it, and only that
 * one counts it and tells the seller. Each statement commits on its own: what is recorded is on record before
 * Kaspi hears of it, whatever happens to the caller next.
 */
export class PriceOutbox {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Records one product's cities as `planned`, in one statement: all of them or, when another writer already
   * recorded a change under one of these keys, none (returns undefined; that writer sends).
   */
  async recordPlanned(changes: PlannedPrice[]): Promise<PriceChange[] | undefined> {
    if (changes.length === 0) return [];
    const em = this.orm.em.fork();
    const now = new Date();
    const rows = changes.map((change) => ({
      store: change.storeId,
      product: change.productId,
      cityId: change.cityId,
      oldPrice: change.oldPrice,
      newPrice: change.newPrice,
      reasonCode: change.reasonCode,
      reasonText: change.reasonText,
      reasonDetails: change.reasonDetails ?? null,
      source: change.source,
      status: 'planned' as const,
      idempotencyKey: change.idempotencyKey ?? `${change.source}:${change.productId}:${change.cityId}:${randomUUID()}`,
      cheapestRivalPrice: change.cheapestRivalPrice ?? null,
      createdAt: change.createdAt ?? now,
    }));
    try {
      await em.insertMany(PriceChangeSchema, rows as never);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return undefined;
      throw error;
    }
    const recorded = await em.find(PriceChangeSchema, {
      idempotencyKey: { $in: rows.map((row) => row.idempotencyKey) },
    });
    return rows.map((row) => recorded.find((change) => change.idempotencyKey === row.idempotencyKey)!);
  }

  /** planned → sent: Kaspi took the write, or may have (`note` says so); the read-back settles it. Returns the ids moved. */
  markSent(ids: number[], note?: string): Promise<number[]> {
    return this.move(ids, ['planned'], { status: 'sent', sentAt: new Date(), ...(note ? { error: note } : {}) });
  }

  /** planned → failed: never sent (refused, budget spent, stopped, an error before the write). Returns the ids moved. */
  failUnsent(ids: number[], reason: string): Promise<number[]> {
    return this.move(ids, ['planned'], { status: 'failed', settledAt: new Date(), error: reason });
  }

  /**
   * Settles a change that Kaspi was asked to make: sent → applied | failed, and also planned → … for a change
   * whose writer died before marking it sent (`from` includes `planned`). True only for the caller that settled it.
   */
  async settle(
    id: number,
    outcome: Settlement,
    error?: string,
    from: ('planned' | 'sent')[] = ['sent'],
  ): Promise<boolean> {
    const moved = await this.move([id], from, { status: outcome, settledAt: new Date(), ...(error ? { error } : {}) });
    return moved.length === 1;
  }

  /**
   * A fresh read of the offer settles the product's changes still waiting for their read-back, before a new
   * change hides them: shown → applied; anything else → failed as superseded (not a false «Kaspi did not apply»
   * later). `shownFor` gives the price Kaspi shows now in the change's city. Returns the changes this call settled.
   */
  async supersedeEarlier(
    productId: number,
    shownFor: (change: PriceChange) => number | undefined,
  ): Promise<{ applied: PriceChange[]; failed: PriceChange[] }> {
    const waiting = await this.orm.em.fork().find(PriceChangeSchema, { product: productId, status: 'sent' });
    const settled = { applied: [] as PriceChange[], failed: [] as PriceChange[] };
    for (const change of waiting) {
      const shown = shownFor(change);
      if (change.newPrice === shown) {
        if (await this.settle(change.id, 'applied')) settled.applied.push(change);
      } else if (
        await this.settle(change.id, 'failed', `superseded by a later change while Kaspi showed ${shown ?? 'no price'}`)
      )
        settled.failed.push(change);
    }
    return settled;
  }

  /**
   * A writer killed between recording a change and marking it sent leaves it `planned`: it may or may not have
   * reached Kaspi. It is never re-sent blindly; once its product's lock is free (nobody is sending it) and it is
   * old enough, it becomes `sent` with INTERRUPTED_NOTE, `sentAt` its creation, and the read-back settles it.
   */
  async recoverInterrupted(lock: ProductWriteLock, storeId?: number): Promise<number> {
    const stale = await this.orm.em.fork().find(
      PriceChangeSchema,
      {
        status: 'planned',
        createdAt: { $lt: new Date(Date.now() - INTERRUPTED_AFTER_MS) },
        ...(storeId ? { store: storeId } : {}),
      },
      { fields: ['id', 'product'] },
    );
    if (stale.length === 0) return 0;
    const locks = await lock.acquire(
      stale.map((change) => change.product.id),
      0,
    );
    try {
      const orphans = stale.filter((change) => locks.held.has(change.product.id)).map((change) => change.id);
      return (
        await this.move(orphans, ['planned'], { status: 'sent', sentAt: raw('created_at'), error: INTERRUPTED_NOTE })
      ).length;
    } finally {
      await locks.release();
    }
  }

  /**
   * The panic stop: the demper's changes of a store not sent yet never will be. A product whose lock a sending
   * demper holds is left to it: it reads the switch again right before writing and fails them itself.
   */
  async cancelPlanned(lock: ProductWriteLock, storeId: number, reason: string): Promise<number> {
    const planned = await this.orm.em
      .fork()
      .find(PriceChangeSchema, { store: storeId, source: 'demper', status: 'planned' }, { fields: ['id', 'product'] });
    if (planned.length === 0) return 0;
    const locks = await lock.acquire(
      planned.map((change) => change.product.id),
      0,
    );
    try {
      const idle = planned.filter((change) => locks.held.has(change.product.id)).map((change) => change.id);
      return (await this.failUnsent(idle, reason)).length;
    } finally {
      await locks.release();
    }
  }

  /** The products among `productIds` with a change not settled yet (planned or sent). */
  async unsettledProducts(productIds: number[]): Promise<Set<number>> {
    if (productIds.length === 0) return new Set();
    const open = await this.orm.em
      .fork()
      .find(
        PriceChangeSchema,
        { product: { $in: productIds }, status: { $in: ['planned', 'sent'] } },
        { fields: ['product'] },
      );
    return new Set(open.map((change) => change.product.id));
  }

  /** The id of the latest change of each product in each city (`<product>:<city>`), whatever its status. */
  async lastChangeIds(productIds: number[]): Promise<Map<string, number>> {
    if (productIds.length === 0) return new Map();
    const rows = (await this.orm.em
      .fork()
      .getKnex()('price_change')
      .select('product_id', 'city_id')
      .max('id as last')
      .whereIn('product_id', productIds)
      .groupBy('product_id', 'city_id')) as { product_id: number; city_id: string | null; last: number }[];
    return new Map(rows.map((row) => [`${Number(row.product_id)}:${row.city_id ?? ''}`, Number(row.last)]));
  }

  /** The one conditional transition: the rows among `ids` still in one of `from` take `set`; returns their ids. */
  private async move(ids: number[], from: Status[], set: Record<string, unknown>): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = (await this.orm.em
      .fork()
      .createQueryBuilder(PriceChangeSchema)
      .update(set)
      .where({ id: { $in: ids }, status: { $in: from } })
      .returning('id')
      .execute('all')) as unknown as { id: number }[];
    return rows.map((row) => Number(row.id));
  }
}
