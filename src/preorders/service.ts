import type { MikroORM } from '@mikro-orm/postgresql';

import type { Preorder, PreorderPoint } from '../db/entities/index.js';
import type { KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { Logger } from '../logger.js';
import { settleFile, type FileSettlement } from './file-settle.js';
import { uploadViaFile } from './file-upload.js';
import { cancelPlan, listPreorders, plan, planRemoval, type PlanResult, type PreorderOnKaspi } from './planning.js';
import { uploadViaPricefeed } from './pricefeed-upload.js';
import { verifyPreorders } from './read-back.js';
import type { PreorderContext, PreorderWithProduct, UploadOutcome } from './records.js';

export { PREORDER_FAILURE, preorderFailureOf } from './failures.js';
export type { FileSettlement, PlanResult, PreorderOnKaspi, UploadOutcome };

/**
 * Preorders of a store. On Kaspi a preorder is a number of days (0–30) per pickup point — never a flag, never
 * a quantity. The seller plans them here (planning.ts); they reach Kaspi through the price feed (per point,
 * instant; pricefeed-upload.ts) or a price-list file (file-upload.ts); a read-back confirms what Kaspi shows
 * (read-back.ts).
 */
export class PreorderService {
  private readonly context: PreorderContext;

  constructor(
    orm: MikroORM,
    sessions: KaspiSessionManager,
    cabinet: KaspiCabinetClient,
    logger: Logger,
    options: { filePollMs?: number } = {},
  ) {
    this.context = { orm, sessions, cabinet, logger, filePollMs: options.filePollMs };
  }

  /** What Kaspi shows as preorder (from the last sync) and what the seller planned but Kaspi does not show yet. */
  list(storeId: number): Promise<{ onKaspi: PreorderOnKaspi[]; planned: PreorderWithProduct[] }> {
    return listPreorders(this.context, storeId);
  }

  /**
   * Plans days per point for a product (replacing an earlier plan). Days 0 takes a point off preorder; points
   * not named keep what Kaspi has. Every point must be one of the offer's points.
   */
  plan(storeId: number, productId: number, points: PreorderPoint[]): Promise<PlanResult> {
    return plan(this.context, storeId, productId, points);
  }

  /** Takes a product off preorder at every point it has (days 0), as a plan to upload. */
  planRemoval(storeId: number, productId: number): Promise<PlanResult> {
    return planRemoval(this.context, storeId, productId);
  }

  cancelPlan(storeId: number, preorderId: number): Promise<boolean> {
    return cancelPlan(this.context, storeId, preorderId);
  }

  /** One price-feed batch per 50 offers, each re-read first and echoed as Kaspi has it, only `preOrder` changed. */
  uploadViaPricefeed(storeId: number, preorderIds?: number[]): Promise<UploadOutcome[]> {
    return uploadViaPricefeed(this.context, storeId, preorderIds);
  }

  /**
   * The cabinet's price-list file, for plans with the same days at every planned point. Returns once Kaspi took
   * the file (status `UPLOADED`, its plans `uploading`); `onUploaded` records what follows its processing
   * (`settleFile`) before that.
   */
  uploadViaFile(
    storeId: number,
    onUploaded: (fileId: string, notInFile: UploadOutcome[]) => Promise<void>,
    onStatus?: (status: string) => void,
  ): Promise<{ fileId: string | null; outcomes: UploadOutcome[]; status: string }> {
    return uploadViaFile(this.context, storeId, onUploaded, onStatus);
  }

  /**
   * Kaspi's status of an uploaded price-list file; once final (or given up on: `TIMEOUT`) the file's plans move
   * from `uploading` to `uploaded` or failed, and what that did is returned.
   */
  settleFile(storeId: number, fileId: string, giveUp = false): Promise<FileSettlement> {
    return settleFile(this.context, storeId, fileId, giveUp);
  }

  /** Reads uploaded preorders back: confirmed when Kaspi shows the days at every planned point. */
  verify(storeId: number, timeoutMs = 30 * 60_000): Promise<{ confirmed: Preorder[]; notShown: Preorder[] }> {
    return verifyPreorders(this.context, storeId, timeoutMs);
  }
}
