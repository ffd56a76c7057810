import { PreorderSchema } from '../db/entities/index.js';
import { isKaspiError } from '../kaspi/errors.js';
import { PREORDER_FAILURE } from './failures.js';
import { markFailed, type PreorderContext, type PreorderWithProduct, type UploadOutcome } from './records.js';

/** Kaspi's statuses of a price-list file that do not change any more. */
const FINAL_FILE_STATUSES = new Set(['FLUSHED', 'ERROR', 'FAILED']);

/** What a look at an uploaded price-list file found: still at Kaspi, or settled with what it did to the plans. */
export type FileSettlement =
  { status: string; done: false } | { status: string; done: true; outcomes: UploadOutcome[] };

/**
 * Reads Kaspi's status of an uploaded price-list file; once it is final (or the caller gives up on it: `TIMEOUT`),
 * the store's plans that went in that file move from `uploading` to `uploaded` (FLUSHED) or failed. A second look
 * (its process died before telling the first one's outcome) moves nothing again and reports the same plans.
 */
export async function settleFile(
  context: PreorderContext,
  storeId: number,
  fileId: string,
  giveUp: boolean,
): Promise<FileSettlement> {
  const status = await context.sessions
    .withSession(
      storeId,
      async ({ jar, merchantUid }) => (await context.cabinet.priceListStatus(jar, merchantUid, fileId)).status,
    )
    .catch((error: unknown) => {
      // Given up on, a file Kaspi cannot be asked about (session gone, Kaspi down) is not waited for either.
      if (giveUp && isKaspiError(error)) return 'TIMEOUT';
      throw error;
    });
  const final = FINAL_FILE_STATUSES.has(status);
  if (!final && !giveUp) return { status, done: false };
  const settled = final ? status : 'TIMEOUT';
  // A fork on purpose: the settle must see and change the plans as they are in the database now.
  const em = context.orm.em.fork();
  const plans = (await em.find(
    PreorderSchema,
    { store: storeId, kaspiFileId: fileId },
    { populate: ['product'], orderBy: { id: 'ASC' } },
  )) as PreorderWithProduct[];
  const outcomes: UploadOutcome[] = plans.map((preorder) => {
    if (preorder.status === 'uploading') {
      if (settled === 'FLUSHED') preorder.status = 'uploaded';
      else markFailed(preorder, `${PREORDER_FAILURE.fileRefused} ${settled}`);
    }
    const sent = preorder.status === 'uploaded' || preorder.status === 'confirmed';
    return {
      preorderId: preorder.id,
      productId: preorder.product.id,
      title: preorder.product.title,
      result: sent ? 'sent' : 'refused',
      why: settled,
    };
  });
  await em.flush();
  return { status: settled, done: true, outcomes };
}
