import { isKaspiError, sellerMessageOf } from '../../kaspi/errors.js';
import type { FollowUpHandler, PreordersPayload } from '../types.js';
import { translator } from '../types.js';

/**
 * Preorders uploaded for a store (by the buttons or `/import`): Kaspi applies them asynchronously, so the store's
 * uploaded plans are read back (`PreorderService.verify`) until none is left waiting, and each read-back tells
 * the chat what Kaspi shows now (and what it does not).
 */
export const preordersFollowUp: FollowUpHandler<PreordersPayload> = async (run, { preorders, products, i18n }) => {
  const { storeId, chatId, locale } = run.payload;
  const t = translator(i18n, locale);
  const say = (text: string) => ({ chatId, text });
  let verified;
  try {
    verified = await preorders.verify(storeId, run.timeoutMs);
  } catch (error) {
    // The upload itself went through; only reading it back failed. The plans stay «загружен, ждём Kaspi».
    if (!isKaspiError(error)) throw error;
    const { key, variables } = sellerMessageOf(error, true);
    return { done: true, tell: [say(t('preorder-verify-failed', { reason: t(key, variables) }))] };
  }
  const { confirmed, notShown } = verified;
  // A plan of all-zero days takes a product off preorder: «Kaspi показывает предзаказ» would say the opposite.
  const removals = confirmed.filter((preorder) => preorder.points.every((point) => point.days === 0)).length;
  const tell = [];
  if (confirmed.length > removals) tell.push(say(t('preorder-confirmed', { count: confirmed.length - removals })));
  if (removals) tell.push(say(t('preorder-removal-confirmed', { count: removals })));
  if (notShown.length) tell.push(say(t('preorder-not-shown', { count: notShown.length })));
  const left = await products.preordersAwaitingKaspi(storeId);
  // Past the window the plans left are no longer waited for (as `verify` fails them once they are older).
  return { tell, done: left === 0 || Date.now() >= run.deadline.getTime() };
};
