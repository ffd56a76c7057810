import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';

const HEX_KEY = 'a'.repeat(64);
const BASE64_KEY = Buffer.alloc(32, 7).toString('base64');

function errorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the SPEC §3 defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      botToken: undefined,
      telegramApiRoot: 'https://api.telegram.org',
      botMode: 'polling',
      httpPort: 8080,
      databaseUrl: undefined,
      dataDir: './data',
      redisUrl: undefined,
      secretKey: undefined,
      kaspi: {
        idmcUrl: 'https://idmc.shop.kaspi.kz',
        mcUrl: 'https://mc.shop.kaspi.kz',
        shopUrl: 'https://kaspi.kz',
        proxies: [],
        offersRps: 8,
        pricefeedRps: 1.5,
        changesPer30Min: 240,
      },
      demperCron: '* * * * *',
      chromiumPath: undefined,
      logLevel: 'info',
    });
  });

  it('parses every variable when given', () => {
    const config = loadConfig({
      BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.kz/webhook',
      WEBHOOK_SECRET: 'secret_token_123',
      HTTP_PORT: '9090',
      DATABASE_URL: 'postgresql://u:p@db:5432/kaspi',
      DATA_DIR: '/var/lib/kaspi-bot',
      REDIS_URL: 'redis://redis:6379',
      SECRET_KEY: HEX_KEY,
      KASPI_IDMC_URL: 'http://127.0.0.1:7001',
      KASPI_MC_URL: 'http://127.0.0.1:7002',
      KASPI_SHOP_URL: 'http://127.0.0.1:7003',
      KASPI_PROXIES: 'http://127.0.0.2:8001, http://user:pw@127.0.0.3:8002',
      KASPI_OFFERS_RPS: '5',
      KASPI_PRICEFEED_RPS: '0.5',
      KASPI_CHANGES_PER_30MIN: '200',
      DEMPER_CRON: '*/5 * * * *',
      CHROMIUM_PATH: '/usr/lib/chromium/chromium',
      LOG_LEVEL: 'debug',
    });
    expect(config.telegramApiRoot).toBe('http://127.0.0.1:9000');
    expect(config.botMode).toBe('webhook');
    expect(config.httpPort).toBe(9090);
    expect(config.secretKey).toEqual(Buffer.from(HEX_KEY, 'hex'));
    expect(config.kaspi.proxies).toEqual(['http://127.0.0.2:8001', 'http://user:pw@127.0.0.3:8002']);
    expect(config.kaspi.pricefeedRps).toBe(0.5);
    expect(config.kaspi.changesPer30Min).toBe(200);
    expect(config.demperCron).toBe('*/5 * * * *');
    expect(config.logLevel).toBe('debug');
  });

  it('accepts a base64 SECRET_KEY of 32 bytes', () => {
    expect(loadConfig({ SECRET_KEY: BASE64_KEY }).secretKey).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    ['HTTP_PORT', 'abc'],
    ['HTTP_PORT', '70000'],
    ['BOT_MODE', 'push'],
    ['BOT_TOKEN', 'not-a-token'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['REDIS_URL', 'localhost:6379'],
    ['SECRET_KEY', 'too-short'],
    ['SECRET_KEY', Buffer.alloc(16).toString('hex')],
    ['KASPI_MC_URL', 'mc.shop.kaspi.kz'],
    ['KASPI_PROXIES', 'http://127.0.0.2:8001,ftp://x'],
    ['KASPI_OFFERS_RPS', '-1'],
    ['KASPI_OFFERS_RPS', 'fast'],
    ['KASPI_PRICEFEED_RPS', '0'],
    ['KASPI_CHANGES_PER_30MIN', '251'],
    ['KASPI_CHANGES_PER_30MIN', '10.5'],
    ['DEMPER_CRON', 'every minute'],
    ['LOG_LEVEL', 'verbose'],
  ])('names %s when it is %j', (variable, value) => {
    const error = errorFor({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('requires WEBHOOK_URL and WEBHOOK_SECRET in webhook mode', () => {
    expect(errorFor({ BOT_MODE: 'webhook' }).variable).toBe('WEBHOOK_URL');
    expect(errorFor({ BOT_MODE: 'webhook', WEBHOOK_URL: 'https://x.kz/hook' }).variable).toBe('WEBHOOK_SECRET');
  });

  it('never echoes proxy credentials in its error', () => {
    const error = errorFor({ KASPI_PROXIES: 'gopher://user:hunter2@127.0.0.2:1' });
    expect(error.message).not.toContain('hunter2');
  });
});
