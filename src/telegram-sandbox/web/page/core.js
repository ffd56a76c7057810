// Shared by every part of the page: the elements, the page's state, its API client and small helpers.
/* global clearTimeout, document, fetch -- the page runs in a browser */
// Everything a message carries is put on the page as text nodes or checked attributes: never as markup.

export const API = '/sandbox-api/';

export const $ = (id) => document.getElementById(id);

export const ui = {
  list: $('message-list'),
  scroller: $('messages'),
  empty: $('empty'),
  input: $('input'),
  send: $('send-button'),
  menuButton: $('menu-button'),
  commandMenu: $('command-menu'),
  keyboard: $('reply-keyboard'),
  keyboardToggle: $('keyboard-toggle'),
  composer: $('composer'),
  start: $('start-button'),
  status: $('bot-status'),
  toast: $('toast'),
  notices: $('notices'),
};

export const state = {
  bot: null,
  sellers: [],
  phoneHints: [],
  current: null,
  messages: new Map(),
  nodes: new Map(),
  keyboard: null,
  keyboardHidden: false,
  commands: [],
  unread: new Map(),
  loading: false,
  queued: [],
  typingTimer: 0,
  toastTimer: 0,
};

export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export async function call(path, options = {}) {
  const init = { method: options.method || 'GET', headers: { ...(options.headers || {}) } };
  if (options.json !== undefined) {
    init.body = JSON.stringify(options.json);
    init.headers['content-type'] = 'application/json';
  } else if (options.body !== undefined) init.body = options.body;
  const response = await fetch(API + path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `Ошибка ${response.status}`);
  return data;
}

export function safeUrl(raw) {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `http://${raw}`;
  try {
    const url = new URL(candidate);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function localFileUrl(url) {
  return typeof url === 'string' && url.startsWith(API) ? url : null;
}

export function colorOf(id) {
  return `c${Math.abs(Number(id) || 0) % 7}`;
}

export function initialOf(name) {
  return (String(name || '?').trim()[0] || '?').toUpperCase();
}

/** The bot speaks the seller's local time (Kazakhstan's, unless the seller says otherwise): so do the bubbles. */
export const DEFAULT_TIME_ZONE = 'Asia/Almaty';

export function time(seconds, timeZone = DEFAULT_TIME_ZONE) {
  const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  try {
    return new Date(seconds * 1000).toLocaleTimeString('ru-RU', { ...options, timeZone });
  } catch {
    return new Date(seconds * 1000).toLocaleTimeString('ru-RU', { ...options, timeZone: DEFAULT_TIME_ZONE });
  }
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} Б`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace('.', ',')} КБ`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} МБ`;
}

export function formatPhone(digits) {
  const d = String(digits).replace(/\D/g, '');
  return d.length === 11 ? `+${d[0]} ${d.slice(1, 4)} ${d.slice(4, 7)} ${d.slice(7, 9)} ${d.slice(9)}` : `+${d}`;
}

export function toast(text) {
  ui.toast.textContent = text;
  ui.toast.classList.remove('hidden');
  clearTimeout(state.toastTimer);
  state.toastTimer = setTimeout(() => ui.toast.classList.add('hidden'), 2600);
}

/** Telegram's modal: an alert (one button) or a question (two). */
export function dialog(title, text, { ok = 'OK', cancel = null } = {}) {
  return new Promise((resolve) => {
    $('dialog-title').textContent = title;
    $('dialog-text').textContent = text;
    $('dialog-ok').textContent = ok;
    $('dialog-cancel').textContent = cancel || '';
    $('dialog-cancel').classList.toggle('hidden', !cancel);
    const overlay = $('dialog-overlay');
    overlay.classList.remove('hidden');
    const finish = (answer) => {
      overlay.classList.add('hidden');
      $('dialog-ok').onclick = null;
      $('dialog-cancel').onclick = null;
      resolve(answer);
    };
    $('dialog-ok').onclick = () => finish(true);
    $('dialog-cancel').onclick = () => finish(false);
    $('dialog-ok').focus();
  });
}
