import { Redis } from 'ioredis';

import type { Logger } from './logger.js';

/**
 * One ioredis connection. `maxRetriesPerRequest: null` is what BullMQ workers require; commands wait while
 * Redis restarts instead of failing, and `healthCheck` puts its own deadline around a PING.
 */
export function createRedis(url: string, logger: Logger, name = 'main'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectionName: `kaspi-bot:${name}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
    if (error.message !== lastError) logger.warn({ err: error, redis: name }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info({ redis: name }, 'redis connection restored');
    lastError = '';
  });
  return redis;
}
