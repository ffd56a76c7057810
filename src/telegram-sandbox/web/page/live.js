// Live updates: the sandbox's event stream, notices such as the SMS with a login code, and resyncing after a drop.
/* global EventSource -- the page runs in a browser */

import { $, API, call, h, state, toast, ui } from './core.js';
import { inputChanged } from './composer.js';
import { apply, openChat, renderSellerButton } from './chat.js';
import { renderSellers } from './sellers.js';

function showNotice(notice) {
  const code = (/\b\d{4,8}\b/.exec(notice.text) || [])[0];
  const card = h(
    'div',
    { class: 'notice', role: 'status' },
    h('div', { class: 'notice-title', text: notice.title }),
    h('div', { class: 'notice-text', text: notice.text }),
    code ? h('div', { class: 'notice-hint', text: 'Нажмите, чтобы вставить код' }) : null,
  );
  card.addEventListener('click', () => {
    card.remove();
    if (code && state.current && !ui.composer.classList.contains('hidden')) {
      ui.input.value = code;
      inputChanged();
      ui.input.focus();
    }
  });
  ui.notices.prepend(card);
  while (ui.notices.children.length > 3) ui.notices.lastChild.remove();
  setTimeout(() => card.remove(), 90000);
}

function handle(event) {
  if (event.type === 'notice') return showNotice(event);
  if (event.type === 'seller') {
    if (!state.sellers.some((seller) => seller.id === event.seller.id)) state.sellers.push(event.seller);
    return renderSellers();
  }
  if (!state.current || event.chat_id !== state.current.id) {
    if (event.type === 'message' && event.message.from === 'bot') {
      state.unread.set(event.chat_id, (state.unread.get(event.chat_id) || 0) + 1);
      renderSellerButton();
    }
    return;
  }
  if (state.loading) return void state.queued.push(event);
  apply(event);
}

async function resync() {
  try {
    const data = await call('state');
    state.sellers = data.sellers || [];
    state.phoneHints = data.phone_hints || [];
    renderSellers();
    const current = state.current && state.sellers.find((seller) => seller.id === state.current.id);
    const next = current || state.sellers[0];
    if (next) await openChat(next.id);
  } catch (error) {
    toast(error.message);
  }
}

export function connect() {
  const source = new EventSource(`${API}events`);
  let opened = false;
  source.onopen = () => {
    $('offline').classList.add('hidden');
    // After a lost connection the chat may have moved on, or the sandbox restarted: load everything again.
    if (opened) resync();
    opened = true;
  };
  source.onerror = () => $('offline').classList.remove('hidden');
  source.onmessage = (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    handle(event);
  };
}
