import { loadConfig } from '../config.js';
import { migrate, openDatabase } from '../db/orm.js';
import { createLogger } from '../logger.js';
import type { CliCommand } from './command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply database migrations (PostgreSQL with DATABASE_URL, otherwise the embedded database in DATA_DIR)',
  usage: '',
  optionHelp: [],
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const config = loadConfig(io.env);
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
    try {
      const applied = await migrate(database);
      const where =
        database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
      io.stdout.write(
        applied.length
          ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(', ')}\n`
          : `Nothing to apply: ${where} is up to date.\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  },
};
