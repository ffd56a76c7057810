import type { MikroORM } from '@mikro-orm/postgresql';

import type { FollowUpKind, OutboxMessage } from '../db/entities/index.js';

/** A follow-up a process has claimed: it may work on it while `token` is the row's and the lease lasts. */
export interface ClaimedFollowUp {
  id: number;
  kind: FollowUpKind;
  payload: unknown;
  attempts: number;
  deadline: Date;
  firstWaitMs: number;
  timeoutMs: number;
  generation: number;
  outbox: OutboxMessage[];
  closing: boolean;
  token: string;
}

/** Where a runner finds a follow-up again: its id, and the state its next wake-up is for. */
export interface FollowUpWake {
  id: number;
  attempts: number;
  generation: number;
  /** From now, by the database's clock (every process compares due times with that one clock). */
  delayMs: number;
}

interface ClaimedRow {
  id: number;
  kind: FollowUpKind;
  payload: unknown;
  attempts: number;
  /** A raw query's timestamptz: a string or a Date, as the driver's type parser hands it over. */
  deadline: Date | string;
  first_wait_ms: number;
  timeout_ms: number;
  generation: number;
  outbox: OutboxMessage[];
  closing: boolean;
  lock_token: string;
}

const CLAIMED_COLUMNS =
  'id, kind, payload, attempts, deadline, first_wait_ms, timeout_ms, generation, outbox, closing, lock_token';
const WAKE_COLUMNS = `id, attempts, generation, greatest(0, ceil(extract(epoch from (due_at - now())) * 1000))::int as delay_ms`;
/** Free to take: nobody holds it, or the holder's lease ran out (the process died or hung). */
const UNLOCKED = '(locked_until is null or locked_until < now())';
const MS = "* interval '1 millisecond'";

function claimed(row: ClaimedRow): ClaimedFollowUp {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    attempts: row.attempts,
    deadline: new Date(row.deadline),
    firstWaitMs: row.first_wait_ms,
    timeoutMs: row.timeout_ms,
    generation: row.generation,
    outbox: row.outbox,
    closing: row.closing,
    token: row.lock_token,
  };
}

function wake(row: { id: number; attempts: number; generation: number; delay_ms: number }): FollowUpWake {
  return { id: row.id, attempts: row.attempts, generation: row.generation, delayMs: row.delay_ms };
}

/**
 * The `follow_up` table, in single statements: every change of a claimed row is conditional on the claimer's
 * token, so a process whose lease was taken over changes nothing (and tells nothing) any more.
 */
export class FollowUpStore {
  constructor(private readonly orm: MikroORM) {}

