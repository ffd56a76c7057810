import type { MikroORM } from '@mikro-orm/postgresql';

import { PreorderSchema, type Preorder, type PreorderPoint, type Product } from '../db/entities/index.js';
import type { KaspiCabinetClient } from '../kaspi/cabinet-client.js';
import { prefixStoreId } from '../kaspi/offer-writes.js';
import type { CabinetOffer } from '../kaspi/schemas.js';
import type { KaspiSessionManager } from '../kaspi/session-manager.js';
import type { Logger } from '../logger.js';

/** What the planning, upload and read-back steps of PreorderService share. */
export interface PreorderContext {
  orm: MikroORM;
  sessions: KaspiSessionManager;
  cabinet: KaspiCabinetClient;
  logger: Logger;
  /** How often Kaspi is asked about a price-list file (5 s unless a test wants it faster). */
  filePollMs?: number;
}

export type PreorderWithProduct = Preorder & { product: Product };

export interface UploadOutcome {
  preorderId: number;
  productId: number;
  title: string;
  result: 'sent' | 'not-found' | 'refused' | 'deferred' | 'unchanged';
  why?: string;
}

/** Plans that may be sent (planned, or failed before), oldest first; `ids` narrows them to some. */
export async function uploadablePreorders(
  em: ReturnType<MikroORM['em']['fork']>,
  storeId: number,
  ids?: number[],
): Promise<PreorderWithProduct[]> {
  return (await em.find(
    PreorderSchema,
    { store: storeId, status: { $in: ['planned', 'failed'] }, ...(ids ? { id: { $in: ids } } : {}) },
    { populate: ['product'], orderBy: { id: 'ASC' } },
  )) as PreorderWithProduct[];
}

/** Kaspi shows the planned days at every planned point of the offer. */
export function kaspiShows(offer: CabinetOffer, merchantUid: string, points: PreorderPoint[]): boolean {
  return points.every((point) => {
    const live = offer.availabilities.find(
      (availability) => prefixStoreId(merchantUid, availability.storeId) === point.storeId,
    );
    return live !== undefined && (live.preOrder ?? 0) === point.days;
  });
}

export function markFailed(preorder: Preorder, error: string): void {
  preorder.status = 'failed';
  preorder.error = error;
}
