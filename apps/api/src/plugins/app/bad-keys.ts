import { type Redis, redisKeys } from '@hindsight/service';
import type { FastifyBaseLogger } from 'fastify';

const WINDOW_SECONDS = 60;

/**
 * Counts the bad API keys each address presents, in Redis so every api process shares the
 * count; an address over the limit is refused for the rest of its minute, good key or not, so
 * guessing keys costs a minute per few tries. Redis down must not lock everyone out: then
 * nothing is counted.
 */
export class BadKeyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Seconds until `address` may try again, or null when it may try now. The count alone on every
   * request; its minute's end only for an address that is refused.
   */
  async retryAfter(address: string): Promise<number | null> {
    try {
      const key = redisKeys.badKeys(this.prefix, address);
      if (Number((await this.redis.get(key)) ?? 0) < this.perMinute) return null;
      return Math.max(1, await this.redis.ttl(key));
    } catch (error) {
      this.log.warn({ err: error }, 'bad-key count unavailable; not limiting');
      return null;
    }
  }

  /** Counts one bad key; the window starts with the first. */
  async record(address: string): Promise<void> {
    try {
      const key = redisKeys.badKeys(this.prefix, address);
      await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').exec();
    } catch (error) {
      this.log.warn({ err: error }, 'bad-key count unavailable; not limiting');
    }
  }
}
