import type { ParseArgsConfig } from 'node:util';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type CliOptions = NonNullable<ParseArgsConfig['options']>;
type ParsedValues = Record<string, string | boolean | undefined>;

export interface CliCommand {
  name: string;
  summary: string;
  /** The argument part of the usage line, e.g. `<masterSku> [--city <id>]`. */
  usage: string;
  /** Lines under "Options:" in --help; each option in `options` should have one. */
  optionHelp: string[];
  options: CliOptions;
  positionals: { min: number; max: number };
  run(input: { values: ParsedValues; positionals: string[]; io: CliIo }): Promise<number>;
}

/** A failure that is reported as one line and a non-zero exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A whole-number option within bounds, or `undefined` when absent; anything else is one clear line. */
export function integerOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < min || number > max) {
    throw new CliError(`${command}: --${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}
