import { BotApiError, badRequest, type ApiParams } from '../api-params.js';
import type { ChatState } from '../chat-state.js';
import { parseFormattedText } from '../formatting.js';
import type { FormattedText } from '../formatting/entity-helpers.js';
import { isInlineKeyboard, parseReplyMarkup, type ReplyMarkup } from '../markup.js';

/** Telegram's limits: a message's text and a caption, in UTF-16 code units. */
export const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** What the methods of a chat read: the chats, and the users who blocked the bot. */
export interface MethodContext {
  state: ChatState;
  blocked: ReadonlySet<number>;
}

/** The chat a method targets, or Telegram's error: unknown, or the user blocked the bot. */
export function chatIdOf(params: ApiParams, context: MethodContext): number {
  if (!params.has('chat_id')) throw badRequest('chat_id is empty');
  const chatId = params.integer('chat_id', () => badRequest('chat not found'));
  if (chatId === undefined || !context.state.hasChat(chatId)) throw badRequest('chat not found');
  if (context.blocked.has(chatId)) throw new BotApiError(403, 'Forbidden: bot was blocked by the user');
  return chatId;
}

export function messageIdOf(params: ApiParams, notFound: string): number {
  if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const messageId = params.integer('message_id', () => badRequest(notFound));
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  return messageId;
}

export function messageTextOf(params: ApiParams): FormattedText {
  const raw = params.string('text') ?? '';
  if (raw.trim() === '') throw badRequest('message text is empty');
  const formatted = parseFormattedText(
    raw,
    params.string('parse_mode'),
    params.json('entities', () => badRequest("can't parse entities JSON object")),
  );
  if (formatted.text.trim() === '') throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  return formatted;
}

export function captionOf(params: ApiParams): { caption?: string; captionEntities?: FormattedText['entities'] } {
  const raw = params.string('caption') ?? '';
  if (raw === '') return {};
  const formatted = parseFormattedText(
    raw,
    params.string('parse_mode'),
    params.json('caption_entities', () => badRequest("can't parse entities JSON object")),
  );
  if (formatted.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  if (formatted.text.trim() === '') return {};
  return { caption: formatted.text, ...(formatted.entities.length ? { captionEntities: formatted.entities } : {}) };
}

/** The message a new one replies to, from reply_parameters or the older reply_to_message_id. */
export function replyTargetOf(params: ApiParams, state: ChatState, chatId: number): number | undefined {
  const parameters = params.json('reply_parameters', () => badRequest("can't parse reply parameters JSON object"));
  let allowWithout = params.boolean('allow_sending_without_reply');
  let messageId: number | undefined;
  if (parameters !== undefined) {
    if (parameters === null || typeof parameters !== 'object')
      throw badRequest("can't parse reply parameters JSON object");
    const object = parameters as { message_id?: unknown; allow_sending_without_reply?: unknown };
    if (typeof object.message_id !== 'number') throw badRequest('message to be replied not found');
    messageId = object.message_id;
    allowWithout ||= object.allow_sending_without_reply === true;
  } else {
    messageId = params.integer('reply_to_message_id', () => badRequest('message to be replied not found'));
  }
  if (messageId === undefined) return undefined;
  const target = state.find(chatId, messageId);
  if (target && !target.deleted) return messageId;
  if (allowWithout) return undefined;
  throw badRequest('message to be replied not found');
}

export function markupOf(params: ApiParams): ReplyMarkup | undefined {
  return parseReplyMarkup(params.values.reply_markup);
}

/** Edits take only an inline keyboard. */
export function inlineMarkupOf(params: ApiParams): ReplyMarkup | undefined {
  const markup = markupOf(params);
  if (markup && !isInlineKeyboard(markup)) throw badRequest('inline keyboard expected');
  return markup;
}
