// The bottom of the chat: the reply keyboard, the command menu, the text input and file uploads.

import { call, dialog, h, state, toast, ui } from './core.js';
import { sendText } from './send.js';

export function setKeyboard(keyboard) {
  const changed = JSON.stringify(keyboard) !== JSON.stringify(state.keyboard);
  state.keyboard = keyboard || null;
  if (changed && keyboard) state.keyboardHidden = false;
  renderKeyboard();
}

export function renderKeyboard() {
  const keyboard = state.keyboard;
  ui.keyboard.replaceChildren();
  ui.keyboardToggle.classList.toggle('hidden', !keyboard);
  ui.keyboardToggle.classList.toggle('on', Boolean(keyboard) && !state.keyboardHidden);
  ui.input.placeholder = (keyboard && keyboard.placeholder) || 'Сообщение';
  if (!keyboard || state.keyboardHidden) return void ui.keyboard.classList.add('hidden');
  ui.keyboard.classList.remove('hidden');
  for (const buttons of keyboard.rows) {
    const row = h('div', { class: 'rk-row' });
    for (const button of buttons) {
      row.append(
        h('button', {
          type: 'button',
          class: 'rk-button',
          dataset: { kind: button.kind },
          text: button.text,
          onclick: () => replyButton(button),
        }),
      );
    }
    ui.keyboard.append(row);
  }
}

async function replyButton(button) {
  if (button.kind === 'unsupported') return toast('Такие кнопки песочница не поддерживает');
  if (button.kind === 'text') return sendText(button.text);
  const seller = state.current;
  if (!seller.phone) return toast('У этого продавца нет номера телефона');
  const shared = await dialog(
    'Поделиться номером телефона?',
    `${state.bot.first_name} узнает ваш номер: ${seller.phone}`,
    { ok: 'Поделиться', cancel: 'Отмена' },
  );
  if (!shared) return;
  try {
    await call(`chats/${seller.id}/contact`, { method: 'POST', json: {} });
  } catch (error) {
    toast(error.message);
  }
}

export function showCommands(filter) {
  const menu = ui.commandMenu;
  const list = state.commands.filter(
    (command) => filter === undefined || `/${command.command}`.startsWith(filter.toLowerCase()),
  );
  menu.replaceChildren();
  if (list.length === 0) return void menu.classList.add('hidden');
  for (const command of list) {
    menu.append(
      h(
        'button',
        {
          type: 'button',
          class: 'command-item',
          role: 'option',
          onclick: () => {
            hideCommands();
            ui.input.value = '';
            inputChanged();
            sendText(`/${command.command}`);
          },
        },
        h('span', { class: 'cmd', text: `/${command.command}` }),
        h('span', { class: 'desc', text: command.description }),
      ),
    );
  }
  menu.classList.remove('hidden');
}

export function hideCommands() {
  ui.commandMenu.classList.add('hidden');
}

export async function sendFromInput() {
  const text = ui.input.value;
  if (text.trim() === '') return;
  ui.input.value = '';
  inputChanged();
  hideCommands();
  if (!(await sendText(text))) {
    ui.input.value = text;
    inputChanged();
  }
  ui.input.focus();
}

export function inputChanged() {
  ui.send.disabled = ui.input.value.trim() === '';
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 140)}px`;
  const value = ui.input.value;
  if (/^\/\w*$/.test(value) && state.commands.length) showCommands(value);
  else hideCommands();
}

export async function upload(file) {
  if (!file || !state.current) return;
  if (file.size === 0) return toast('Пустой файл не отправить');
  if (file.size > 50 * 1024 * 1024) return toast('Файл больше 50 МБ');
  const caption = ui.input.value.trim();
  const headers = {
    'x-file-name': encodeURIComponent(file.name),
    'content-type': file.type || 'application/octet-stream',
  };
  if (caption) headers['x-caption'] = encodeURIComponent(caption);
  try {
    await call(`chats/${state.current.id}/documents`, { method: 'POST', headers, body: file });
    if (caption) {
      ui.input.value = '';
      inputChanged();
    }
  } catch (error) {
    toast(error.message);
  }
}
