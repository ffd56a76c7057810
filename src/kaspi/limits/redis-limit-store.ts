import type { Redis } from 'ioredis';

import type { LimitStore } from './limit-store.js';

/** Time comes from Redis itself (`TIME`), so processes with skewed clocks still share one schedule. */
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local maxWait = tonumber(ARGV[2])
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, next)
local wait = slot - now
if wait > maxWait then return -1 end
redis.call('SET', KEYS[1], slot + interval, 'PX', wait + interval + 1000)
return wait
`;

const RESERVE_EARLIEST_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local maxWait = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local frozen = tonumber(ARGV[4]) == 1
local best = 0
local bestSlot = 0
for i = 1, n do
  local skip = false
  if frozen then
    local untilMs = tonumber(redis.call('HGET', KEYS[n + i], 'until') or '0')
    skip = untilMs > now
  end
  if not skip then
    local slot = math.max(now, tonumber(redis.call('GET', KEYS[i]) or '0'))
    if best == 0 or slot < bestSlot then
      best = i
      bestSlot = slot
    end
  end
end
local wait = bestSlot - now
if best == 0 or wait > maxWait then return {-1, 0} end
redis.call('SET', KEYS[best], bestSlot + interval, 'PX', wait + interval + 1000)
return {best - 1, wait}
`;

const TAKE_FROM_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wanted = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
local granted = math.max(0, math.min(wanted, limit - used))
if granted > 0 then
  local seq = redis.call('INCRBY', KEYS[2], granted)
  for i = 1, granted do
    redis.call('ZADD', KEYS[1], now, tostring(seq - granted + i))
  end
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  redis.call('PEXPIRE', KEYS[2], window + 1000)
end
local retry = 0
if granted < wanted then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if oldest[2] then retry = math.max(0, tonumber(oldest[2]) + window - now) end
end
return {granted, retry}
`;

const USED_IN_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
`;

const FREEZE = `
local current = redis.call('HGET', KEYS[1], 'until')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[1], 'reason', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`;

export class RedisLimitStore implements LimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'kaspi-limits:',
  ) {}

  async reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number | undefined> {
    const wait = Number(
      await this.redis.eval(RESERVE_SLOT, 1, `${this.prefix}slot:${key}`, Math.ceil(intervalMs), Math.floor(maxWaitMs)),
    );
    return wait < 0 ? undefined : wait;
  }

  async reserveEarliestSlot(
    keys: string[],
    intervalMs: number,
    maxWaitMs: number,
    frozenKeys?: string[],
  ): Promise<{ index: number; wait: number } | undefined> {
    if (keys.length === 0) return undefined;
    const freezeKeys = frozenKeys ? keys.map((_key, index) => `${this.prefix}freeze:${frozenKeys[index]}`) : [];
    const [index, wait] = (await this.redis.eval(
      RESERVE_EARLIEST_SLOT,
      keys.length + freezeKeys.length,
      ...keys.map((key) => `${this.prefix}slot:${key}`),
      ...freezeKeys,
      Math.ceil(intervalMs),
      Math.floor(maxWaitMs),
      keys.length,
      frozenKeys ? 1 : 0,
    )) as [number, number];
    return Number(index) < 0 ? undefined : { index: Number(index), wait: Number(wait) };
  }

  async takeFromWindow(key: string, wanted: number, limit: number, windowMs: number) {
    const [granted, retryInMs] = (await this.redis.eval(
      TAKE_FROM_WINDOW,
      2,
      `${this.prefix}window:${key}`,
      `${this.prefix}window-seq:${key}`,
      wanted,
      limit,
      windowMs,
    )) as [number, number];
    return { granted: Number(granted), retryInMs: Number(retryInMs) };
  }

  async usedInWindow(key: string, windowMs: number): Promise<number> {
    return Number(await this.redis.eval(USED_IN_WINDOW, 1, `${this.prefix}window:${key}`, windowMs));
  }

  async freeze(key: string, untilMs: number, reason: string): Promise<void> {
    await this.redis.eval(FREEZE, 1, `${this.prefix}freeze:${key}`, Math.ceil(untilMs), reason);
  }

  async frozenUntil(key: string) {
    const [until, reason] = await this.redis.hmget(`${this.prefix}freeze:${key}`, 'until', 'reason');
    if (!until || Number(until) <= Date.now()) return undefined;
    return { untilMs: Number(until), reason: reason ?? '' };
  }
}
