import type { InlineKeyboardButton, MessageEntity, ReplyKeyboardMarkup } from 'grammy/types';

import type { ChatEvent, ChatMessage } from '../chat-state.js';

/** Where the page's JSON and event-stream API lives; a chat's files are downloaded from under it too. */
export const API_PREFIX = '/sandbox-api/';

/** A message as the page renders it: no bytes, files as URLs of this server. */
interface PageMessage {
  message_id: number;
  from: 'bot' | 'user';
  date: number;
  edits: number;
  edit_date?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  inline_keyboard?: InlineKeyboardButton[][];
  document?: { file_name: string; mime_type?: string; size: number; url: string };
  photo?: { width: number; height: number; size: number; url: string };
  contact?: { phone_number: string; first_name: string };
  reply_to_message_id?: number;
}

/** The reply keyboard as the page draws it: which buttons it can press, which it only shows. */
export interface PageKeyboard {
  rows: { text: string; kind: 'text' | 'contact' | 'unsupported' }[][];
  placeholder?: string;
}

export function pageMessage(chatId: number, message: ChatMessage): PageMessage {
  const page: PageMessage = {
    message_id: message.message_id,
    from: message.from,
    date: message.date,
    edits: message.edits,
  };
  if (message.edit_date !== undefined) page.edit_date = message.edit_date;
  if (message.text !== undefined) page.text = message.text;
  if (message.entities?.length) page.entities = message.entities;
  if (message.caption !== undefined) page.caption = message.caption;
  if (message.caption_entities?.length) page.caption_entities = message.caption_entities;
  if (message.reply_markup && 'inline_keyboard' in message.reply_markup)
    page.inline_keyboard = message.reply_markup.inline_keyboard;
  if (message.reply_to_message_id !== undefined) page.reply_to_message_id = message.reply_to_message_id;
  if (message.contact)
    page.contact = { phone_number: message.contact.phone_number, first_name: message.contact.first_name };
  const fileUrl = (fileId: string) => `${API_PREFIX}chats/${chatId}/files/${encodeURIComponent(fileId)}`;
  if (message.document) {
    page.document = {
      file_name: message.document.file_name,
      size: message.document.data.length,
      url: fileUrl(message.document.file_id),
      ...(message.document.mime_type ? { mime_type: message.document.mime_type } : {}),
    };
  }
  if (message.photo)
    page.photo = {
      width: message.photo.width,
      height: message.photo.height,
      size: message.photo.data.length,
      url: fileUrl(message.photo.file_id),
    };
  return page;
}

export function pageKeyboard(markup: ReplyKeyboardMarkup | undefined): PageKeyboard | null {
  if (!markup) return null;
  return {
    rows: markup.keyboard.map((row) =>
      row.map((button) => {
        const text = typeof button === 'string' ? button : button.text;
        if (typeof button !== 'string' && 'request_contact' in button && button.request_contact)
          return { text, kind: 'contact' as const };
        const special =
          typeof button !== 'string' &&
          Object.keys(button).some((key) => key !== 'text' && key !== 'style' && key !== 'icon_custom_emoji_id');
        return { text, kind: special ? ('unsupported' as const) : ('text' as const) };
      }),
    ),
    ...(markup.input_field_placeholder ? { placeholder: markup.input_field_placeholder } : {}),
  };
}

/** A chat change as the page's event stream sends it; `keyboard` is the chat's reply keyboard after it. */
export function pageFrame(event: ChatEvent, keyboard: () => PageKeyboard | null): Record<string, unknown> {
  switch (event.type) {
    case 'message':
    case 'edited':
      return {
        type: event.type,
        chat_id: event.chat_id,
        message: pageMessage(event.chat_id, event.message),
        reply_keyboard: keyboard(),
      };
    case 'deleted':
      return {
        type: 'deleted',
        chat_id: event.chat_id,
        message_id: event.message.message_id,
        reply_keyboard: keyboard(),
      };
    case 'callback_answer':
      return {
        type: 'callback_answer',
        chat_id: event.chat_id,
        message_id: event.message_id,
        text: event.text ?? '',
        show_alert: event.show_alert,
        url: event.url ?? '',
      };
    case 'chat_action':
      return { type: 'chat_action', chat_id: event.chat_id, action: event.action };
  }
}
