// What the seller types goes to the bot through the sandbox's API.

import { call, state, toast } from './core.js';

export async function sendText(raw) {
  const text = String(raw);
  if (text.trim() === '' || !state.current) return false;
  if (text.length > 4096) {
    toast('Слишком длинное сообщение: до 4096 символов');
    return false;
  }
  try {
    await call(`chats/${state.current.id}/messages`, { method: 'POST', json: { text } });
    return true;
  } catch (error) {
    toast(error.message);
    return false;
  }
}
