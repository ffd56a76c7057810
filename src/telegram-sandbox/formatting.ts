import type { MessageEntity } from 'grammy/types';

import { badRequest } from './api-params.js';
import { sortEntities, type FormattedText } from './formatting/entity-helpers.js';
import { parseHtml } from './formatting/html.js';
import { parseMarkdown } from './formatting/markdown.js';
import { parseMarkdownV2 } from './formatting/markdown-v2.js';

/**
 * Turns `text` + `parse_mode` (or explicit `entities`) into plain text and entities the way
 * Telegram's TDLib parsers do, with their error wording, so a bot that forgets to escape user
 * input fails here as it would in production. Offsets are UTF-16 code units, byte offsets in
 * error messages are UTF-8 bytes, as in the real answers.
 */
export function parseFormattedText(
  text: string,
  parseMode: string | undefined,
  explicitEntities: unknown,
): FormattedText {
  if (explicitEntities !== undefined) return { text, entities: validateEntities(explicitEntities, text) };
  switch ((parseMode ?? '').toLowerCase()) {
    case '':
      return { text, entities: [] };
    case 'html':
      return parseHtml(text);
    case 'markdownv2':
      return parseMarkdownV2(text);
    case 'markdown':
      return parseMarkdown(text);
    default:
      throw badRequest('unsupported parse_mode');
  }
}

/** `bot_command` entities a Telegram client attaches to what a user types. */
export function detectBotCommands(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const pattern = /(^|[\s])(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|[\s.,!?;:])/g;
  for (const match of text.matchAll(pattern)) {
    const command = match[2] ?? '';
    entities.push({
      type: 'bot_command',
      offset: (match.index ?? 0) + (match[1] ?? '').length,
      length: command.length,
    });
  }
  return entities;
}

function validateEntities(value: unknown, text: string): MessageEntity[] {
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  const entities: MessageEntity[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object') throw badRequest("can't parse MessageEntity: object expected");
    const entity = item as Record<string, unknown>;
    if (typeof entity.type !== 'string')
      throw badRequest('can\'t parse MessageEntity: Field "type" must be of type String');
    if (typeof entity.offset !== 'number' || typeof entity.length !== 'number') {
      throw badRequest('can\'t parse MessageEntity: Field "offset" must be of type Number');
    }
    if (entity.offset < 0 || entity.length <= 0 || entity.offset + entity.length > text.length) continue;
    entities.push({ ...(entity as unknown as MessageEntity) });
  }
  return sortEntities(entities);
}