  private async execute<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(sql, params);
  }

  /**
   * A new follow-up, or — when one with the same `openKey` is open — that one, told to look once more
   * (`generation`), no later than this one's first read-back and for at least as long.
   */
  async insert(
    kind: FollowUpKind,
    payload: unknown,
    openKey: string | null,
    firstWaitMs: number,
    timeoutMs: number,
  ): Promise<FollowUpWake> {
    const [row] = await this.execute<{ id: number; attempts: number; generation: number; delay_ms: number }>(
      `insert into follow_up (kind, payload, open_key, due_at, deadline, first_wait_ms, timeout_ms, created_at, updated_at)
       values (?, ?::jsonb, ?, now() + ? ${MS}, now() + ? ${MS}, ?, ?, now(), now())
       on conflict (open_key) do update set
         generation = follow_up.generation + 1,
         due_at = least(follow_up.due_at, excluded.due_at),
         deadline = greatest(follow_up.deadline, excluded.deadline),
         payload = excluded.payload,
         updated_at = now()
       returning ${WAKE_COLUMNS}`,
      [kind, JSON.stringify(payload), openKey, firstWaitMs, timeoutMs, firstWaitMs, timeoutMs],
    );
    return wake(row!);
  }

  /** Names the message an open follow-up edits (its payload's `messageId`). */
  async setMessage(id: number, messageId: number): Promise<void> {
    await this.execute(
      `update follow_up set payload = payload || jsonb_build_object('messageId', ?::int), updated_at = now()
        where id = ? and status = 'pending'`,
      [messageId, id],
    );
  }

  /** Claims up to `limit` due follow-ups; rows another process is claiming right now are skipped, not waited for. */
  async claimDue(limit: number, leaseMs: number, token: string): Promise<ClaimedFollowUp[]> {
    const rows = await this.execute<ClaimedRow>(
      `update follow_up set locked_until = now() + ? ${MS}, lock_token = ?, attempts = attempts + 1, updated_at = now()
        where id in (select id from follow_up
                      where status = 'pending' and due_at <= now() and ${UNLOCKED}
                      order by due_at limit ? for update skip locked)
        returning ${CLAIMED_COLUMNS}`,
      [leaseMs, token, limit],
    );
    return rows.map(claimed);
  }

  /**
   * Claims one follow-up by id if it is due (`earlyMs`: a wake-up may come a little before the database's clock
   * says so) and free; undefined when it is done, not due, or another process holds it.
   */
  async claim(id: number, leaseMs: number, token: string, earlyMs: number): Promise<ClaimedFollowUp | undefined> {
    const [row] = await this.execute<ClaimedRow>(
      `update follow_up set locked_until = now() + ? ${MS}, lock_token = ?, attempts = attempts + 1, updated_at = now()
        where id = ? and status = 'pending' and due_at <= now() + ? ${MS} and ${UNLOCKED}
        returning ${CLAIMED_COLUMNS}`,
      [leaseMs, token, id, earlyMs],
    );
    return row && claimed(row);
  }

  async renew(id: number, token: string, leaseMs: number): Promise<boolean> {
    const rows = await this.execute<{ id: number }>(
      `update follow_up set locked_until = now() + ? ${MS} where id = ? and lock_token = ? and status = 'pending' returning id`,
      [leaseMs, id, token],
    );
    return rows.length === 1;
  }

  /**
   * Records what a read-back decided, if this process still holds the row: the messages it owes and whether
   * telling them closes the follow-up. A follow-up joined by a newer request meanwhile stays open.
   * Undefined: the row was taken over, and its new holder decides and tells.
   */
  async commit(
    claim: ClaimedFollowUp,
    outbox: OutboxMessage[],
    done: boolean,
    payload: unknown,
  ): Promise<{ closing: boolean; joined: boolean } | undefined> {
    const [row] = await this.execute<{ closing: boolean; generation: number }>(
      `update follow_up set outbox = ?::jsonb, closing = (? and generation = ?), payload = ?::jsonb, updated_at = now()
        where id = ? and lock_token = ? and status = 'pending'
        returning closing, generation`,
      [JSON.stringify(outbox), done, claim.generation, JSON.stringify(payload), claim.id, claim.token],
    );
    return row && { closing: row.closing, joined: row.generation !== claim.generation };
  }

  /** The outbox as delivery left it (a message marked `sending`, or one fewer). */
  async saveOutbox(claim: ClaimedFollowUp, outbox: OutboxMessage[]): Promise<boolean> {
    const rows = await this.execute<{ id: number }>(
      `update follow_up set outbox = ?::jsonb, updated_at = now() where id = ? and lock_token = ? and status = 'pending' returning id`,
      [JSON.stringify(outbox), claim.id, claim.token],
    );
    return rows.length === 1;
  }

  /** Everything told: the follow-up is over, and its open key is free for the next one. */
  async finish(claim: ClaimedFollowUp): Promise<boolean> {
    const rows = await this.execute<{ id: number }>(
      `update follow_up set status = 'done', open_key = null, locked_until = null, lock_token = null, updated_at = now()
        where id = ? and lock_token = ? and status = 'pending' returning id`,
      [claim.id, claim.token],
    );
    return rows.length === 1;
  }

  /** Lets go of the row until its next read-back, `waitMs` from now (the payload may have narrowed). */
  async release(
    claim: ClaimedFollowUp,
    waitMs: number,
    payload: unknown,
    error?: string,
  ): Promise<FollowUpWake | undefined> {
    const [row] = await this.execute<{ id: number; attempts: number; generation: number; delay_ms: number }>(
      `update follow_up set due_at = now() + ? ${MS}, payload = ?::jsonb, last_error = ?, locked_until = null, lock_token = null,
              updated_at = now()
        where id = ? and lock_token = ? and status = 'pending'
        returning ${WAKE_COLUMNS}`,
      [waitMs, JSON.stringify(payload), error ?? null, claim.id, claim.token],
    );
    return row && wake(row);
  }

  /** Gives the follow-up up: nothing more is read back or told. */
  async fail(claim: ClaimedFollowUp, error: string): Promise<void> {
    await this.execute(
      `update follow_up set status = 'failed', open_key = null, last_error = ?, locked_until = null, lock_token = null,
              updated_at = now()
        where id = ? and lock_token = ? and status = 'pending'`,
      [error, claim.id, claim.token],
    );
  }

  /** Follow-ups still open (pending), whoever holds them. */
  async openCount(): Promise<number> {
    const [row] = await this.execute<{ count: string }>(
      `select count(*) as count from follow_up where status = 'pending'`,
      [],
    );
    return Number(row?.count ?? 0);
  }

  /** Due for longer than `graceMs` and held by nobody: their wake-up was lost (a safety net for queued wake-ups). */
  async overdue(graceMs: number, limit: number): Promise<FollowUpWake[]> {
    const rows = await this.execute<{ id: number; attempts: number; generation: number; delay_ms: number }>(
      `select ${WAKE_COLUMNS} from follow_up
        where status = 'pending' and due_at < now() - ? ${MS} and ${UNLOCKED}
        order by due_at limit ?`,
      [graceMs, limit],
    );
    return rows.map(wake);
  }
}
