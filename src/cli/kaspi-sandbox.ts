import { loadConfig } from '../config.js';
import { startKaspiSandbox } from '../kaspi-sandbox/index.js';
import { createLogger } from '../logger.js';
import { integerOption, type CliCommand } from './command.js';

export const kaspiSandboxCommand: CliCommand = {
  name: 'kaspi-sandbox',
  summary: 'only the Kaspi sandbox server (login, cabinet, storefront with moving rivals) on this machine',
  usage: '[--port <n>] [--seed <n>] [--time-scale <n>]',
  optionHelp: [
    '--port <n>         base port: login on n, cabinet on n+1, storefront on n+2 (default: free ports)',
    '--seed <n>         demo data and rival moves derive from it (default 1)',
    '--time-scale <n>   divide every Kaspi duration by n, e.g. 60 turns a 30-minute block into 30 s (default 1)',
  ],
  options: { port: { type: 'string' }, seed: { type: 'string' }, 'time-scale': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const port = integerOption('kaspi-sandbox', 'port', values.port, 1, 65533);
    const seed = integerOption('kaspi-sandbox', 'seed', values.seed, 0, 2 ** 31);
    const timeScale = integerOption('kaspi-sandbox', 'time-scale', values['time-scale'], 1, 10_000);
    const config = loadConfig(io.env);
    const logger = createLogger({ level: config.logLevel });
    const sandbox = await startKaspiSandbox({ port, seed, timeScale, logger });
    io.stdout.write(
      [
        'Kaspi sandbox is running. Point the bot at it with:',
        sandbox.envText(),
        '',
        'Demo logins (SMS codes are printed in the log as they are sent):',
        ...sandbox.accounts.map((account) =>
          account.kind === 'sms'
            ? `  SMS    ${account.phone}  → merchants ${account.merchantUids.join(', ') || '(none)'}`
            : `  e-mail ${account.email} / ${account.password}${account.mfa ? ' (+ e-mailed code)' : ''}  → merchants ${account.merchantUids.join(', ')}`,
        ),
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sandbox.close();
    io.stdout.write('Kaspi sandbox stopped.\n');
    return 0;
  },
};
