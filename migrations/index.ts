import type { MigrationObject } from '@mikro-orm/core';

import { Migration20261125020540 } from './Migration20261125020540.js';
import { Migration20261125023538 } from './Migration20261125023538.js';
import { Migration20261125223854 } from './Migration20261125223854.js';
import { Migration20261206000100 } from './Migration20261206000100.js';
import { Migration20261207000100 } from './Migration20261207000100.js';
import { Migration20261208120000 } from './Migration20261208120000.js';
import { Migration20261209000100 } from './Migration20261209000100.js';
import { Migration20261210000100 } from './Migration20261210000100.js';
import { Migration20261211000100 } from './Migration20261211000100.js';
import { Migration20261212000500 } from './Migration20261212000500.js';

/**
 * Every migration, oldest first. `npm run migration:create` writes a new file here; add it to this list.
 * Listing them keeps one code path for tsx and for the Docker image (no directory scanning).
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125020540', class: Migration20261125020540 },
  { name: 'Migration20261125023538', class: Migration20261125023538 },
  { name: 'Migration20261125223854', class: Migration20261125223854 },
  { name: 'Migration20261206000100', class: Migration20261206000100 },
  { name: 'Migration20261207000100', class: Migration20261207000100 },
  { name: 'Migration20261208120000', class: Migration20261208120000 },
  { name: 'Migration20261209000100', class: Migration20261209000100 },
  { name: 'Migration20261210000100', class: Migration20261210000100 },
  { name: 'Migration20261211000100', class: Migration20261211000100 },
  { name: 'Migration20261212000500', class: Migration20261212000500 },
];
