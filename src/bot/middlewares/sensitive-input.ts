import type { MiddlewareFn } from 'grammy';

import type { SecretBox } from '../../security/secret-box.js';
import type { BotContext } from '../context.js';

const SEALED_PREFIX = 'sealed:';
const aad = (userId: number) => `chat-input:${userId}`;

/**
 * Conversations keep every update they received (Redis or the database) to replay them. A password or an SMS
 * code must not sit there readable: while a login waits for one, the message text is sealed before the
 * conversation sees it, and the message is deleted from the chat when Telegram allows.
 */
export function sealSensitiveInput(secretBox: SecretBox): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const expecting = ctx.session.sensitive;
    const message = ctx.message;
    if (expecting && message?.text && !message.text.startsWith('/') && ctx.from) {
      message.text = SEALED_PREFIX + secretBox.seal(message.text, aad(ctx.from.id));
      delete message.entities;
      ctx.session.sensitive = undefined;
      await ctx
        .deleteMessage()
        .catch((error: unknown) => ctx.logger.debug({ err: error }, 'could not delete a sensitive message'));
    }
    await next();
  };
}

/** Opens a value sealed by `sealSensitiveInput`; plain text passes through (a test or an old state). */
export function openSensitiveInput(secretBox: SecretBox, userId: number, text: string): string {
  return text.startsWith(SEALED_PREFIX) ? secretBox.open(text.slice(SEALED_PREFIX.length), aad(userId)) : text;
}
