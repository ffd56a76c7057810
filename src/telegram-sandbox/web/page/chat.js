// The open chat: loading a seller's chat, the header, the bot's chat actions, and applying a change to the chat.
/* global clearTimeout, document, localStorage -- the page runs in a browser */

import { $, call, colorOf, dialog, initialOf, state, toast, ui } from './core.js';
import { remove, updateEmpty, upsert } from './messages.js';
import { scrollToBottom } from './follow.js';
import { setKeyboard } from './composer.js';

const STATUS = { typing: 'печатает…', upload_document: 'отправляет файл…', upload_photo: 'отправляет фото…' };

export function renderSellerButton() {
  const seller = state.current;
  $('seller-name').textContent = seller ? seller.first_name : 'Продавец';
  $('seller-avatar').textContent = seller ? initialOf(seller.first_name) : '?';
  $('seller-avatar').className = `avatar small ${seller ? colorOf(seller.id) : ''}`;
  let others = 0;
  for (const [id, count] of state.unread) if (!seller || id !== seller.id) others += count;
  $('others-unread').textContent = String(others);
  $('others-unread').classList.toggle('hidden', others === 0);
  document.title = `${others ? `(${others}) ` : ''}${state.bot ? state.bot.first_name : 'Бот'} — песочница`;
}

export async function openChat(id) {
  const seller = state.sellers.find((candidate) => candidate.id === id);
  if (!seller) return;
  state.current = seller;
  state.loading = true;
  state.queued = [];
  state.messages.clear();
  state.nodes.clear();
  ui.list.replaceChildren();
  state.unread.set(id, 0);
  try {
    localStorage.setItem('sandbox-seller', String(id));
  } catch {
    /* private mode */
  }
  renderSellerButton();
  stopTyping();
  try {
    const chat = await call(`chats/${id}`);
    if (state.current !== seller) return;
    for (const message of chat.messages) upsert(message, false);
    state.commands = chat.commands || [];
    ui.menuButton.classList.toggle('hidden', state.commands.length === 0);
    state.keyboardHidden = false;
    state.keyboard = undefined;
    setKeyboard(chat.reply_keyboard);
  } catch (error) {
    toast(error.message);
  } finally {
    if (state.current === seller) {
      state.loading = false;
      // Whatever happened while the history was on its way, in order; applying twice is harmless.
      for (const event of state.queued.splice(0)) apply(event);
      updateEmpty();
      scrollToBottom();
    }
  }
}

/** The menu as Telegram shows it to this seller: the bot's list for their language, which it may set any time. */
export async function refreshCommands() {
  const seller = state.current;
  if (!seller) return;
  try {
    const { commands } = await call(`chats/${seller.id}/commands`);
    if (state.current !== seller) return;
    state.commands = commands || [];
    ui.menuButton.classList.toggle('hidden', state.commands.length === 0);
  } catch {
    /* the next message or tap on the menu tries again */
  }
}

function stopTyping() {
  clearTimeout(state.typingTimer);
  ui.status.textContent = 'бот';
  ui.status.classList.remove('active');
}

function showTyping(action) {
  ui.status.textContent = STATUS[action] || 'что-то делает…';
  ui.status.classList.add('active');
  clearTimeout(state.typingTimer);
  // Telegram shows a chat action for five seconds or until the next message.
  state.typingTimer = setTimeout(stopTyping, 5000);
}

export function apply(event) {
  switch (event.type) {
    case 'message':
    case 'edited':
      upsert(event.message, event.type === 'edited');
      setKeyboard(event.reply_keyboard);
      if (event.message.from === 'bot' && event.type === 'message') stopTyping();
      // The bot publishes its menu (per language) at start-up and may change it: a reply is a moment to look.
      if (event.message.from === 'bot' && event.type === 'message') refreshCommands();
      return;
    case 'deleted':
      remove(event.message_id);
      setKeyboard(event.reply_keyboard);
      return;
    case 'callback_answer': {
      const node = state.nodes.get(event.message_id);
      if (node) node.querySelectorAll('.ik-button.loading').forEach((button) => button.classList.remove('loading'));
      if (event.text && event.show_alert) dialog(state.bot.first_name, event.text);
      else if (event.text) toast(event.text);
      return;
    }
    case 'chat_action':
      showTyping(event.action);
      return;
  }
}
