import { Redis, type RedisOptions } from 'ioredis';

export type { Redis, RedisOptions } from 'ioredis';

/**
 * An ioredis connection as BullMQ workers need it: `maxRetriesPerRequest: null` makes commands
 * wait through a reconnect instead of failing, which BullMQ requires of blocking connections.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}
