import type { MessageEntity } from 'grammy/types';

import { badRequest, type BotApiError } from '../api-params.js';

/** Plain text and its entities, as Telegram stores a formatted message. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** Telegram's answer to a formatting mistake: `can't parse entities: …`. */
export function entityError(message: string): BotApiError {
  return badRequest(`can't parse entities: ${message}`);
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((left, right) => left.offset - right.offset || right.length - left.length);
}

export function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

export function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n' || char === '\v' || char === '\f';
}

/** TDLib's check_url, roughly: http(s) links with a dotted host (normalised like Telegram does), tg:// and ton:// links. */
export function normaliseUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed);
  const candidate = hasScheme ? trimmed : `http://${trimmed}`;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    if (!parsed.hostname.includes('.') && parsed.hostname !== 'localhost') return undefined;
    return parsed.href;
  }
  if (parsed.protocol === 'tg:' || parsed.protocol === 'ton:') return candidate;
  return undefined;
}
