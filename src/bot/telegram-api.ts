import { autoRetry } from '@grammyjs/auto-retry';
import { Api, type Transformer } from 'grammy';

import { wellFormedPayloads } from './transformers/outgoing-text.js';
import { unchangedEditSucceeds } from './transformers/unchanged-edit.js';
import { countFailedCalls } from './middlewares/metrics.js';

/** Methods whose `text` Telegram formats by `parse_mode`. */
const TEXT_METHODS = new Set(['sendMessage', 'editMessageText']);
/** Methods whose `caption` Telegram formats by `parse_mode`. */
const CAPTION_METHODS = new Set([
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendAudio',
  'sendVoice',
  'editMessageCaption',
  'copyMessage',
]);

/** The tags Telegram's HTML knows; anything else that looks like a tag is text. */
const TAG = /<\/?(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|tg-spoiler|span|blockquote|tg-emoji)(?:\s[^<>]*)?>/iy;
const ENTITY = /&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/iy;

/**
 * Text meant as Telegram HTML with every `<`, `>` and `&` that is not part of a known tag or an entity escaped.
 * A seller's input quoted into a message (a price typed as «<5», a store named «A&B») must reach the chat as
 * typed instead of making Telegram refuse the whole message. Text that is already well-formed is unchanged.
 */
export function lenientHtml(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '<' || char === '&') {
      const pattern = char === '<' ? TAG : ENTITY;
      pattern.lastIndex = index;
      const match = pattern.exec(text);
      if (match) {
        out += match[0];
        index += match[0].length;
        continue;
      }
      out += char === '<' ? '&lt;' : '&amp;';
    } else out += char === '>' ? '&gt;' : char;
    index++;
  }
  return out;
}

/**
 * HTML is the bot's one parse mode: every message and caption that does not say otherwise is sent as HTML,
 * so no call site repeats `parse_mode` and none can forget it (a forgotten one shows the seller raw tags).
 */
const htmlByDefault: Transformer = (prev, method, payload, signal) => {
  const fields = payload as Record<string, unknown>;
  const key = TEXT_METHODS.has(method) ? 'text' : CAPTION_METHODS.has(method) ? 'caption' : undefined;
  const entities = key === 'text' ? 'entities' : 'caption_entities';
  if (!key || typeof fields[key] !== 'string' || fields.parse_mode !== undefined || fields[entities] !== undefined)
    return prev(method, payload, signal);
  return prev(method, { ...fields, [key]: lenientHtml(fields[key]), parse_mode: 'HTML' } as typeof payload, signal);
};

const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });

/**
 * The one transformer stack of every Telegram API object of the process: the bot's, each conversation's (grammY
 * does not carry `bot.api` transformers into conversations) and the notifier's. The last installed runs first:
 * counting sits under auto-retry to see every refused attempt.
 */
export function useTelegramTransformers(api: Api): Api {
  api.config.use(countFailedCalls);
  api.config.use(retry);
  api.config.use(wellFormedPayloads);
  api.config.use(htmlByDefault);
  api.config.use(unchangedEditSucceeds);
  return api;
}

/** A Telegram API object for code outside an update (the demper's digests, follow-ups). */
export function createTelegramApi(token: string, apiRoot: string): Api {
  return useTelegramTransformers(new Api(token, { apiRoot }));
}
