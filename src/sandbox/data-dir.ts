import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { GENERATED_KEY_FILE } from '../security/secret-key.js';

/** Marks a directory the sandbox made, so a fresh start only ever wipes its own data. */
export const SANDBOX_MARKER = '.kaspi-bot-sandbox';

export class SandboxDataDirError extends Error {}

/**
 * Gets the sandbox's data directory ready. Fresh (the default): the Kaspi stand-in and the chats live in memory,
 * so the database starts empty too, or a second run would greet sellers whose Kaspi sessions no longer exist.
 * `keep` keeps it. A non-empty directory without the marker is never touched: it may be a real bot's data.
 */
export async function prepareSandboxDataDir(dataDir: string, keep: boolean): Promise<void> {
  const directory = resolve(dataDir);
  const entries = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (entries && entries.length > 0 && !entries.includes(SANDBOX_MARKER)) {
    throw new SandboxDataDirError(
      `${dataDir} is not empty and was not made by the sandbox (no ${SANDBOX_MARKER}); choose another --data-dir`,
    );
  }
  if (entries && entries.length > 0 && !keep) await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, SANDBOX_MARKER),
    'Data of `kaspi-bot sandbox`; wiped on its next start unless it runs with --keep.\n',
  );
  // The key the embedded mode would generate (and warn about): here it only guards demo sessions of the local Kaspi.
  await writeFile(join(directory, GENERATED_KEY_FILE), `${randomBytes(32).toString('hex')}\n`, {
    mode: 0o600,
    flag: 'wx',
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
