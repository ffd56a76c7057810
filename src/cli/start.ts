import { GrammyError, HttpError } from 'grammy';

import { openContainer } from '../app/container.js';
import { chromiumAvailability } from '../browser/chromium.js';
import { createBot } from '../bot/index.js';
import { runBot } from '../bot/run.js';
import { createChatNotifier } from '../bot/demper-notifier.js';
import { createBotDeps } from '../bot/wiring.js';
import { DemperQueue } from '../demper/queue.js';
import { startDemperScheduler } from '../demper/scheduler.js';
import { createDemper } from '../demper/wiring.js';
import { loadConfig } from '../config.js';
import { createLogger, registerSecretValue } from '../logger.js';
import { CliError, type CliCommand } from './command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'migrate, then run the bot, the demper scheduler and the HTTP server (health, metrics, webhook)',
  usage: '',
  optionHelp: [],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const config = loadConfig(io.env);
    if (!config.botToken) {
      throw new CliError(
        'start: BOT_TOKEN is not set — create a bot with @BotFather and export BOT_TOKEN=<token> (see README, Configuration)',
      );
    }
    registerSecretValue(config.botToken);
    const logger = createLogger({ level: config.logLevel });
    const container = await openContainer(config, logger, { migrate: true });
    try {
      const browser = chromiumAvailability(config.chromiumPath);
      if (!browser.available)
        logger.warn(
          { reason: browser.reason },
          'e-mail login is unavailable without Chromium: sellers are asked to log in by SMS',
        );
      const deps = createBotDeps(container);
      const bot = createBot(config.botToken, deps);
      // The demper's clock lives with the bot: alone it runs the engine here; with Redis it only enqueues
      // stores for `kaspi-bot worker` processes.
      const { engine, keepAlive } = createDemper(container, createChatNotifier(container), deps.followUps);
      const queue = config.redisUrl ? new DemperQueue(config.redisUrl, { logger }) : undefined;
      // Read-backs left by an earlier run (or, with Redis, by any process) are taken up again from the start.
      await deps.followUps.start();
      const running = await runBot(bot, deps, container).catch(async (error: unknown) => {
        await deps.followUps.stop();
        if (error instanceof HttpError)
          throw new CliError(
            `start: cannot reach the Telegram Bot API at ${config.telegramApiRoot} (${error.message.split('\n')[0]})`,
          );
        if (error instanceof GrammyError && error.error_code === 401)
          throw new CliError('start: Telegram refused BOT_TOKEN (401 Unauthorized) — check the token from @BotFather');
        throw error;
      });
      const scheduler = startDemperScheduler({
        cronExpression: config.demperCron,
        orm: container.database.orm,
        engine,
        keepAlive,
        logger,
        redis: container.redis,
        queue,
      });
      io.stdout.write(
        `kaspi-bot is running as @${bot.botInfo.username} (${config.botMode}); health and metrics on :${running.http.port} (/healthz, /metrics). Ctrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await scheduler.stop();
      await running.stop();
      // What is left open stays in the database for the next start (or a worker, with Redis).
      await deps.followUps.stop();
      await queue?.close();
      return 0;
    } finally {
      await container.close();
    }
  },
};
