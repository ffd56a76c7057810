import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openContainer, type Container } from '../../src/app/container.js';
import { loadConfig } from '../../src/config.js';
import { createRedis } from '../../src/redis.js';
import { startHttpServer, type RunningHttpServer } from '../../src/http/server.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { captureLogger } from '../helpers/logs.js';
import { createTestDatabase } from '../helpers/postgres.js';

async function get(server: RunningHttpServer, path: string) {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /healthz', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let infrastructure: Container;
  const { logger } = captureLogger('warn');

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: testDb.url,
      REDIS_URL: TEST_REDIS_URL,
      SECRET_KEY: 'b'.repeat(64),
      HTTP_PORT: '0',
    });
    infrastructure = await openContainer(config, logger, { migrate: true });
  });
  afterAll(async () => {
    await infrastructure?.close();
    await testDb?.drop();
  });

  it('answers 200 when PostgreSQL and Redis answer', async () => {
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      healthChecks: infrastructure.healthChecks,
    });
    try {
      const { status, body } = await get(server, '/healthz');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', checks: { database: { ok: true }, redis: { ok: true } } });
    } finally {
      await server.close();
    }
  });

  it('answers 200 without Redis when none is configured', async () => {
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      healthChecks: { database: infrastructure.healthChecks.database, redis: undefined },
    });
    try {
      const { status, body } = await get(server, '/healthz');
      expect(status).toBe(200);
      expect(body.checks).toEqual({ database: { ok: true }, redis: 'not configured' });
    } finally {
      await server.close();
    }
  });

  it('answers 503 when Redis does not answer, within its deadline', async () => {
    // Nothing listens on port 1: the client keeps reconnecting and the check must give up on its own.
    const deadRedis = createRedis('redis://127.0.0.1:1', logger, 'dead');
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      healthChecks: { database: infrastructure.healthChecks.database, redis: () => deadRedis.ping() },
    });
    try {
      const { status, body } = await get(server, '/healthz');
      expect(status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect((body.checks as Record<string, unknown>).database).toEqual({ ok: true });
      expect((body.checks as Record<string, unknown>).redis).toEqual({ ok: false, error: 'timeout' });
    } finally {
      deadRedis.disconnect();
      await server.close();
    }
  });

  it('answers 503 when the database is gone', async () => {
    const testDb2 = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: testDb2.url, SECRET_KEY: 'b'.repeat(64) });
    const other = await openContainer(config, logger, { migrate: false });
    const server = await startHttpServer({ port: 0, host: '127.0.0.1', logger, healthChecks: other.healthChecks });
    try {
      expect((await get(server, '/healthz')).status).toBe(200);
      await testDb2.drop(); // terminates the pool's connections and removes the database
      const { status, body } = await get(server, '/healthz');
      expect(status).toBe(503);
      // A category only: the driver's message (host, port, database name) stays in the log.
      expect((body.checks as Record<string, unknown>).database).toEqual({ ok: false, error: 'failed' });
      expect(JSON.stringify(body)).not.toContain(new URL(testDb2.url).pathname.slice(1));
    } finally {
      await server.close();
      await other.close().catch(() => undefined);
    }
  });

  it('exposes nothing else', async () => {
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      healthChecks: infrastructure.healthChecks,
    });
    try {
      expect((await get(server, '/')).status).toBe(404);
      expect((await get(server, '/healthz/../admin')).status).toBe(404);
      const post = await fetch(`http://127.0.0.1:${server.port}/healthz`, { method: 'POST' });
      expect(post.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
