import type { CliCommand } from './command.js';
import { demperCommand } from './demper.js';
import { kaspiSandboxCommand } from './kaspi-sandbox.js';
import { migrateCommand } from './migrate.js';
import { notBuiltYet } from './not-built.js';
import { offersCommand } from './offers.js';
import { startCommand } from './start.js';
import { workerCommand } from './worker.js';

const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'everything local: Kaspi sandbox, Telegram Bot API emulator with a web chat, the bot and the demper',
  usage: '',
  optionHelp: [],
  options: {},
  positionals: { min: 0, max: 0 },
  run: async () => notBuiltYet('sandbox', 'the local sandbox'),
};


/** SPEC §4, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [
  startCommand,
  workerCommand,
  demperCommand,
  migrateCommand,
  offersCommand,
  sandboxCommand,
  kaspiSandboxCommand,
];
