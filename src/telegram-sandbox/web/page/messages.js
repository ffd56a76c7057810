// The message list: bubbles, inline keyboards, and keeping the list in order as messages come and go.
/* global navigator, window -- the page runs in a browser */

import {
  call,
  colorOf,
  dialog,
  formatPhone,
  formatSize,
  h,
  initialOf,
  localFileUrl,
  safeUrl,
  state,
  time,
  toast,
  ui,
} from './core.js';
import { formatted } from './entities.js';
import { scrollToBottom, wasAtBottom } from './follow.js';

function authorName(message) {
  return message.from === 'bot'
    ? state.bot
      ? state.bot.first_name
      : 'Бот'
    : state.current
      ? state.current.first_name
      : 'Вы';
}

function snippet(message) {
  if (message.text) return message.text;
  if (message.caption) return message.caption;
  if (message.document) return `📄 ${message.document.file_name}`;
  if (message.photo) return '🖼 Фото';
  if (message.contact) return '👤 Контакт';
  return 'Сообщение';
}

function metaParts(message) {
  return [
    message.edits > 0 ? 'изменено' : '',
    time(message.date, state.current ? state.current.time_zone : undefined),
    message.from === 'user' ? '✓✓' : '',
  ].filter(Boolean);
}

function renderMessage(message) {
  const row = h('div', { class: `msg-row from-${message.from}`, dataset: { messageId: message.message_id } });
  const bubble = h('div', { class: 'bubble' });
  const body = message.text !== undefined ? message.text : message.caption;
  const entities = message.text !== undefined ? message.entities : message.caption_entities;
  if (message.reply_to_message_id !== undefined) {
    const target = state.messages.get(message.reply_to_message_id);
    if (target) {
      bubble.append(
        h(
          'div',
          { class: 'reply-quote', onclick: () => scrollToMessage(target.message_id) },
          h('div', { class: 'reply-author', text: authorName(target) }),
          h('div', { class: 'reply-snippet', text: snippet(target) }),
        ),
      );
    }
  }
  if (message.photo) {
    const url = localFileUrl(message.photo.url);
    const size =
      message.photo.width > 0 && message.photo.height > 0
        ? { width: message.photo.width, height: message.photo.height }
        : {};
    bubble.append(
      h(
        'a',
        { class: 'photo', href: url, target: '_blank', rel: 'noopener', title: 'Открыть фото' },
        h('img', { src: url, alt: 'Фото', ...size }),
      ),
    );
    if (!body) bubble.classList.add('media-only');
  }
  if (message.document) {
    const url = localFileUrl(message.document.url);
    const extension = (/\.([a-z0-9]{1,5})$/i.exec(message.document.file_name) || [])[1] || 'файл';
    bubble.append(
      h(
        'a',
        {
          class: 'document',
          href: url,
          download: message.document.file_name,
          title: `Скачать ${message.document.file_name}`,
        },
        h('span', { class: 'doc-icon', text: extension }),
        h(
          'span',
          { class: 'doc-info' },
          h('span', { class: 'doc-name', text: message.document.file_name }),
          h('span', { class: 'doc-size', text: `${formatSize(message.document.size)} · скачать` }),
        ),
      ),
    );
  }
  if (message.contact) {
    bubble.append(
      h(
        'div',
        { class: 'contact' },
        h('span', {
          class: `avatar ${colorOf(message.message_id)}`,
          text: initialOf(message.contact.first_name),
        }),
        h(
          'span',
          { class: 'info' },
          h('b', { text: message.contact.first_name }),
          h('span', { class: 'phone', text: formatPhone(message.contact.phone_number) }),
        ),
      ),
    );
  }
  if (body) {
    const text = h('div', { class: 'text' });
    text.append(formatted(body, entities));
    // An invisible copy of the time keeps the last line clear of the real one, as Telegram lays it out.
    text.append(h('span', { class: 'meta-spacer', 'aria-hidden': 'true', text: metaParts(message).join(' ') }));
    bubble.append(text);
  } else if (!message.photo && !message.document && !message.contact) {
    bubble.append(h('div', { class: 'text muted', text: 'Сообщение этого типа песочница не показывает' }));
  }
  bubble.append(
    h(
      'span',
      { class: 'meta' },
      ...metaParts(message).map((part) =>
        h('span', { class: part === 'изменено' ? 'edited' : part === '✓✓' ? 'ticks' : 'time', text: part }),
      ),
    ),
  );
  row.append(bubble);
  if (message.inline_keyboard && message.inline_keyboard.length) row.append(renderInlineKeyboard(message));
  return row;
}

