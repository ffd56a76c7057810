import type { CookieJar } from '../kaspi/cookie-jar.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import { PREORDER_FAILURE } from './failures.js';
import { buildPriceListFile, priceListFileMisfit } from './price-list-file.js';
import {
  markFailed,
  uploadablePreorders,
  type PreorderContext,
  type PreorderWithProduct,
  type UploadOutcome,
} from './records.js';

/**
 * The cabinet's price-list file (`SKU | model | brand | price | PP1..PP5 | preorder`): one `preorder` value
 * per row, so only plans with the same days at every planned point go this way; the rest are returned for
 * the price feed. Prices and availabilities are echoed as Kaspi shows them now.
 */
export async function uploadViaFile(
  context: PreorderContext,
  storeId: number,
  onUploaded: (fileId: string, notInFile: UploadOutcome[]) => Promise<void>,
  onStatus?: (status: string) => void,
): Promise<{ fileId: string | null; outcomes: UploadOutcome[]; status: string }> {
  const em = context.orm.em.fork();
  const preorders = await uploadablePreorders(em, storeId);
  const outcomes: UploadOutcome[] = [];
  const result = await context.sessions.withSession(storeId, async ({ jar, merchantUid, store }) => {
    const rows: { preorder: PreorderWithProduct; offer: CabinetOffer; days: number }[] = [];
    for (const preorder of preorders) {
      const offer = await context.cabinet.findOffer(jar, merchantUid, preorder.product.sku);
      if (!offer) {
        markFailed(preorder, PREORDER_FAILURE.notFound);
        outcomes.push({
          preorderId: preorder.id,
          productId: preorder.product.id,
          title: preorder.product.title,
          result: 'not-found',
        });
        continue;
      }
      const misfit = priceListFileMisfit(merchantUid, offer, preorder.points, store.points);
      if (misfit) {
        outcomes.push({
          preorderId: preorder.id,
          productId: preorder.product.id,
          title: preorder.product.title,
          result: 'refused',
          why: misfit,
        });
        continue;
      }
      rows.push({ preorder, offer, days: preorder.points[0]!.days });
    }
    if (rows.length === 0) return { fileId: null, status: 'EMPTY' };
    const file = await buildPriceListFile(
      merchantUid,
      rows.map((row) => ({ offer: row.offer, preorderDays: row.days })),
      store.points,
    );
    for (const row of rows) row.preorder.status = 'uploading';
    await em.flush();
    const fileId = await uploadFile(context, jar, merchantUid, file, rows.length, onStatus);
    if (!fileId) {
      for (const row of rows)
        Object.assign(row.preorder, {
          status: 'planned',
          error: 'Kaspi is still processing an earlier price-list file',
        });
      for (const row of rows)
        outcomes.push({
          preorderId: row.preorder.id,
          productId: row.preorder.product.id,
          title: row.preorder.product.title,
          result: 'deferred',
          why: 'UNFINISHED',
        });
      return { fileId: null, status: 'UNFINISHED' };
    }
    for (const row of rows) Object.assign(row.preorder, { kaspiFileId: fileId, uploadMethod: 'file' });
    await em.flush();
    // Kaspi's processing takes minutes: it is followed by a durable follow-up (`settleFile`), not in memory, so
    // a process that dies now still moves the plans on and tells the seller.
    await onUploaded(fileId, [...outcomes]);
    return { fileId, status: 'UPLOADED' };
  });
  await em.flush();
  return { ...result, outcomes };
}

/** «Unfinished file found»: Kaspi still processes an earlier file; wait for it a few times, then give up. */
async function uploadFile(
  context: PreorderContext,
  jar: CookieJar,
  merchantUid: string,
  file: Buffer,
  rows: number,
  onStatus?: (status: string) => void,
): Promise<string | undefined> {
  const pollMs = context.filePollMs ?? 5_000;
  for (let attempt = 0; attempt < 5; attempt++) {
    const uploaded = await context.cabinet.uploadPriceList(
      jar,
      merchantUid,
      file,
      `preorders-${merchantUid}.xlsx`,
      rows,
    );
    if ('fileId' in uploaded) return uploaded.fileId;
    onStatus?.('UNFINISHED');
    await new Promise((resolve) => setTimeout(resolve, pollMs * (attempt + 1)));
  }
  return undefined;
}
