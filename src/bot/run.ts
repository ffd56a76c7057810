import { run, type RunnerHandle } from '@grammyjs/runner';
import { Api, webhookCallback, type Bot } from 'grammy';

import type { Container } from '../app/container.js';
import { startHttpServer, type RouteHandler, type RunningHttpServer } from '../http/server.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import { publishCommands } from './index.js';

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface RunningBot {
  http: RunningHttpServer;
  stop(): Promise<void>;
}

/**
 * Starts the bot the way `BOT_MODE` says: long polling through `@grammyjs/runner` (updates of different chats
 * in parallel, each chat in order), or a webhook on the same HTTP server as `/healthz`, with Telegram's secret
 * token checked.
 */
export async function runBot(
  bot: Bot<BotContext>,
  deps: BotDeps,
  container: Container,
  options: { httpHost?: string } = {},
): Promise<RunningBot> {
  const { config, logger } = deps;
  // Who we are, asked once without auto-retry: a wrong token or an unreachable API fails start-up at once
  // instead of retrying for minutes (auto-retry is for Telegram's 429s and blips while running).
  bot.botInfo = await new Api(bot.token, { apiRoot: config.telegramApiRoot }).getMe();
  await bot.init();
  const routes: Record<string, RouteHandler> = {};
  if (config.botMode === 'webhook') {
    const path = new URL(config.webhookUrl!).pathname;
    const callback = webhookCallback(bot, 'http', {
      secretToken: config.webhookSecret,
      onTimeout: 'return',
      timeoutMilliseconds: 25_000,
    });
    routes[`POST ${path}`] = (request, response) => callback(request, response);
  }
  const http = await startHttpServer({
    port: config.httpPort,
    host: options.httpHost,
    logger,
    healthChecks: container.healthChecks,
    routes,
  });
  await publishCommands(bot, deps).catch((error: unknown) =>
    logger.warn({ err: error }, 'could not publish the command list'),
  );
  let runner: RunnerHandle | undefined;
  if (config.botMode === 'webhook') {
    await bot.api.setWebhook(config.webhookUrl!, {
      secret_token: config.webhookSecret,
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info({ url: config.webhookUrl }, 'bot webhook set');
  } else {
    await bot.api.deleteWebhook();
    runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    logger.info({ username: bot.botInfo.username }, 'bot polling');
  }
  return {
    http,
    async stop() {
      if (runner) {
        await runner.stop();
        // `stop` ends fetching only: updates already taken are finished (and their conversation state saved)
        // before the database closes, or a restart would replay a chat from an older state.
        const deadline = Date.now() + 30_000;
        while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.race([deps.background.idle(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await http.close();
    },
  };
}
