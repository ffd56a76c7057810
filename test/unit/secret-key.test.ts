import { mkdtemp, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';
import { GENERATED_KEY_FILE, resolveSecretKey } from '../../src/security/secret-key.js';
import { captureLogger } from '../helpers/logs.js';

describe('resolveSecretKey', () => {
  it('generates a key into DATA_DIR with mode 0600 and a warning, then reuses it', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'kb-key-')), 'nested');
    const { logger, lines } = captureLogger();
    const config = loadConfig({ DATA_DIR: dataDir });

    const first = await resolveSecretKey(config, logger);
    expect(first).toHaveLength(32);
    const path = join(dataDir, GENERATED_KEY_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(first.toString('hex'));
    expect(
      lines().filter((line) => line.level === 40 && String(line.msg).includes('SECRET_KEY is not set')),
    ).toHaveLength(1);
    expect(JSON.stringify(lines())).not.toContain(first.toString('hex'));

    const second = await resolveSecretKey(config, logger);
    expect(second.equals(first)).toBe(true);
  });

  it('prefers SECRET_KEY from the environment and writes nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-key-'));
    const key = Buffer.alloc(32, 3);
    const resolved = await resolveSecretKey(
      loadConfig({ DATA_DIR: dataDir, SECRET_KEY: key.toString('hex') }),
      captureLogger().logger,
    );
    expect(resolved.equals(key)).toBe(true);
    await expect(stat(join(dataDir, GENERATED_KEY_FILE))).rejects.toThrow();
  });

  it('tightens a key file that others can read', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-key-'));
    const path = join(dataDir, GENERATED_KEY_FILE);
    await writeFile(path, Buffer.alloc(32, 9).toString('hex'));
    await chmod(path, 0o644);
    const key = await resolveSecretKey(loadConfig({ DATA_DIR: dataDir }), captureLogger().logger);
    expect(key.equals(Buffer.alloc(32, 9))).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kb-key-'));
    await writeFile(join(dataDir, GENERATED_KEY_FILE), 'garbage');
    await expect(resolveSecretKey(loadConfig({ DATA_DIR: dataDir }), captureLogger().logger)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it('requires SECRET_KEY with DATABASE_URL (a shared database needs a shared key)', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://127.0.0.1/x' });
    await expect(resolveSecretKey(config, captureLogger().logger)).rejects.toMatchObject({ variable: 'SECRET_KEY' });
  });
});
