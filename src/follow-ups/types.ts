import type { I18n } from '@grammyjs/i18n';
import type { ProductDirectory } from '../catalog/product-directory.js';
import type { ProductHistory } from '../catalog/product-history.js';

import type { OfferActions } from '../catalog/offer-actions.js';
import type { FollowUpKind, OutboxMessage } from '../db/entities/index.js';
import type { Locale } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { PreorderService, UploadOutcome } from '../preorders/service.js';

/** A manual price sent to Kaspi: its «отправлено» report is edited to «применил» / «не применил». */
export interface PricePayload {
  storeId: number;
  changeIds: number[];
  chatId: number;
  /**
   * The report message to edit. The follow-up is recorded before the report is sent (so no crash can leave a
   * sent change without its read-back) and learns the id after; without one the outcome is a new message.
   */
  messageId?: number;
  locale: Locale;
  /** Ready for the message (HTML-escaped, with the city when one city was set), as the report named them. */
  title: string;
  old: string;
  new: string;
  /**
   * A change of a batch (an Excel import, a rollback) whose report was a summary: Kaspi showing it is not told
   * again (our copy of the offer still moves), only a change Kaspi did not apply is, as a message of its own.
   */
  quiet?: boolean;
}

/** Products switched on or off sale: told when Kaspi does not show it in time; a card shown for it is redrawn. */
export interface AvailabilityPayload {
  storeId: number;
  /** The products not yet read back as applied. */
  productIds: number[];
  available: boolean;
  chatId: number;
  locale: Locale;
  /** The product card the switch was pressed on: redrawn (status and its button) once Kaspi shows the change. */
  card?: { messageId: number; productId: number; page: number; timezone: string };
  /**
   * The «⏳ … отправлено в Kaspi» report to edit to its outcome (✅ or ⚠️), learnt after the report was sent
   * (`setMessage`); `title` names the one product it speaks of, HTML-escaped. Without it the outcome is told
   * only when Kaspi does not show the change in time.
   */
  messageId?: number;
  title?: string;
  /**
   * A batch's «⏳ …: N» report (`/enable`, `/disable`), edited once to its outcome: `count` products the report
   * counts (those Kaspi already showed so included), `rest` its other lines as told (deferred, skipped, refused).
   */
  batch?: { count: number; rest: string[] };
}

/** Preorders uploaded for a store: each one Kaspi shows (or does not) is told, until none is left waiting. */
export interface PreordersPayload {
  storeId: number;
  chatId: number;
  locale: Locale;
}

/**
 * A price-list file of preorders Kaspi took: its status is read until Kaspi has processed it, its plans are
 * moved on, the seller hears the upload's outcome, and a processed file's plans are read back (`preorders`).
 */
export interface PreorderFilePayload {
  storeId: number;
  /** Kaspi's id of the uploaded file (the plans in it carry it as `kaspiFileId`). */
  fileId: string;
  chatId: number;
  locale: Locale;
  /** The upload's status message, edited to the outcome; without one the outcome is a new message. */
  statusMessageId?: number;
  /** The plans the upload left out of the file (not found, not fit for a file): told with the file's outcome. */
  notInFile?: UploadOutcome[];
}

export interface FollowUpPayloads {
  price: PricePayload;
  availability: AvailabilityPayload;
  preorders: PreordersPayload;
  'preorder-file': PreorderFilePayload;
}

/** What bot features see: a read-back is recorded, never run in the update's process memory. */
interface FollowUpScheduler {
  /** Records the follow-up (first read-back after the first wait) and wakes a runner for it; returns its id. */
  schedule<K extends FollowUpKind>(kind: K, payload: FollowUpPayloads[K]): Promise<number>;
  /** The message a follow-up edits, sent after it was scheduled. */
  setMessage(id: number, messageId: number): Promise<void>;
}

/** The follow-ups of a process: scheduling, and the runner that every process serving the bot starts. */
export interface FollowUps extends FollowUpScheduler {
  readonly backend: 'database' | 'bullmq';
  start(): Promise<void>;
  /** Stops taking follow-ups and waits for the ones running here (what is left stays in the database). */
  stop(): Promise<void>;
  /** Resolves once no follow-up is open in the database and none runs here (tests, shutdown of a demo). */
  settled(timeoutMs?: number): Promise<void>;
}

/** One read-back of a follow-up, as its handler sees it. */
interface FollowUpRun<P> {
  id: number;
  payload: P;
  /** Read-backs started so far, this one included. */
  attempts: number;
  deadline: Date;
  timeoutMs: number;
}

/** What a read-back found: what to tell now, and whether the follow-up is over. */
export interface FollowUpStep<P> {
  tell: OutboxMessage[];
  done: boolean;
  /** The payload from now on (what is still left to read back). */
  payload?: P;
}

/** What handlers may use: the domain's read-backs and reads, the one I18n. */
export interface FollowUpServices {
  products: Pick<ProductDirectory, 'storeProduct' | 'preordersAwaitingKaspi' | 'pendingPrices'>;
  history: Pick<ProductHistory, 'latestSnapshot'>;
  offers: Pick<OfferActions, 'verifyPriceChange' | 'verifyAvailability'>;
  preorders: Pick<PreorderService, 'verify' | 'settleFile'>;
  /** A follow-up that leads to another (a processed file to its plans' read-back) records it here. */
  followUps: Pick<FollowUpScheduler, 'schedule'>;
  i18n: I18n;
  logger: Logger;
}

export type FollowUpHandler<P> = (run: FollowUpRun<P>, services: FollowUpServices) => Promise<FollowUpStep<P>>;

/** One handler per kind, each reading its own payload. */
export type FollowUpHandlers = { [K in FollowUpKind]: FollowUpHandler<FollowUpPayloads[K]> };

/** Text in the seller's language, outside any update. */
export type Translate = (key: string, variables?: Record<string, string | number>) => string;

export function translator(i18n: I18n, locale: Locale): Translate {
  return (key, variables) => i18n.t(locale, key, variables);
}
