// The chat page's entry point: wires the controls and opens the first seller's chat.
/* global document, localStorage, window -- the page runs in a browser */

import { $, call, initialOf, state, toast, ui } from './core.js';
import { sendText } from './send.js';
import { hideCommands, inputChanged, renderKeyboard, sendFromInput, showCommands, upload } from './composer.js';
import { openChat, refreshCommands } from './chat.js';
import { closeSellers, createSeller, openSellers, renderSellers } from './sellers.js';
import { connect } from './live.js';
import { followNewest } from './follow.js';

function bind() {
  followNewest();
  ui.input.addEventListener('input', inputChanged);
  ui.input.addEventListener('keydown', (event) => {
    const touch = window.matchMedia('(pointer: coarse)').matches;
    if (event.key === 'Enter' && !event.shiftKey && !touch && !event.isComposing) {
      event.preventDefault();
      sendFromInput();
    } else if (event.key === 'Escape') hideCommands();
  });
  ui.send.addEventListener('click', sendFromInput);
  ui.start.addEventListener('click', () => sendText('/start'));
  ui.menuButton.addEventListener('click', async () => {
    if (!ui.commandMenu.classList.contains('hidden')) return hideCommands();
    await refreshCommands();
    showCommands(undefined);
  });
  ui.keyboardToggle.addEventListener('click', () => {
    state.keyboardHidden = !state.keyboardHidden;
    renderKeyboard();
  });
  $('attach-button').addEventListener('click', () => $('file-input').click());
  $('file-input').addEventListener('change', async () => {
    const input = $('file-input');
    const file = input.files && input.files[0];
    await upload(file);
    input.value = '';
  });
  $('seller-button').addEventListener('click', openSellers);
  $('sellers-close').addEventListener('click', closeSellers);
  $('sellers-overlay').addEventListener('click', (event) => {
    if (event.target === $('sellers-overlay')) closeSellers();
  });
  $('seller-form').addEventListener('submit', createSeller);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      hideCommands();
      closeSellers();
    }
  });
  ui.scroller.addEventListener('click', hideCommands);
}

async function start() {
  bind();
  const data = await call('state');
  state.bot = data.bot;
  state.sellers = data.sellers || [];
  state.phoneHints = data.phone_hints || [];
  const initial = initialOf(state.bot.first_name);
  $('bot-name').textContent = state.bot.first_name;
  $('bot-avatar').textContent = initial;
  $('empty-avatar').textContent = initial;
  $('empty-title').textContent = state.bot.first_name;
  $('empty-about').textContent = state.bot.description || `@${state.bot.username}`;
  $('sandbox-hint').textContent = `@${state.bot.username} · Telegram на этом компьютере`;
  renderSellers();
  connect();
  let saved = NaN;
  try {
    saved = Number(localStorage.getItem('sandbox-seller'));
  } catch {
    /* private mode */
  }
  const first = state.sellers.find((seller) => seller.id === saved) || state.sellers[0];
  if (first) await openChat(first.id);
  else openSellers();
}

start().catch((error) => toast(`Песочница не отвечает: ${error.message}`));
