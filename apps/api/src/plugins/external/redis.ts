import { createRedisConnection, type Redis } from '@hindsight/service';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Commands, queues, the rate limit and event replays; the event hub subscribes on its own. */
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  url: string;
}

async function redis(fastify: FastifyInstance, options: RedisPluginOptions) {
  // One retry, not BullMQ's endless wait: a request that needs Redis while it is down should
  // fail (503) quickly rather than hang; the connection itself keeps reconnecting.
  const connection = createRedisConnection(options.url, {
    maxRetriesPerRequest: 1,
    connectionName: 'hindsight-api',
  });
  connection.on('error', (error) => fastify.log.warn({ err: error }, 'redis connection error'));
  fastify.decorate('redis', connection);
  fastify.addHook('onClose', async () => {
    await connection.quit().catch(() => connection.disconnect());
  });
}

export default fp(redis, { name: 'redis', dependencies: ['config'] });
