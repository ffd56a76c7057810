import { currentProductCard } from '../../bot/replies/product-card.js';
import type { OutboxMessage } from '../../db/entities/index.js';
import type { AvailabilityPayload, FollowUpHandler } from '../types.js';
import { translator } from '../types.js';

/**
 * Products switched on or off sale: read back (`OfferActions.verifyAvailability`, which saves what Kaspi shows)
 * until every one shows the new state or the window is over. The «⏳ отправлено» report of a switch pressed in
 * the chat becomes its outcome (✅ applied, ⚠️ not shown in time), and so does a batch's «⏳ …: N» report (how many
 * Kaspi shows, how many it did not apply); a batch without a report hears only of those Kaspi did not apply. A product card the switch was pressed on is redrawn from the database by the products feature's
 * own card, so a process started after the press can do it.
 */
export const availabilityFollowUp: FollowUpHandler<AvailabilityPayload> = async (run, services) => {
  const { payload } = run;
  const { pending } = await services.offers.verifyAvailability(payload.storeId, payload.productIds, payload.available);
  const t = translator(services.i18n, payload.locale);
  const report = (text: string): OutboxMessage => ({
    chatId: payload.chatId,
    ...(payload.messageId === undefined ? {} : { editMessageId: payload.messageId }),
    text,
  });
  const tell: OutboxMessage[] = [];
  if (pending.length > 0 && Date.now() < run.deadline.getTime())
    return { tell: [], done: false, payload: { ...payload, productIds: pending } };
  const { batch } = payload;
  if (batch) {
    // The batch's report, whole: what Kaspi shows now, what it did not apply in time, and the report's other lines.
    const shown = batch.count - pending.length;
    const lines = [
      ...(shown > 0 ? [t(payload.available ? 'batch-applied-enable' : 'batch-applied-disable', { count: shown })] : []),
      ...(pending.length > 0 ? [t('availability-not-applied', { count: pending.length })] : []),
      ...batch.rest,
    ];
    tell.push(report(lines.join('\n')));
  } else if (pending.length > 0) {
    tell.push(
      payload.messageId !== undefined && payload.title !== undefined
        ? report(t('availability-not-applied-one', { title: payload.title }))
        : { chatId: payload.chatId, text: t('availability-not-applied', { count: pending.length }) },
    );
  } else if (payload.messageId !== undefined && payload.title !== undefined)
    tell.push(
      report(t(payload.available ? 'availability-on-applied' : 'availability-off-applied', { title: payload.title })),
    );
  const { card } = payload;
  if (card) {
    const view = { t, timezone: card.timezone, products: services.products, history: services.history };
    // Redrawn whatever the outcome: the card shows what Kaspi shows now (the read-back saved it).
    const drawn = await currentProductCard(view, payload.storeId, card.productId, card.page);
    if (drawn)
      tell.push({
        chatId: payload.chatId,
        editMessageId: card.messageId,
        text: drawn.text,
        options: { reply_markup: { inline_keyboard: drawn.keyboard.inline_keyboard } },
      });
  }
  return { done: true, tell };
};
