import type {
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  KeyboardButton,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from 'grammy/types';

import { badRequest } from './api-params.js';

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** The fields that give an inline button something to do; a button needs exactly one of them. */
const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
  'disabled',
] as const;

const MAX_CALLBACK_DATA_BYTES = 64;

export function isInlineKeyboard(markup: ReplyMarkup | undefined): markup is InlineKeyboardMarkup {
  return markup !== undefined && 'inline_keyboard' in markup;
}

/**
 * Validates `reply_markup` with Telegram's error wording and returns it normalised: string reply
 * keyboard buttons become `{ text }`, nulls are dropped, so stored markup compares and renders
 * the same whichever client sent it.
 */
export function parseReplyMarkup(value: unknown): ReplyMarkup | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let markup: unknown = value;
  if (typeof markup === 'string') {
    try {
      markup = JSON.parse(markup) as unknown;
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (markup === null || typeof markup !== 'object' || Array.isArray(markup))
    throw badRequest("can't parse reply keyboard markup JSON object");
  const object = markup as Record<string, unknown>;
  if ('inline_keyboard' in object) {
    const inline_keyboard = parseInlineKeyboard(object.inline_keyboard);
    // Telegram treats a keyboard without buttons as no keyboard.
    return inline_keyboard.some((row) => row.length > 0) ? { inline_keyboard } : undefined;
  }
  if ('keyboard' in object) return parseReplyKeyboard(object);
  if (object.remove_keyboard === true)
    return withOptional({ remove_keyboard: true }, object, ['selective']) as unknown as ReplyKeyboardRemove;
  if (object.force_reply === true)
    return withOptional({ force_reply: true }, object, [
      'input_field_placeholder',
      'selective',
    ]) as unknown as ForceReply;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardButton[][] {
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  return (rows as unknown[][]).map((row) => row.map(parseInlineButton));
}

function parseInlineButton(value: unknown): InlineKeyboardButton {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  const button = dropNulls(value as Record<string, unknown>);
  if (typeof button.text !== 'string')
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  const actions = INLINE_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0)
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  if (button.callback_data !== undefined) {
    if (typeof button.callback_data !== 'string')
      throw badRequest('can\'t parse inline keyboard button: Field "callback_data" must be of type String');
    const size = Buffer.byteLength(button.callback_data, 'utf8');
    if (size === 0 || size > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (button.url !== undefined && (typeof button.url !== 'string' || !isButtonUrl(button.url)))
    throw badRequest('BUTTON_URL_INVALID');
  return button as unknown as InlineKeyboardButton;
}

function isButtonUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      ['http:', 'https:', 'tg:'].includes(parsed.protocol) && (parsed.protocol === 'tg:' || parsed.hostname !== '')
    );
  } catch {
    return false;
  }
}

function parseReplyKeyboard(object: Record<string, unknown>): ReplyKeyboardMarkup {
  const rows = object.keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
  }
  const keyboard = (rows as unknown[][]).map((row) =>
    row.map((button): KeyboardButton => {
      if (typeof button === 'string') return { text: button };
      if (button === null || typeof button !== 'object' || typeof (button as { text?: unknown }).text !== 'string') {
        throw badRequest('can\'t parse keyboard button: Field "text" must be of type String');
      }
      return dropNulls(button as Record<string, unknown>) as unknown as KeyboardButton;
    }),
  );
  return withOptional({ keyboard }, object, [
    'is_persistent',
    'resize_keyboard',
    'one_time_keyboard',
    'input_field_placeholder',
    'selective',
  ]) as unknown as ReplyKeyboardMarkup;
}

function withOptional(
  base: Record<string, unknown>,
  source: Record<string, unknown>,
  keys: string[],
): Record<string, unknown> {
  for (const key of keys) if (source[key] !== undefined && source[key] !== null) base[key] = source[key];
  return base;
}

function dropNulls(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined));
}
