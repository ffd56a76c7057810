import { CliError } from './command.js';

/** For commands whose feature belongs to a later issue: say so plainly instead of pretending to work. */
export function notBuiltYet(command: string, feature: string): never {
  throw new CliError(`${command}: ${feature} is not built yet in this version`, 3);
}
