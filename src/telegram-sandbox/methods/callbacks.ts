import { badRequest, type ApiParams } from '../api-params.js';
import type { ChatState, FakeUser } from '../chat-state.js';
import type { MethodTable } from '../dispatcher.js';
import type { Lifecycle } from '../lifecycle.js';
import { isInlineKeyboard } from '../markup.js';
import type { UpdateQueue } from '../update-queue.js';

const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';

interface CallbackQueryState {
  chatId: number;
  messageId: number;
  answered: boolean;
}

/** Inline keyboard presses: the user's callback query, and the bot's one answerCallbackQuery to it. */
export class CallbackQueries {
  private readonly queries = new Map<string, CallbackQueryState>();
  private counter = 0;

  constructor(
    private readonly state: ChatState,
    private readonly queue: UpdateQueue,
    private readonly lifecycle: Lifecycle,
  ) {}

  methods(): MethodTable {
    return { answerCallbackQuery: (params) => this.answerCallbackQuery(params) };
  }

  /** Returns the query id; unless `forged`, the button must be on the message (a stale press is a test bug). */
  async send(user: FakeUser, messageId: number, callbackData: string, forged: boolean): Promise<string> {
    this.lifecycle.assertOpen();
    this.state.rememberUser(user);
    const stored = this.state.find(user.id, messageId);
    if (!stored || stored.deleted || stored.from !== 'bot') {
      throw new Error(`pressButton: chat ${user.id} has no visible bot message ${messageId}`);
    }
    const buttons = isInlineKeyboard(stored.replyMarkup) ? stored.replyMarkup.inline_keyboard.flat() : [];
    const data = buttons.flatMap((button) => ('callback_data' in button ? [button.callback_data] : []));
    // A user can only press a button that is on screen; a test pressing a stale one is a test bug.
    if (!forged && !data.includes(callbackData)) {
      throw new Error(
        `pressButton: message ${messageId} in chat ${user.id} has no button with callback_data ${JSON.stringify(callbackData)}; it has ${JSON.stringify(data)}`,
      );
    }
    this.counter += 1;
    const id = String(4_000_000_000_000 + this.counter);
    this.queries.set(id, { chatId: user.id, messageId, answered: false });
    this.queue.push({
      callback_query: {
        id,
        from: this.state.apiUser(user.id),
        message: this.state.toApiMessage(stored) as never,
        chat_instance: String(-(user.id * 1000003 + 17)),
        data: callbackData,
      },
    });
    return id;
  }

  private answerCallbackQuery(params: ApiParams): boolean {
    const id = params.string('callback_query_id') ?? '';
    const query = this.queries.get(id);
    if (!query || query.answered) throw badRequest(QUERY_TOO_OLD);
    query.answered = true;
    const text = params.string('text');
    const url = params.string('url');
    this.state.emit({
      type: 'callback_answer',
      chat_id: query.chatId,
      query_id: id,
      message_id: query.messageId,
      show_alert: params.boolean('show_alert'),
      ...(text ? { text } : {}),
      ...(url ? { url } : {}),
    });
    return true;
  }
}
