import type { BotCommand, MenuButton } from 'grammy/types';

import { badRequest, type ApiParams } from '../api-params.js';
import type { MethodTable } from '../dispatcher.js';
import { stableJson } from '../stable-json.js';
import { chatIdOf, type MethodContext } from './params.js';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** What the bot sets around its chats: command lists per scope and language, menu buttons, chat actions. */
export class ChatSettings {
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, MenuButton>();

  constructor(private readonly context: MethodContext) {}

  methods(): MethodTable {
    return {
      sendChatAction: (params) => this.sendChatAction(params),
      setMyCommands: (params) => this.setMyCommands(params),
      getMyCommands: (params) => this.commands.get(this.commandsKey(params)) ?? [],
      deleteMyCommands: (params) => {
        this.commands.delete(this.commandsKey(params));
        return true;
      },
      setChatMenuButton: (params) => this.setChatMenuButton(params),
      getChatMenuButton: (params) => this.getChatMenuButton(params),
    };
  }

  /**
   * The menu a user of `languageCode` sees in their private chat, by Telegram's order: the chat's own scope, then
   * all private chats, then the default; in each, the user's language first, then the language-less list.
   */
  botCommands(languageCode?: string, chatId?: number): BotCommand[] {
    const scopes: object[] = [{ type: 'all_private_chats' }, { type: 'default' }];
    if (chatId !== undefined) scopes.unshift({ type: 'chat', chat_id: chatId });
    for (const scope of scopes) {
      const key = stableJson(scope);
      const found =
        (languageCode ? this.commands.get(`${key}|${languageCode}`) : undefined) ?? this.commands.get(`${key}|`);
      if (found) return [...found];
    }
    return [];
  }

  private sendChatAction(params: ApiParams): boolean {
    const chatId = chatIdOf(params, this.context);
    const action = params.string('action') ?? '';
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    this.context.state.emit({ type: 'chat_action', chat_id: chatId, action });
    return true;
  }

  private commandsKey(params: ApiParams): string {
    const scope = params.json('scope', () => badRequest("can't parse BotCommandScope JSON object")) ?? {
      type: 'default',
    };
    if (scope === null || typeof scope !== 'object' || typeof (scope as { type?: unknown }).type !== 'string')
      throw badRequest("can't parse BotCommandScope JSON object");
    // A chat is the same chat whether its id came as a number or as a string.
    const chatId = (scope as { chat_id?: unknown }).chat_id;
    if (typeof chatId === 'string' && /^-?\d+$/.test(chatId)) (scope as { chat_id?: unknown }).chat_id = Number(chatId);
    const language = params.string('language_code') ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
    return `${stableJson(scope)}|${language}`;
  }

  private setMyCommands(params: ApiParams): boolean {
    const commands = params.json('commands', () => badRequest("can't parse commands JSON object"));
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest('too many commands specified');
    const parsed = commands.map((item): BotCommand => {
      const command = item as { command?: unknown; description?: unknown };
      if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command))
        throw badRequest('BOT_COMMAND_INVALID');
      if (
        typeof command.description !== 'string' ||
        command.description.trim() === '' ||
        command.description.length > 256
      ) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      return { command: command.command, description: command.description };
    });
    const key = this.commandsKey(params);
    if (parsed.length === 0) this.commands.delete(key);
    else this.commands.set(key, parsed);
    return true;
  }

  private menuButtonKey(params: ApiParams): string {
    return params.has('chat_id') ? String(chatIdOf(params, this.context)) : '';
  }

  private setChatMenuButton(params: ApiParams): boolean {
    const key = this.menuButtonKey(params);
    const button = params.json('menu_button', () => badRequest("can't parse menu button JSON object"));
    if (button === undefined) {
      this.menuButtons.delete(key);
      return true;
    }
    const type = (button as { type?: unknown } | null)?.type;
    if (type !== 'commands' && type !== 'web_app' && type !== 'default')
      throw badRequest("can't parse menu button JSON object");
    this.menuButtons.set(key, button as MenuButton);
    return true;
  }

  private getChatMenuButton(params: ApiParams): MenuButton {
    const key = this.menuButtonKey(params);
    return (
      this.menuButtons.get(key) ??
      (key === '' ? { type: 'commands' } : (this.menuButtons.get('') ?? { type: 'default' }))
    );
  }
}
