import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, decodeSecretKey, type Config } from '../config.js';
import type { Logger } from '../logger.js';

export const GENERATED_KEY_FILE = 'secret.key';

/**
 * SECRET_KEY from the environment, or — in embedded mode only — the key kept in DATA_DIR, generated on
 * first start with mode 0600. Losing that file makes the stored Kaspi sessions unreadable (sellers log in
 * again), so the warning says where it is.
 */
export async function resolveSecretKey(config: Config, logger: Logger): Promise<Buffer> {
  if (config.secretKey) return config.secretKey;
  // With a shared database a key generated on one host would leave the stored sessions unreadable on the next.
  if (config.databaseUrl)
    throw new ConfigError('SECRET_KEY', 'is required when DATABASE_URL is set (32 bytes, hex or base64)');

  const path = join(config.dataDir, GENERATED_KEY_FILE);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = decodeSecretKey(existing);
    if (!key)
      throw new ConfigError(
        'SECRET_KEY',
        `${path} does not hold a 32-byte key (hex or base64); restore it or remove it`,
      );
    const mode = (await stat(path)).mode & 0o777;
    if (mode !== 0o600) {
      await chmod(path, 0o600);
      logger.warn({ path }, 'secret key file had mode %s; tightened to 0600', mode.toString(8));
    }
    return key;
  }

  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx` fails if another process created the file in between, instead of silently replacing its key.
    await writeFile(path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecretKey(config, logger);
    throw error;
  }
  logger.warn(
    { path },
    'SECRET_KEY is not set: generated a new key in DATA_DIR for the embedded database. Back it up; set SECRET_KEY in production.',
  );
  return key;
}
