export type { RedisServerHandle, RedisServerOptions } from './redis-server.js';
export { RedisServerError, startRedisServer } from './redis-server.js';