function renderInlineKeyboard(message) {
  const box = h('div', { class: 'inline-keyboard' });
  for (const buttons of message.inline_keyboard) {
    const row = h('div', { class: 'ik-row' });
    for (const button of buttons) row.append(inlineButton(message, button));
    box.append(row);
  }
  return box;
}

function inlineButton(message, button) {
  const node = h(
    'button',
    { type: 'button', class: 'ik-button', title: button.text },
    h('span', { class: 'ik-text', text: button.text }),
  );
  if (button.url !== undefined || button.login_url !== undefined) {
    node.append(h('span', { class: 'ik-corner', text: '↗' }));
    node.addEventListener('click', () => openLink(button.url !== undefined ? button.url : button.login_url.url));
  } else if (button.callback_data !== undefined) {
    node.dataset.callbackData = button.callback_data;
    node.addEventListener('click', () => press(message.message_id, button.callback_data, node));
  } else if (button.copy_text !== undefined) {
    node.addEventListener('click', () => {
      const copied = navigator.clipboard
        ? navigator.clipboard.writeText(String(button.copy_text.text))
        : Promise.reject(new Error('no clipboard'));
      copied.then(
        () => toast('Скопировано'),
        () => toast(String(button.copy_text.text)),
      );
    });
  } else {
    node.addEventListener('click', () => toast('Такие кнопки песочница не поддерживает'));
  }
  return node;
}

async function openLink(raw) {
  const href = safeUrl(raw);
  if (!href) return toast('Ссылка не открывается');
  if (await dialog('Открыть ссылку?', href, { ok: 'Открыть', cancel: 'Отмена' }))
    window.open(href, '_blank', 'noopener,noreferrer');
}

async function press(messageId, data, node) {
  if (node.classList.contains('loading')) return;
  node.classList.add('loading');
  // Telegram spins until the bot answers the callback query, and gives up after a while.
  setTimeout(() => node.classList.remove('loading'), 15000);
  try {
    await call(`chats/${state.current.id}/callback`, { method: 'POST', json: { message_id: messageId, data } });
  } catch (error) {
    node.classList.remove('loading');
    toast(error.message);
  }
}

function scrollToMessage(id) {
  const node = state.nodes.get(id);
  if (!node) return;
  node.scrollIntoView({ block: 'center', behavior: 'smooth' });
  node.classList.remove('flash');
  void node.offsetWidth;
  node.classList.add('flash');
}

export function upsert(message, flash) {
  const known = state.messages.get(message.message_id);
  if (known && known.edits > message.edits) return;
  // The seller's own message always brings the chat down, as in Telegram; the bot's only when they were there.
  const stick = wasAtBottom() || (message.from === 'user' && !known);
  state.messages.set(message.message_id, message);
  const node = renderMessage(message);
  const old = state.nodes.get(message.message_id);
  if (old) {
    old.replaceWith(node);
    if (flash) node.classList.add('flash');
  } else {
    const after = [...state.nodes.entries()].filter(([id]) => id > message.message_id).sort((a, b) => a[0] - b[0])[0];
    if (after) ui.list.insertBefore(node, after[1]);
    else ui.list.append(node);
  }
  state.nodes.set(message.message_id, node);
  updateEmpty();
  // A new or grown message at the bottom: the resize observer follows too, this is for the same frame.
  if (stick) scrollToBottom();
}

export function remove(messageId) {
  const node = state.nodes.get(messageId);
  state.messages.delete(messageId);
  state.nodes.delete(messageId);
  if (node) node.remove();
  updateEmpty();
}

export function updateEmpty() {
  const empty = state.current !== null && state.messages.size === 0;
  ui.empty.classList.toggle('hidden', !empty);
  ui.start.classList.toggle('hidden', !empty);
  ui.composer.classList.toggle('hidden', empty);
}
