import { parseArgs } from 'node:util';

import { ConfigError } from '../config.js';
import { CliError, type CliCommand, type CliIo } from './command.js';
import { COMMANDS } from './commands.js';

const PROGRAM = 'kaspi-bot';

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Telegram bot for Kaspi.kz sellers: products, prices, competitors, demper, preorders.',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options. Configuration is read from the environment (see README).`,
    '',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [
    `Usage: ${PROGRAM} ${command.name}${command.usage ? ` ${command.usage}` : ''}`,
    '',
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    '',
    'Options:',
    ...command.optionHelp.map((line) => `  ${line}`),
    '  --help             show this help',
    '',
  ].join('\n');
}

/** Runs one CLI invocation and returns the exit code; every failure is one line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalHelp());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`${PROGRAM}: unknown command "${name}". Run "${PROGRAM} --help" for the list.\n`);
    return 1;
  }

  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values as Record<string, string | boolean | undefined>;
    positionals = parsed.positionals;
  } catch (error) {
    io.stderr.write(`${PROGRAM} ${name}: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  if (positionals.length < command.positionals.min || positionals.length > command.positionals.max) {
    io.stderr.write(
      `${PROGRAM} ${name}: expected ${command.usage || 'no arguments'}; see "${PROGRAM} ${name} --help"\n`,
    );
    return 1;
  }

  try {
    return await command.run({ values, positionals, io });
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${PROGRAM} ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`${PROGRAM} ${name}: configuration error: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${PROGRAM} ${name}: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
