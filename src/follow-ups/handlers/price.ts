import type { FollowUpHandler, PricePayload } from '../types.js';
import { translator } from '../types.js';

/**
 * A price sent to Kaspi from the chat (by hand, an import, a rollback): read back (`OfferActions.verifyPriceChange`,
 * which settles the change in the history and moves our copy of the offer's city prices) until Kaspi shows it or
 * its window is over; then the «отправлено» report becomes «применил» or «не применил». A quiet one (a batch's
 * change) tells only «не применил».
 */
export const priceFollowUp: FollowUpHandler<PricePayload> = async (run, { offers, i18n }) => {
  const { payload } = run;
  const { outcome } = await offers.verifyPriceChange(payload.changeIds, run.timeoutMs);
  if (outcome === 'pending') return { tell: [], done: false };
  if (payload.quiet && outcome === 'applied') return { tell: [], done: true };
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
