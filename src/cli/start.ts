import { openInfrastructure } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger, registerSecretValue } from '../logger.js';
import { CliError, type CliCommand } from './command.js';
import { notBuiltYet } from './not-built.js';

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
    const infrastructure = await openInfrastructure(config, logger, { migrate: true });
    try {
      return notBuiltYet('start', 'the Telegram bot');
    } finally {
      await infrastructure.close();
    }
  },
};
