// Message formatting: Telegram's entities as DOM nodes.
/* global document -- the page runs in a browser */

import { h, safeUrl } from './core.js';
import { sendText } from './send.js';

const CODE_TYPES = new Set(['code', 'pre']);

/** Telegram's entities (UTF-16 offsets, as JavaScript strings count) as a DOM tree; overlaps are split. */
export function formatted(text, entities) {
  const items = (entities || [])
    .filter(
      (entity) =>
        entity &&
        Number.isInteger(entity.offset) &&
        Number.isInteger(entity.length) &&
        entity.length > 0 &&
        entity.offset >= 0 &&
        entity.offset < text.length,
    )
    .map((entity) => ({
      entity,
      start: entity.offset,
      end: Math.min(text.length, entity.offset + entity.length),
    }))
    .sort(byPosition);
  const fragment = document.createDocumentFragment();
  build(fragment, text, 0, text.length, items, { code: false, link: false });
  return fragment;
}

function byPosition(left, right) {
  return left.start - right.start || right.end - left.end;
}

function build(parent, text, start, end, items, context) {
  let position = start;
  let queue = items.slice();
  while (queue.length > 0) {
    let item = queue.shift();
    if (item.end <= position) continue;
    if (item.start < position) item = { ...item, start: position };
    if (item.start > position) appendText(parent, text.slice(position, item.start), context);
    const inside = [];
    const rest = [];
    for (const other of queue) {
      if (other.start >= item.end) rest.push(other);
      else if (other.end <= item.end) inside.push(other);
      else {
        inside.push({ ...other, end: item.end });
        rest.push({ ...other, start: item.end });
      }
    }
    queue = rest.sort(byPosition);
    const node = entityNode(item.entity, text.slice(item.start, item.end), context);
    build(node.inner, text, item.start, item.end, inside.sort(byPosition), {
      code: context.code || CODE_TYPES.has(item.entity.type),
      link: context.link || node.isLink,
    });
    parent.append(node.outer);
    position = item.end;
  }
  if (position < end) appendText(parent, text.slice(position, end), context);
}

/** Plain text; bare http(s) links and /commands become live, as Telegram's servers mark them in any message. */
function appendText(parent, value, context) {
  if (context.code || context.link) return void parent.append(value);
  const pattern =
    /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|((?<![\w/])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))/g;
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    let node;
    if (match[1]) {
      const href = safeUrl(match[1]);
      if (!href) continue;
      node = h('a', { href, target: '_blank', rel: 'noopener noreferrer', text: match[1] });
    } else {
      node = entityNode({ type: 'bot_command' }, match[2], context).outer;
      node.textContent = match[2];
    }
    parent.append(value.slice(last, match.index));
    parent.append(node);
    last = match.index + match[0].length;
  }
  parent.append(value.slice(last));
}

function entityNode(entity, covered, context) {
  const simple = (tag, className) => {
    const node = h(tag, className ? { class: className } : {});
    return { outer: node, inner: node, isLink: false };
  };
  const link = (href) => {
    if (!href || context.link) return simple('span', 'link');
    const node = h('a', { href, target: '_blank', rel: 'noopener noreferrer' });
    return { outer: node, inner: node, isLink: true };
  };
  switch (entity.type) {
    case 'bold':
      return simple('b');
    case 'italic':
      return simple('i');
    case 'underline':
      return simple('u');
    case 'strikethrough':
      return simple('s');
    case 'code':
      return simple('code');
    case 'pre': {
      const code = h(
        'code',
        entity.language ? { class: `language-${String(entity.language).replace(/[^\w-]/g, '')}` } : {},
      );
      return { outer: h('pre', {}, code), inner: code, isLink: false };
    }
    case 'spoiler': {
      const node = h('span', { class: 'spoiler', title: 'Показать' });
      node.addEventListener('click', () => node.classList.add('revealed'));
      return { outer: node, inner: node, isLink: false };
    }
    case 'blockquote':
      return simple('blockquote');
    case 'expandable_blockquote': {
      const node = h('blockquote', { class: 'collapsed', title: 'Развернуть' });
      node.addEventListener('click', () => node.classList.toggle('collapsed'));
      return { outer: node, inner: node, isLink: false };
    }
    case 'text_link':
      return link(safeUrl(entity.url));
    case 'url':
      return link(safeUrl(covered));
    case 'email':
      return link(safeUrl(`mailto:${covered}`));
    case 'phone_number':
      return link(safeUrl(`tel:${covered.replace(/[^\d+]/g, '')}`));
    case 'mention':
    case 'text_mention':
      return simple('span', 'mention');
    case 'hashtag':
    case 'cashtag':
      return simple('span', 'hashtag');
    case 'bot_command': {
      const node = h('span', { class: 'command', title: 'Отправить команду' });
      // Tapping a command in a message sends it, as in Telegram.
      node.addEventListener('click', () => sendText(covered.replace(/@\w+$/, '')));
      return { outer: node, inner: node, isLink: false };
    }
    default:
      return simple('span');
  }
}
