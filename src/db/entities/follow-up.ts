import { defineEntity, p } from '@mikro-orm/core';
import type { InlineKeyboardMarkup } from 'grammy/types';

import { timestamps } from './common.js';

const FOLLOW_UP_KINDS = ['price', 'availability', 'preorders', 'preorder-file'] as const;
/** pending → done | failed. A pending row is due at `dueAt`; a process works on it only while it holds the lease. */
const FOLLOW_UP_STATUSES = ['pending', 'done', 'failed'] as const;

export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

/**
 * One message a follow-up owes the chat: a new message, or an edit of one sent earlier. `sending` marks a new
 * message whose request went out; if the process dies then, nobody knows whether Telegram got it.
 */
export interface OutboxMessage {
  chatId: number;
  text: string;
  /** Edit this message instead of sending a new one (an edit to the same text is a no-op at Telegram). */
  editMessageId?: number;
  options?: { parse_mode?: 'HTML'; reply_markup?: InlineKeyboardMarkup };
  sending?: boolean;
}

/**
 * A read-back the seller is waiting for, kept in the database so that a restart does not lose it: what to
 * check (`kind`, `payload`), when (`dueAt`, backoff from `firstWaitMs` by `attempts`), until when (`deadline`),
 * and what it still has to tell (`outbox`).
 */
export const FollowUpSchema = defineEntity({
  name: 'FollowUp',
  tableName: 'follow_up',
  indexes: [{ properties: ['status', 'dueAt'] }],
  properties: {
    id: p.integer().primary(),
    kind: p.enum([...FOLLOW_UP_KINDS]),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum([...FOLLOW_UP_STATUSES]).default('pending'),
    /** While open, at most one follow-up per key (one read-back per store for preorders); null once closed. */
    openKey: p.string().length(128).nullable().unique(),
    dueAt: p.datetime().columnType('timestamptz'),
    /** After it a still-pending read-back is told as not applied (or given up). */
    deadline: p.datetime().columnType('timestamptz'),
    /** Read-backs started so far (counted when claimed, so a run that died counts too). */
    attempts: p.integer().default(0),
    /** The first wait; each further one doubles, up to a minute. */
    firstWaitMs: p.integer(),
    /** How long Kaspi is given to show the change (the read-back's own timeout). */
    timeoutMs: p.integer(),
    /** Bumped when a new request joins an open follow-up: a run that started before it must look again. */
    generation: p.integer().default(0),
    /** The lease of the process working on it: another process may take over once it has passed. */
    lockedUntil: p.datetime().columnType('timestamptz').nullable(),
    lockToken: p.string().length(64).nullable(),
    /** Messages decided but not yet delivered, oldest first. */
    outbox: p.json<OutboxMessage[]>().default('[]'),
    /** The outcome is told once the outbox is delivered: then the follow-up is done. */
    closing: p.boolean().default(false),
    lastError: p.text().nullable(),
    ...timestamps,
  },
});
