import type { MessageEntity } from 'grammy/types';

import type { BotApiError } from '../api-params.js';
import { byteOffset, entityError, isSpace, normaliseUrl, sortEntities, type FormattedText } from './entity-helpers.js';

type MarkdownType =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji';

interface OpenMarkdown {
  type: MarkdownType;
  argument: string;
  offset: number;
  byteOffset: number;
}

const RESERVED_V2 = '_*[]()~`>#+-=|{}.!';

function reservedError(char: string): BotApiError {
  return entityError(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
}

function isEscapable(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  return code > 0 && code <= 126;
}

/** `parse_mode: MarkdownV2`: nesting, quotes and links, every reserved character escaped or refused as TDLib does. */
export function parseMarkdownV2(source: string): FormattedText {
  const entities: MessageEntity[] = [];
  const stack: OpenMarkdown[] = [];
  const length = source.length;
  let out = '';
  let quoteStart: number | undefined;
  const closeQuote = () => {
    if (quoteStart !== undefined && out.length > quoteStart)
      entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart });
    quoteStart = undefined;
  };
  for (let index = 0; index < length; index++) {
    const char = source[index] ?? '';
    const lineStart = index === 0 || source[index - 1] === '\n';
    if (lineStart && stack.length === 0) {
      if (char === '>') {
        quoteStart ??= out.length;
        continue;
      }
      if (quoteStart !== undefined) {
        // The quote ends with the line before; the newline itself stays outside the entity.
        const newlineKept = out.endsWith('\n');
        if (newlineKept) out = out.slice(0, -1);
        closeQuote();
        if (newlineKept) out += '\n';
      }
    }
    if (char === '\\' && isEscapable(source[index + 1])) {
      index++;
      out += source[index];
      continue;
    }
    const top = stack[stack.length - 1];
    const inCode = top !== undefined && (top.type === 'Code' || top.type === 'Pre' || top.type === 'PreCode');
    const reserved = inCode ? '`' : RESERVED_V2;
    if (!reserved.includes(char)) {
      out += char;
      continue;
    }
    const next = source[index + 1];
    let closes = false;
    if (top) {
      switch (top.type) {
        case 'Bold':
          closes = char === '*';
          break;
        case 'Italic':
          closes = char === '_' && next !== '_';
          break;
        case 'Code':
          closes = char === '`';
          break;
        case 'Pre':
        case 'PreCode':
          closes = char === '`' && next === '`' && source[index + 2] === '`';
          break;
        case 'TextUrl':
        case 'CustomEmoji':
          closes = char === ']';
          break;
        case 'Underline':
          closes = char === '_' && next === '_';
          break;
        case 'Strikethrough':
          closes = char === '~';
          break;
        case 'Spoiler':
          closes = char === '|' && next === '|';
          break;
      }
    }
    if (!closes) {
      const entityByteOffset = byteOffset(source, index);
      let type: MarkdownType;
      let argument = '';
      switch (char) {
        case '_':
          if (next === '_') {
            type = 'Underline';
            index++;
          } else {
            type = 'Italic';
          }
          break;
        case '*':
          type = 'Bold';
          break;
        case '~':
          type = 'Strikethrough';
          break;
        case '|':
          if (next !== '|') throw reservedError(char);
          type = 'Spoiler';
          index++;
          break;
        case '[':
          type = 'TextUrl';
          break;
        case '!':
          if (next !== '[') throw reservedError(char);
          type = 'CustomEmoji';
          index++;
          break;
        case '`':
          if (next === '`' && source[index + 2] === '`') {
            index += 3;
            type = 'Pre';
            let languageEnd = index;
            while (languageEnd < length && !isSpace(source[languageEnd]) && source[languageEnd] !== '`') languageEnd++;
            if (languageEnd !== index && languageEnd < length && source[languageEnd] !== '`') {
              type = 'PreCode';
              argument = source.slice(index, languageEnd);
              index = languageEnd;
            }
            if (source[index] === '\n' || source[index] === '\r') {
              const pair =
                (source[index + 1] === '\n' || source[index + 1] === '\r') && source[index] !== source[index + 1];
              index += pair ? 2 : 1;
            }
            index--;
          } else {
            type = 'Code';
          }
          break;
        default:
          throw reservedError(char);
      }
      stack.push({ type, argument, offset: out.length, byteOffset: entityByteOffset });
      continue;
    }
    const open = stack.pop() as OpenMarkdown;
    const entityLength = out.length - open.offset;
    let skip = entityLength === 0;
    let url = '';
    switch (open.type) {
      case 'Underline':
      case 'Spoiler':
        index++;
        break;
      case 'Pre':
      case 'PreCode':
        index += 2;
        break;
      case 'TextUrl':
      case 'CustomEmoji': {
        if (source[index + 1] !== '(') {
          url = out.slice(open.offset);
        } else {
          index += 2;
          const urlStart = index;
          while (index < length && source[index] !== ')') {
            if (source[index] === '\\' && isEscapable(source[index + 1])) {
              url += source[index + 1];
              index += 2;
              continue;
            }
            url += source[index];
            index++;
          }
          if (source[index] !== ')')
            throw entityError(`Can't find end of a URL at byte offset ${byteOffset(source, urlStart)}`);
        }
        if (open.type === 'CustomEmoji') {
          const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
          if (!id) throw entityError('Custom emoji entity must contain a tg://emoji URL');
          open.argument = id;
        } else {
          const normalised = normaliseUrl(url);
          if (normalised === undefined) skip = true;
          else open.argument = normalised;
        }
        break;
      }
      default:
        break;
    }
    if (!skip) entities.push(markdownEntity(open.type, open.offset, entityLength, open.argument));
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw entityError(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byteOffset}`);
  closeQuote();
  return { text: out, entities: sortEntities(entities) };
}

function markdownEntity(type: MarkdownType, offset: number, length: number, argument: string): MessageEntity {
  switch (type) {
    case 'Bold':
      return { type: 'bold', offset, length };
    case 'Italic':
      return { type: 'italic', offset, length };
    case 'Underline':
      return { type: 'underline', offset, length };
    case 'Strikethrough':
      return { type: 'strikethrough', offset, length };
    case 'Spoiler':
      return { type: 'spoiler', offset, length };
    case 'Code':
      return { type: 'code', offset, length };
    case 'Pre':
      return { type: 'pre', offset, length };
    case 'PreCode':
      return { type: 'pre', offset, length, language: argument };
    case 'TextUrl':
      return { type: 'text_link', offset, length, url: argument };
    case 'CustomEmoji':
      return { type: 'custom_emoji', offset, length, custom_emoji_id: argument };
  }
}
