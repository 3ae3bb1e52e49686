import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer } from '@hindsight/redis-server';
import type { Config } from './config.js';

export interface ResolvedRedis {
  url: string;
  /** Whether `stop` ends a server this process started. */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * REDIS_URL when set; otherwise a private redis-server, persisted under DATA_ROOT/redis so
 * queued work survives a restart. Throws RedisServerError naming the fix when none is installed.
 */
export async function resolveRedisUrl(
  config: Pick<Config, 'REDIS_URL' | 'DATA_ROOT'>,
): Promise<ResolvedRedis> {
  if (config.REDIS_URL) return { url: config.REDIS_URL, owned: false, stop: async () => {} };
  const dir = join(config.DATA_ROOT, 'redis');
  mkdirSync(dir, { recursive: true });
  // Its own process group: a Ctrl-C reaches the processes using it, which close first, and the
  // owner stops it last; a watchdog stops it if the owner dies.
  const server = await startRedisServer({ dir, persist: true, ownGroup: true });
  return { url: server.url, owned: true, stop: () => server.stop() };
}
