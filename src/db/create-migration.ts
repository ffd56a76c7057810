/**
 * Developer tool: `npm run migration:create` diffs the entities against a fresh embedded database with all
 * listed migrations applied and writes the difference as a new TypeScript migration in `migrations/`.
 */
import { createLogger } from '../logger.js';
import { migrate, openDatabase } from './orm.js';

const logger = createLogger({ level: 'warn' });
const database = await openDatabase({ databaseUrl: undefined, dataDir: null, logger });
try {
  await migrate(database);
  const result = await database.orm.getMigrator().createMigration(undefined, false, false);
  if (!result.fileName) {
    console.log('No schema changes: the entities match the migrations.');
  } else {
    const className = result.fileName.replace(/\.ts$/, '');
    console.log(`Wrote migrations/${result.fileName}. Add it to migrations/index.ts:`);
    console.log(`  import { ${className} } from './${className}.js';`);
    console.log(`  { name: '${className}', class: ${className} },`);
  }
} finally {
  await database.close();
}
