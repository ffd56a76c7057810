import type { Transformer } from 'grammy';

/**
 * An edit that changes nothing has done its job. Telegram refuses it with 400 «message is not modified» — a
 * seller tapping the option that is already chosen, or twice on «Обновить» — and that must not become
 * «Что-то пошло не так» or a half-run handler. Other failures of edits are left as they are.
 */
export const unchangedEditSucceeds: Transformer = async (prev, method, payload, signal) => {
  const response = await prev(method, payload, signal);
  if (
    !response.ok &&
    method.startsWith('editMessage') &&
    response.error_code === 400 &&
    response.description.includes('message is not modified')
  ) {
    // `true` is what Telegram itself answers for edits of inline messages; no caller reads the edited message.
    return { ok: true, result: true } as unknown as typeof response;
  }
  return response;
};
