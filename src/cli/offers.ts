import { openKaspiContainer } from '../app/container.js';
import { loadConfig } from '../config.js';
import { isKaspiError } from '../kaspi/errors.js';
import { createLogger } from '../logger.js';
import { CliError, type CliCommand } from './command.js';

const DEFAULT_CITY_ID = '750000000';

export const offersCommand: CliCommand = {
  name: 'offers',
  summary: "print competitors' offers for a product as JSON (one offer per merchant, cheapest first)",
  usage: '<masterSku> [--city <id>]',
  optionHelp: [
    `--city <id>        KATO city id (default ${DEFAULT_CITY_ID}, Almaty; Astana 710000000, Shymkent 511010000)`,
  ],
  options: { city: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const masterSku = positionals[0]!;
    const cityId = typeof values.city === 'string' ? values.city : DEFAULT_CITY_ID;
    if (!/^\d{1,20}$/.test(masterSku))
      throw new CliError(`offers: "${masterSku}" is not a Kaspi product id (digits, the masterSku)`);
    if (!/^\d{9}$/.test(cityId)) throw new CliError(`offers: --city must be a 9-digit KATO city id, got "${cityId}"`);
    const config = loadConfig(io.env);
    const logger = createLogger({
      level: config.logLevel === 'info' ? 'warn' : config.logLevel,
      destination: undefined,
    });
    const container = await openKaspiContainer(config, logger);
    try {
      const view = await container.kaspi.storefront.offers(masterSku, cityId);
      io.stdout.write(
        `${JSON.stringify({ masterSku, cityId, total: view.total, fetchedAt: view.fetchedAt, offers: view.offers }, null, 2)}\n`,
      );
      return 0;
    } catch (error) {
      if (isKaspiError(error)) throw new CliError(`offers: ${error.message}`);
      throw error;
    } finally {
      await container.close();
    }
  },
};
