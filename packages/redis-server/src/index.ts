export type { RedisServerHandle, RedisServerOptions } from './redis-server.js';
export { findFreePort, RedisServerError, startRedisServer } from './redis-server.js';
