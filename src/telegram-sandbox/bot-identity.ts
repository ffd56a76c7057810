import type { User, UserFromGetMe } from 'grammy/types';

import type { MethodTable } from './dispatcher.js';

/** The bot the emulator plays: its getMe answer, its token, and whether it logged out. */
export class BotIdentity {
  readonly info: UserFromGetMe;
  private loggedOut = false;

  constructor(
    private readonly token: string,
    names: { botUsername?: string; botFirstName?: string },
  ) {
    const botId = Number(/^(\d+):/.exec(token)?.[1] ?? 7000000001);
    this.info = {
      id: botId,
      is_bot: true,
      first_name: names.botFirstName ?? 'Kaspi Sandbox',
      username: names.botUsername ?? 'kaspi_sandbox_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  /** The bot as the author of its messages. */
  get user(): User {
    return { id: this.info.id, is_bot: true, first_name: this.info.first_name, username: this.info.username };
  }

  /** After logOut, Telegram answers 401 to the old token too. */
  accepts(token: string): boolean {
    return token === this.token && !this.loggedOut;
  }

  methods(): MethodTable {
    return {
      getMe: () => this.info,
      close: () => true,
      logOut: () => {
        this.loggedOut = true;
        return true;
      },
    };
  }
}
