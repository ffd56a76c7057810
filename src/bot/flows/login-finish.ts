import { InlineKeyboard } from 'grammy';

import type { BotDeps } from '../deps.js';
import { ACTIONS, callbackData } from '../callback-data.js';
import { html } from '../replies/format.js';

/**
 * After a login: the connected store (one this login just connected for the seller) becomes the active one,
 * and its next expiry is told again; the seller is offered a sync.
 */
export async function activateStore(deps: BotDeps, sellerId: number, storeId: number): Promise<void> {
  await deps.sellers.setActiveStore(sellerId, storeId);
  await deps.expiryNotices.forget(storeId);
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
    .row()
    .text(t('button-products'), callbackData(ACTIONS.list, 0));
}
