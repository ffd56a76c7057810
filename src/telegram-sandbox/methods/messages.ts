import type { Message } from 'grammy/types';

import { badRequest, type ApiParams } from '../api-params.js';
import type { StoredMessage } from '../chat-state.js';
import type { MethodTable } from '../dispatcher.js';
import { isInlineKeyboard, type ReplyMarkup } from '../markup.js';
import { sameJson } from '../stable-json.js';
import {
  captionOf,
  chatIdOf,
  inlineMarkupOf,
  markupOf,
  messageIdOf,
  messageTextOf,
  replyTargetOf,
  type MethodContext,
} from './params.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** sendMessage, the edits of a bot message, and deletions. */
export function messageMethods(context: MethodContext): MethodTable {
  return {
    sendMessage: (params) => sendMessage(params, context),
    editMessageText: (params) => editMessageText(params, context),
    editMessageCaption: (params) => editMessageCaption(params, context),
    editMessageReplyMarkup: (params) => editMessageReplyMarkup(params, context),
    deleteMessage: (params) => deleteMessage(params, context),
    deleteMessages: (params) => deleteMessages(params, context),
  };
}

function sendMessage(params: ApiParams, context: MethodContext): Message {
  const { state } = context;
  const chatId = chatIdOf(params, context);
  const { text, entities } = messageTextOf(params);
  const replyMarkup = markupOf(params);
  const replyToMessageId = replyTargetOf(params, state, chatId);
  const stored = state.addMessage(chatId, 'bot', {
    text,
    ...(entities.length ? { entities } : {}),
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
  });
  return state.toApiMessage(stored);
}

/** A bot message that can be edited, or Telegram's error for why not. */
function editable(context: MethodContext, chatId: number, messageId: number): StoredMessage {
  const stored = context.state.find(chatId, messageId);
  if (!stored || stored.deleted) throw badRequest('message to edit not found');
  if (stored.from !== 'bot') throw badRequest("message can't be edited");
  return stored;
}

/** An edit without reply_markup drops the inline keyboard (as in Telegram) but leaves a reply keyboard alone. */
function markupAfterEdit(stored: StoredMessage, requested: ReplyMarkup | undefined): ReplyMarkup | undefined {
  if (requested) return requested;
  return isInlineKeyboard(stored.replyMarkup) ? undefined : stored.replyMarkup;
}

function editMessageText(params: ApiParams, context: MethodContext): Message {
  const chatId = chatIdOf(params, context);
  const messageId = messageIdOf(params, 'message to edit not found');
  const { text, entities } = messageTextOf(params);
  const requested = inlineMarkupOf(params);
  const stored = editable(context, chatId, messageId);
  if (stored.text === undefined) throw badRequest('there is no text in the message to edit');
  const replyMarkup = markupAfterEdit(stored, requested);
  if (stored.text === text && sameJson(stored.entities ?? [], entities) && sameJson(stored.replyMarkup, replyMarkup))
    throw badRequest(NOT_MODIFIED);
  context.state.edit(stored, { text, entities: entities.length ? entities : undefined, replyMarkup });
  return context.state.toApiMessage(stored);
}

function editMessageCaption(params: ApiParams, context: MethodContext): Message {
  const chatId = chatIdOf(params, context);
  const messageId = messageIdOf(params, 'message to edit not found');
  const { caption, captionEntities } = captionOf(params);
  const requested = inlineMarkupOf(params);
  const stored = editable(context, chatId, messageId);
  if (stored.documentId === undefined && stored.photoId === undefined)
    throw badRequest('there is no caption in the message to edit');
  const replyMarkup = markupAfterEdit(stored, requested);
  if (
    stored.caption === caption &&
    sameJson(stored.captionEntities ?? [], captionEntities ?? []) &&
    sameJson(stored.replyMarkup, replyMarkup)
  ) {
    throw badRequest(NOT_MODIFIED);
  }
  context.state.edit(stored, { caption, captionEntities, replyMarkup });
  return context.state.toApiMessage(stored);
}

function editMessageReplyMarkup(params: ApiParams, context: MethodContext): Message {
  const chatId = chatIdOf(params, context);
  const messageId = messageIdOf(params, 'message to edit not found');
  const requested = inlineMarkupOf(params);
  const stored = editable(context, chatId, messageId);
  const replyMarkup = markupAfterEdit(stored, requested);
  if (sameJson(stored.replyMarkup, replyMarkup)) throw badRequest(NOT_MODIFIED);
  context.state.edit(stored, { replyMarkup });
  return context.state.toApiMessage(stored);
}

function deleteMessage(params: ApiParams, context: MethodContext): boolean {
  const chatId = chatIdOf(params, context);
  const messageId = messageIdOf(params, 'message to delete not found');
  const stored = context.state.find(chatId, messageId);
  if (!stored || stored.deleted) throw badRequest('message to delete not found');
  // Bots may delete incoming messages in private chats, e.g. a password the user typed.
  context.state.markDeleted(stored);
  return true;
}

function deleteMessages(params: ApiParams, context: MethodContext): boolean {
  const chatId = chatIdOf(params, context);
  const ids = params.json('message_ids', () => badRequest("can't parse message identifiers JSON object"));
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((id) => Number.isSafeInteger(id))) {
    throw badRequest('message identifiers are invalid');
  }
  for (const id of ids as number[]) {
    const stored = context.state.find(chatId, id);
    if (stored && !stored.deleted) context.state.markDeleted(stored);
  }
  return true;
}
