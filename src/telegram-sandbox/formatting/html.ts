import type { MessageEntity } from 'grammy/types';

import { byteOffset, entityError, isSpace, normaliseUrl, sortEntities, type FormattedText } from './entity-helpers.js';

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

/** `parse_mode: HTML`: the tags Telegram supports, entities decoded, TDLib's wording for every mistake. */
export function parseHtml(source: string): FormattedText {
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
