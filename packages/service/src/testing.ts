import { randomBytes } from 'node:crypto';
import { type RedisServerHandle, startRedisServer } from '@hindsight/redis-server';

export { findFreePort, type RedisServerHandle } from '@hindsight/redis-server';

/**
 * A fresh private redis-server for one test file: tests never touch the machine's 6379 and
 * never see each other's keys. Stop it in afterAll.
 */
export function startTestRedis(): Promise<RedisServerHandle> {
  return startRedisServer();
}

/** A queue prefix no other test uses, so tests sharing a server stay apart. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}
export { REPO_ROOT, type ServiceProcess, startProcess } from './testing-process.js';
