import type { FollowUpHandler, PricePayload } from '../types.js';
import { translator } from '../types.js';

/**
 * A price sent to Kaspi (by hand, an import, a rollback, the demper): read back (`OfferActions.verifyPriceChange`,
 * which settles the change in the history and moves our copy of the offer's city prices) until Kaspi shows it or
 * its window is over; then the «отправлено» report becomes «применил» or «не применил». A quiet one (a batch's or
 * the demper's change, told by a summary) tells only a «не применил» this read-back settled: one the demper's own
 * read-back failed first was told by its alert, one a later change superseded was not Kaspi's refusal.
 */
export const priceFollowUp: FollowUpHandler<PricePayload> = async (run, { offers, i18n }) => {
  const { payload } = run;
  const { outcome, failedHere } = await offers.verifyPriceChange(payload.changeIds, run.timeoutMs);
  if (outcome === 'pending') return { tell: [], done: false };
  if (payload.quiet && (outcome === 'applied' || !failedHere)) return { tell: [], done: true };
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
