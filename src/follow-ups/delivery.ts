import { GrammyError, HttpError, type Api } from 'grammy';

import type { OutboxMessage } from '../db/entities/index.js';
import type { Logger } from '../logger.js';
import type { ClaimedFollowUp, FollowUpStore } from './store.js';

/** `told`: the outbox is empty; `taken-over`: another process holds the row now; `later`: Telegram is unreachable. */
export type DeliveryResult = 'told' | 'taken-over' | 'later';

/** Errors that prove the request never reached Telegram: trying again cannot make a second message. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type Attempt = 'delivered' | 'undeliverable' | 'not-delivered' | 'unknown';

async function attempt(telegram: Api, message: OutboxMessage): Promise<Attempt> {
  try {
    if (message.editMessageId !== undefined)
      await telegram.editMessageText(message.chatId, message.editMessageId, message.text, message.options);
    else await telegram.sendMessage(message.chatId, message.text, message.options);
    return 'delivered';
  } catch (error) {
    if (error instanceof GrammyError)
      // Telegram answered: nothing was delivered. A 429 after auto-retry, or Telegram's own trouble, may pass;
      // a deleted message or a seller who blocked the bot will not.
      return error.error_code === 429 || error.error_code >= 500 ? 'not-delivered' : 'undeliverable';
    if (error instanceof HttpError) {
      const code = (error.error as { code?: unknown } | undefined)?.code;
      return typeof code === 'string' && NOT_CONNECTED.has(code) ? 'not-delivered' : 'unknown';
    }
    throw error;
  }
}

/**
 * Delivers a claimed follow-up's outbox, oldest message first, each one taken off the outbox in the database
 * once Telegram has it.
 *
 * At most once, and at least once wherever that cannot mean twice. An edit sets a message to a fixed text, so
 * repeating it is harmless (Telegram answers «not modified»): an edit stays in the outbox until it is done and
 * is repeated after a crash or a network error. A new message is marked `sending` in the database before the
 * request goes out; a process that finds one still marked (its sender died waiting for Telegram's answer, or
 * the connection broke mid-request) cannot know whether the seller got it and drops it rather than risk
 * telling it twice. Only a request Telegram refused, or one that never left this machine, is tried again.
 */
export async function deliverOutbox(
  claim: ClaimedFollowUp,
  store: FollowUpStore,
  telegram: Api,
  logger: Logger,
): Promise<DeliveryResult> {
  let outbox = [...claim.outbox];
  const save = (next: OutboxMessage[]) => store.saveOutbox(claim, next);
  while (outbox.length > 0) {
    const message = outbox[0]!;
    const isEdit = message.editMessageId !== undefined;
    if (message.sending && !isEdit) {
      logger.warn(
        { followUpId: claim.id, chatId: message.chatId },
        'follow-up: a message was being sent when its process stopped; not sent again (the seller may have it)',
      );
      outbox = outbox.slice(1);
      if (!(await save(outbox))) return 'taken-over';
      continue;
    }
    if (!isEdit) {
      outbox = [{ ...message, sending: true }, ...outbox.slice(1)];
      if (!(await save(outbox))) return 'taken-over';
    }
    const result = await attempt(telegram, message);
    if (result === 'not-delivered' || (result === 'unknown' && isEdit)) {
      if (!isEdit) await save([message, ...outbox.slice(1)]);
      return 'later';
    }
    if (result === 'undeliverable')
      logger.warn({ followUpId: claim.id, chatId: message.chatId }, 'follow-up: Telegram refused the message');
    if (result === 'unknown')
      logger.warn({ followUpId: claim.id, chatId: message.chatId }, 'follow-up: the message may not have arrived');
    outbox = outbox.slice(1);
    if (!(await save(outbox))) return 'taken-over';
  }
  return 'told';
}
