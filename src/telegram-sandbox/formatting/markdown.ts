import type { MessageEntity } from 'grammy/types';

import { byteOffset, entityError, isSpace, normaliseUrl, sortEntities, type FormattedText } from './entity-helpers.js';

/** Telegram's legacy `Markdown`: _italic_, *bold*, `code`, ```pre```, [text](url), no nesting. */
export function parseMarkdown(source: string): FormattedText {
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
