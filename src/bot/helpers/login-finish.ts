import { InlineKeyboard } from 'grammy';

import { SellerSchema, type Store } from '../../db/entities/index.js';
import type { BotDeps } from '../deps.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import { forgetExpiredNotice } from './kaspi-errors.js';
import { html } from './format.js';

/** After a login: the connected store becomes the active one; the seller is offered a sync. */
export async function activateStore(deps: BotDeps, sellerId: number, store: Store): Promise<void> {
  const em = deps.orm.em.fork();
  const seller = await em.findOneOrFail(SellerSchema, sellerId);
  seller.activeStoreId = store.id;
  await em.flush();
  await forgetExpiredNotice(store.id, deps.redis);
}

export function connectedText(
  t: (key: string, variables?: Record<string, string | number>) => string,
  name: string,
  points: number,
): string {
  return t('login-connected', { name: html(name), points });
}

export function syncKeyboard(t: (key: string) => string, storeId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('button-sync'), callbackData(ACTIONS.sync, storeId))
    .text(t('button-products'), callbackData(ACTIONS.list, 0));
}
