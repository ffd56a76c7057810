import type { FollowUpHandler, PricePayload } from '../types.js';
import { translator } from '../types.js';

/**
 * A manual price sent to Kaspi: read back (`OfferActions.verifyPriceChange`, which settles the change in the
 * history) until Kaspi shows it or its window is over; then the «отправлено» report becomes «применил» or
 * «не применил».
 */
export const priceFollowUp: FollowUpHandler<PricePayload> = async (run, { offers, i18n }) => {
  const { payload } = run;
  const { outcome } = await offers.verifyPriceChange(payload.changeIds, run.timeoutMs);
  if (outcome === 'pending') return { tell: [], done: false };
  const t = translator(i18n, payload.locale);
  const key = outcome === 'applied' ? 'price-applied' : 'price-not-applied';
  // No report to edit: the process died between recording the follow-up and sending the report.
  return {
    done: true,
    tell: [
      {
        chatId: payload.chatId,
        ...(payload.messageId === undefined ? {} : { editMessageId: payload.messageId }),
        text: t(key, { title: payload.title, new: payload.new, old: payload.old }),
      },
    ],
  };
};
