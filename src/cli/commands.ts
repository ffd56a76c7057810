import type { CliCommand } from './command.js';
import { demperCommand } from './demper.js';
import { kaspiSandboxCommand } from './kaspi-sandbox.js';
import { migrateCommand } from './migrate.js';
import { offersCommand } from './offers.js';
import { sandboxCommand } from './sandbox.js';
import { startCommand } from './start.js';
import { workerCommand } from './worker.js';

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
