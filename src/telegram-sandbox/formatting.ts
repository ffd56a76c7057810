import type { MessageEntity } from 'grammy/types';

import { badRequest, type BotApiError } from './api-params.js';

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

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

function entityError(message: string): BotApiError {
  return badRequest(`can't parse entities: ${message}`);
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

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((left, right) => left.offset - right.offset || right.length - left.length);
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n' || char === '\v' || char === '\f';
}

/** TDLib's check_url, roughly: http(s) links with a dotted host (normalised like Telegram does), tg:// and ton:// links. */
function normaliseUrl(url: string): string | undefined {
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

// ---------------------------------------------------------------- HTML

const HTML_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'pre',
  'code',
  'blockquote',
]);

interface OpenTag {
  tag: string;
  argument: string;
  offset: number;
}

function decodeHtmlEntity(source: string, position: number): { value: string; end: number } | undefined {
  const numeric = /^&#(x[0-9a-f]{1,8}|[0-9]{1,9});?/i.exec(source.slice(position, position + 12));
  if (numeric) {
    const body = numeric[1] ?? '';
    const code = body[0] === 'x' || body[0] === 'X' ? Number.parseInt(body.slice(1), 16) : Number.parseInt(body, 10);
    if (code === 0 || code >= 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { value: String.fromCodePoint(code), end: position + numeric[0].length };
  }
  const named = /^&([a-z]+);?/i.exec(source.slice(position, position + 8));
  const replacements: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  const value = named ? replacements[named[1] ?? ''] : undefined;
  return named && value !== undefined ? { value, end: position + named[0].length } : undefined;
}

function parseHtml(source: string): FormattedText {
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  const length = source.length;
  let out = '';
  let index = 0;
  const at = (position: number) => byteOffset(source, position);
  while (index < length) {
    const char = source[index];
    if (char === '&') {
      const decoded = decodeHtmlEntity(source, index);
      // TDLib keeps an undecodable '&' as is; the sandbox is stricter so unescaped user input is caught in tests.
      if (!decoded)
        throw entityError(
          `Character '&' at byte offset ${at(index)} is not a part of an HTML entity; write it as &amp;`,
        );
      out += decoded.value;
      index = decoded.end;
      continue;
    }
    if (char !== '<') {
      out += char;
      index++;
      continue;
    }
    const begin = index;
    index++;
    if (source[index] !== '/') {
      let end = index;
      while (end < length && !isSpace(source[end]) && source[end] !== '>') end++;
      if (end >= length) throw entityError(`Unclosed start tag at byte offset ${at(begin)}`);
      const tag = source.slice(index, end).toLowerCase();
      if (!HTML_TAGS.has(tag)) throw entityError(`Unsupported start tag "${tag}" at byte offset ${at(begin)}`);
      index = end;
      let argument = '';
      for (;;) {
        while (index < length && isSpace(source[index])) index++;
        if (index >= length) throw entityError(`Unclosed start tag at byte offset ${at(begin)}`);
        if (source[index] === '>') break;
        const nameStart = index;
        while (index < length && !isSpace(source[index]) && source[index] !== '=' && source[index] !== '>') index++;
        const attribute = source.slice(nameStart, index).toLowerCase();
        if (attribute === '') throw entityError(`Empty attribute name in the tag "${tag}" at byte offset ${at(begin)}`);
        while (index < length && isSpace(source[index])) index++;
        if (source[index] !== '=') {
          if (index >= length) throw entityError(`Unclosed start tag at byte offset ${at(begin)}`);
          if (tag === 'blockquote' && attribute === 'expandable') {
            argument = 'expandable';
            continue;
          }
          throw entityError(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${at(begin)}`,
          );
        }
        index++;
        while (index < length && isSpace(source[index])) index++;
        if (index >= length) throw entityError(`Unclosed start tag at byte offset ${at(begin)}`);
        let value = '';
        const quote = source[index];
        if (quote === '"' || quote === "'") {
          index++;
          while (index < length && source[index] !== quote) {
            if (source[index] === '&') {
              const decoded = decodeHtmlEntity(source, index);
              if (decoded) {
                value += decoded.value;
                index = decoded.end;
                continue;
              }
            }
            value += source[index];
            index++;
          }
          if (index >= length) throw entityError(`Unclosed start tag at byte offset ${at(begin)}`);
          index++;
        } else {
          const tokenStart = index;
          while (index < length && /[A-Za-z0-9.-]/.test(source[index] ?? '')) index++;
          value = source.slice(tokenStart, index).toLowerCase();
          if (index < length && !isSpace(source[index]) && source[index] !== '>') {
            throw entityError(`Unexpected end of name token at byte offset ${at(tokenStart)}`);
          }
        }
        if (tag === 'a' && attribute === 'href') argument = value;
        else if (tag === 'code' && attribute === 'class' && value.startsWith('language-'))
          argument = value.slice('language-'.length);
        else if (tag === 'span' && attribute === 'class' && value.startsWith('tg-'))
          argument = value.slice('tg-'.length);
        else if (tag === 'tg-emoji' && attribute === 'emoji-id') argument = value;
      }
      if (tag === 'span' && argument !== 'spoiler')
        throw entityError(`Tag "span" must have class "tg-spoiler" at byte offset ${at(begin)}`);
      index++;
      stack.push({ tag, argument, offset: out.length });
      continue;
    }
    const open = stack.pop();
    if (!open) throw entityError(`Unexpected end tag at byte offset ${at(begin)}`);
    let end = index + 1;
    while (end < length && !isSpace(source[end]) && source[end] !== '>') end++;
    const endTag = source.slice(index + 1, end).toLowerCase();
    while (end < length && isSpace(source[end])) end++;
    if (source[end] !== '>') throw entityError(`Unclosed end tag at byte offset ${at(begin)}`);
    if (endTag !== '' && endTag !== open.tag) {
      throw entityError(
        `Unmatched end tag at byte offset ${at(begin)}, expected "</${open.tag}>", found "</${endTag}>"`,
      );
    }
    index = end + 1;
    const entityLength = out.length - open.offset;
    if (entityLength === 0) continue;
    const parent = stack[stack.length - 1];
    // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
    if (open.tag === 'code' && open.argument !== '' && parent?.tag === 'pre' && parent.offset === open.offset) {
      parent.argument = open.argument;
      continue;
    }
    const entity = htmlEntity(open, entityLength, out);
    if (entity) entities.push(entity);
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw entityError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  return { text: out, entities: sortEntities(entities) };
}

function htmlEntity(open: OpenTag, length: number, out: string): MessageEntity | undefined {
  const offset = open.offset;
  switch (open.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', offset, length };
    case 'i':
    case 'em':
      return { type: 'italic', offset, length };
    case 'u':
    case 'ins':
      return { type: 'underline', offset, length };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', offset, length };
    case 'span':
    case 'tg-spoiler':
      return { type: 'spoiler', offset, length };
    case 'code':
      return { type: 'code', offset, length };
    case 'pre':
      return open.argument ? { type: 'pre', offset, length, language: open.argument } : { type: 'pre', offset, length };
    case 'blockquote':
      return { type: open.argument === 'expandable' ? 'expandable_blockquote' : 'blockquote', offset, length };
    case 'tg-emoji':
      return open.argument ? { type: 'custom_emoji', offset, length, custom_emoji_id: open.argument } : undefined;
    case 'a': {
      const url = normaliseUrl(open.argument || out.slice(offset, offset + length));
      return url ? { type: 'text_link', offset, length, url } : undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- MarkdownV2

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

function parseMarkdownV2(source: string): FormattedText {
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

// ---------------------------------------------------------------- legacy Markdown

function parseMarkdown(source: string): FormattedText {
  const entities: MessageEntity[] = [];
  const length = source.length;
  let out = '';
  for (let index = 0; index < length; index++) {
    const char = source[index] ?? '';
    if (char === '\\' && '_*`['.includes(source[index + 1] ?? ' ')) {
      index++;
      out += source[index];
      continue;
    }
    if (!'_*`['.includes(char)) {
      out += char;
      continue;
    }
    const begin = index;
    const endChar = char === '[' ? ']' : char;
    let isPre = false;
    let language = '';
    index++;
    if (char === '`' && source[index] === '`' && source[index + 1] === '`') {
      index += 2;
      isPre = true;
      let languageEnd = index;
      while (languageEnd < length && !isSpace(source[languageEnd]) && source[languageEnd] !== '`') languageEnd++;
      if (languageEnd !== index && languageEnd < length && source[languageEnd] !== '`') {
        language = source.slice(index, languageEnd);
        index = languageEnd;
      }
      if (source[index] === '\n' || source[index] === '\r') {
        const pair = (source[index + 1] === '\n' || source[index + 1] === '\r') && source[index] !== source[index + 1];
        index += pair ? 2 : 1;
      }
    }
    const offset = out.length;
    while (
      index < length &&
      (source[index] !== endChar || (isPre && !(source[index + 1] === '`' && source[index + 2] === '`')))
    ) {
      out += source[index];
      index++;
    }
    if (index >= length)
      throw entityError(`Can't find end of the entity starting at byte offset ${byteOffset(source, begin)}`);
    const entityLength = out.length - offset;
    if (entityLength > 0) {
      if (char === '_') entities.push({ type: 'italic', offset, length: entityLength });
      else if (char === '*') entities.push({ type: 'bold', offset, length: entityLength });
      else if (char === '`') {
        entities.push(
          isPre
            ? language
              ? { type: 'pre', offset, length: entityLength, language }
              : { type: 'pre', offset, length: entityLength }
            : { type: 'code', offset, length: entityLength },
        );
      } else {
        let url = out.slice(offset);
        if (source[index + 1] === '(') {
          const close = source.indexOf(')', index + 2);
          if (close >= 0) {
            url = source.slice(index + 2, close);
            index = close;
          }
        }
        const normalised = normaliseUrl(url);
        if (normalised) entities.push({ type: 'text_link', offset, length: entityLength, url: normalised });
      }
    }
    if (isPre) index += 2;
  }
  return { text: out, entities: sortEntities(entities) };
}
