import { networkInterfaces } from 'node:os';

import { loadConfig } from '../config.js';
import { MERCHANTS } from '../kaspi-sandbox/catalogue.js';
import { createLogger } from '../logger.js';
import { SandboxDataDirError } from '../sandbox/data-dir.js';
import { SANDBOX_DEFAULTS, startLocalSandbox, type LocalSandbox } from '../sandbox/index.js';
import { CliError, integerOption, type CliCommand } from './command.js';

const DEFAULT_PORT = 8090;
const DEFAULT_DATA_DIR = './data/sandbox';

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'everything local: Kaspi sandbox, Telegram Bot API emulator with a web chat, the bot and the demper',
  usage: '[--port <n>] [--host <addr>] [--data-dir <path>] [--keep] [--seed <n>] [--products <n>]',
  optionHelp: [
    `--port <n>         the web chat and the Bot API emulator (default ${DEFAULT_PORT}; 0 = any free port)`,
    '--host <addr>      listen address of the chat and of /healthz, /metrics (default 127.0.0.1; 0.0.0.0 to open the chat from a phone on this network)',
    `--data-dir <path>  embedded database of the sandbox (default ${DEFAULT_DATA_DIR}); wiped on start unless --keep`,
    '--keep             keep the database of the previous run (Kaspi sessions and chats still start afresh)',
    `--seed <n>         demo products and rival moves derive from it (default ${SANDBOX_DEFAULTS.seed})`,
    `--products <n>     products per demo store (default ${SANDBOX_DEFAULTS.productsPerMerchant})`,
  ],
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean' },
    seed: { type: 'string' },
    products: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const port = integerOption('sandbox', 'port', values.port, 0, 65535) ?? DEFAULT_PORT;
    const seed = integerOption('sandbox', 'seed', values.seed, 0, 2 ** 31);
    const products = integerOption('sandbox', 'products', values.products, 1, 5000);
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const dataDir =
      typeof values['data-dir'] === 'string' && values['data-dir'] !== '' ? values['data-dir'] : DEFAULT_DATA_DIR;
    // Only the log level and the browser path come from the environment: BOT_TOKEN, DATABASE_URL, REDIS_URL and
    // the Kaspi URLs of a real setup must never leak into the sandbox (nor it into them).
    const outer = loadConfig({ LOG_LEVEL: io.env.LOG_LEVEL ?? 'warn', CHROMIUM_PATH: io.env.CHROMIUM_PATH });
    const logger = createLogger({ level: outer.logLevel });
    io.stdout.write('Запускаю песочницу (Kaspi, Telegram, бот, демпер) — это займёт несколько секунд…\n');

    // Listening from the start: Ctrl-C while the parts come up still stops them all in order.
    let signalled = false;
    let wake = () => undefined as void;
    const onSignal = () => {
      signalled = true;
      wake();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const stopped = new Promise<void>((resolve) => {
      wake = resolve;
      if (signalled) resolve();
    });

    let sandbox: LocalSandbox;
    try {
      sandbox = await startLocalSandbox({
        dataDir,
        keepData: values.keep === true,
        host,
        port,
        seed,
        productsPerMerchant: products,
        logLevel: outer.logLevel,
        logger,
        chromiumPath: outer.chromiumPath,
        onCode: (code) =>
          io.stdout.write(`${code.kind === 'sms' ? '💬 SMS' : '✉️  E-mail'} ${code.identity}: код ${code.code}\n`),
      });
    } catch (error) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (error instanceof SandboxDataDirError) throw new CliError(`sandbox: ${error.message}`);
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new CliError(`sandbox: port ${port} is busy — pass --port <n> (or --port 0 for any free port)`);
      }
      throw error;
    }

    if (!signalled) io.stdout.write(welcome(sandbox, host, values.keep === true));
    await stopped;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.stdout.write('Останавливаю песочницу…\n');
    await sandbox.close();
    io.stdout.write('Песочница остановлена.\n');
    return 0;
  },
};

function welcome(sandbox: LocalSandbox, host: string, keep: boolean): string {
  const electronics = MERCHANTS[0]!;
  const port = new URL(sandbox.url).port;
  const lan = host === '0.0.0.0' || host === '::' ? lanAddresses().map((address) => `http://${address}:${port}/`) : [];
  const sms = sandbox.kaspi.accounts.flatMap((account) => (account.kind === 'sms' ? [account] : []));
  const email = sandbox.kaspi.accounts.flatMap((account) => (account.kind === 'email' ? [account] : []));
  const storeNames = (uids: string[]) =>
    uids.map((uid) => MERCHANTS.find((merchant) => merchant.uid === uid)?.name ?? uid).join(', ') || 'нет магазинов';
  return [
    '',
    '✅ Песочница готова: всё работает на этом компьютере, без токена Telegram и без аккаунта Kaspi.',
    '',
    `   Откройте чат / Open the chat:  ${sandbox.url}`,
    ...lan.map((url) => `   С телефона в этой сети:        ${url}`),
    ...(lan.length ? ['   (открыть чат может любой в этой сети: входа у песочницы нет)'] : []),
    '',
    'Продавцы в чате (переключаются вверху страницы):',
    ...sandbox.sellers.map((seller) => `   ${seller.first_name.padEnd(10)} ${seller.phone || 'без телефона'}`),
    'Вход в Kaspi: /login → «По номеру телефона (SMS)» → «Поделиться номером».',
    'Коды из SMS появятся здесь и на странице:',
    ...sms.map((account) => `   SMS    ${account.phone}  → ${storeNames(account.merchantUids)}`),
    ...email.map(
      (account) =>
        `   e-mail ${account.email} / ${account.password}${account.mfa ? ' (+ код)' : ''}  → ${storeNames(account.merchantUids)}`,
    ),
    '',
    `Демо-магазин «${electronics.name}»: товаров — ${sandbox.kaspi.catalogue(electronics.uid).length}, города — ${[...new Set(electronics.points.map((point) => point.cityName))].join(' и ')}. Конкуренты меняют цены, часть из них — демперы.`,
    `Демпер проверяет цены каждые 20 секунд (расписание «${sandbox.demperCron}»).`,
    `Данные: ${sandbox.dataDir}${keep ? ' (сохранены с прошлого запуска)' : ' (очищаются при каждом запуске; --keep сохраняет)'} · здоровье: ${sandbox.healthUrl}`,
    '',
    'Ctrl-C останавливает всё.',
    '',
  ].join('\n');
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((entry) => (entry && entry.family === 'IPv4' && !entry.internal ? [entry.address] : []));
}
