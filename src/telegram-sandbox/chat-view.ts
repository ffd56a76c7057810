import type { ReplyKeyboardMarkup } from 'grammy/types';

import type { CallLog } from './call-log.js';
import type { ChatMessage, ChatState } from './chat-state.js';
import type { Lifecycle } from './lifecycle.js';

/** A chat as the user sees it, and waiting until the bot's message shows up in it. */
export class ChatView {
  constructor(
    private readonly state: ChatState,
    private readonly lifecycle: Lifecycle,
    private readonly log: CallLog,
    private readonly waitTimeoutMs: number,
  ) {}

  messages(chatId: number): ChatMessage[] {
    return this.state.messages(chatId);
  }

  lastBotMessage(chatId: number): ChatMessage | undefined {
    return this.visibleBotMessages(chatId)[0];
  }

  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined {
    const history = this.state.messages(chatId);
    const index = history.findLastIndex(
      (message) =>
        message.from === 'bot' &&
        message.reply_markup !== undefined &&
        ('keyboard' in message.reply_markup || 'remove_keyboard' in message.reply_markup),
    );
    const markup = history[index]?.reply_markup;
    if (!markup || !('keyboard' in markup)) return undefined;
    // A one-time keyboard hides once the user has answered.
    if (markup.one_time_keyboard && history.slice(index + 1).some((message) => message.from === 'user'))
      return undefined;
    return markup;
  }

  waitForBotMessage(
    chatId: number,
    predicate: (message: ChatMessage) => boolean,
    options: { timeoutMs?: number } = {},
  ): Promise<ChatMessage> {
    const find = () => this.visibleBotMessages(chatId).find(predicate);
    const existing = find();
    if (existing) return Promise.resolve(existing);
    if (this.lifecycle.closed) return Promise.reject(new Error('waitForBotMessage: the fake Telegram is closed'));
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    return new Promise<ChatMessage>((resolve, reject) => {
      const settle = (error: Error | undefined, message?: ChatMessage) => {
        unsubscribe();
        clearTimeout(timer);
        this.lifecycle.removeWaiter(settle);
        if (error) reject(error);
        else resolve(message as ChatMessage);
      };
      const unsubscribe = this.state.subscribe((event) => {
        if (event.chat_id !== chatId || event.type === 'chat_action' || event.type === 'callback_answer') return;
        try {
          const found = find();
          if (found) settle(undefined, found);
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)));
        }
      });
      const timer = setTimeout(() => {
        const shown = this.visibleBotMessages(chatId)
          .slice(0, 5)
          .map(
            (message) =>
              `  #${message.message_id} ${JSON.stringify(message.text ?? message.caption ?? message.document?.file_name ?? '')}`,
          )
          .join('\n');
        settle(
          new Error(
            `waitForBotMessage: no matching bot message in chat ${chatId} within ${timeoutMs} ms. Newest bot messages:\n${shown || '  (none)'}\n${this.log.describeRecentCalls()}`,
          ),
        );
      }, timeoutMs);
      this.lifecycle.addWaiter(settle);
    });
  }

  /** Newest first. */
  private visibleBotMessages(chatId: number): ChatMessage[] {
    return this.state
      .messages(chatId)
      .filter((message) => message.from === 'bot' && !message.deleted)
      .reverse();
  }
}
