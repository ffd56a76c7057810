// The sellers drawer: switching to another simulated seller and creating one.

import { $, call, colorOf, h, initialOf, state, toast } from './core.js';
import { openChat, renderSellerButton } from './chat.js';

const LANGUAGES = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

export function renderSellers() {
  const list = $('sellers-list');
  list.replaceChildren();
  for (const seller of state.sellers) {
    const unread = state.unread.get(seller.id) || 0;
    const current = state.current && state.current.id === seller.id;
    list.append(
      h(
        'button',
        {
          type: 'button',
          class: `seller-item${current ? ' current' : ''}`,
          dataset: { sellerId: seller.id },
          onclick: () => {
            closeSellers();
            openChat(seller.id);
          },
        },
        h('span', { class: `avatar ${colorOf(seller.id)}`, text: initialOf(seller.first_name) }),
        h(
          'span',
          { class: 'info' },
          h('span', { class: 'name', text: seller.first_name }),
          h('span', {
            class: 'sub',
            text: [seller.phone || 'без телефона', LANGUAGES[seller.language_code] || seller.language_code].join(' · '),
          }),
        ),
        unread ? h('span', { class: 'badge', text: String(unread) }) : null,
      ),
    );
  }
  const hints = $('phone-hints');
  hints.replaceChildren(...state.phoneHints.map((hint) => h('option', { value: hint.phone, label: hint.label })));
  renderSellerButton();
}

export function openSellers() {
  renderSellers();
  $('sellers-overlay').classList.remove('hidden');
}

export function closeSellers() {
  $('sellers-overlay').classList.add('hidden');
}

export async function createSeller(event) {
  event.preventDefault();
  try {
    const { seller } = await call('sellers', {
      method: 'POST',
      json: {
        first_name: $('new-seller-name').value,
        language_code: $('new-seller-language').value,
        phone: $('new-seller-phone').value,
      },
    });
    if (!state.sellers.some((known) => known.id === seller.id)) state.sellers.push(seller);
    $('seller-form').reset();
    closeSellers();
    await openChat(seller.id);
  } catch (error) {
    toast(error.message);
  }
}
