import type { CliCommand } from './command.js';
import { migrateCommand } from './migrate.js';
import { notBuiltYet } from './not-built.js';
import { offersCommand } from './offers.js';
import { startCommand } from './start.js';

const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'a demper worker only (needs REDIS_URL); run as many as needed',
  usage: '',
  optionHelp: [],
  options: {},
  positionals: { min: 0, max: 0 },
  run: async () => notBuiltYet('worker', 'the demper worker'),
};

const demperCommand: CliCommand = {
  name: 'demper',
  summary: 'the demper in the foreground',
  usage: '[--once] [--interval <s>] [--store <id>] [--dry-run]',
  optionHelp: [
    '--once             run one cycle over the due products and exit',
    '--interval <s>     run a cycle every <s> seconds until Ctrl-C',
    '--store <id>       only this store',
    '--dry-run          decide and print, change nothing on Kaspi',
  ],
  options: {
    once: { type: 'boolean' },
    interval: { type: 'string' },
    store: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  run: async () => notBuiltYet('demper', 'the demper'),
};


const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'everything local: Kaspi sandbox, Telegram Bot API emulator with a web chat, the bot and the demper',
  usage: '',
  optionHelp: [],
  options: {},
  positionals: { min: 0, max: 0 },
  run: async () => notBuiltYet('sandbox', 'the local sandbox'),
};

const kaspiSandboxCommand: CliCommand = {
  name: 'kaspi-sandbox',
  summary: 'only the Kaspi sandbox server',
  usage: '[--port <n>]',
  optionHelp: ['--port <n>         port to listen on'],
  options: { port: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  run: async () => notBuiltYet('kaspi-sandbox', 'the Kaspi sandbox'),
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
