import {
  createRegistry,
  observeHttpRequest,
  type QueueJobCounts,
  queueDepthCollector,
  type Telemetry,
  timeOperations,
} from '@hindsight/telemetry';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** This api process's Prometheus registry and its typed catalogue metrics. */
    telemetry: Telemetry<'api'>;
  }
}

/**
 * GET /metrics (Prometheus text format, outside `/api/v1` and its authentication, hidden from
 * the OpenAPI document): HTTP requests by route template, the queue depth read from Redis at
 * most once per five seconds however many Prometheus servers scrape, store latency, and the
 * WebSocket and cache metrics the routes record through `fastify.telemetry`.
 */
async function telemetryPlugin(fastify: FastifyInstance) {
  const telemetry = createRegistry({ service: 'api' });
  fastify.decorate('telemetry', telemetry);

  const queues = Object.values(fastify.queues.queues);
  queueDepthCollector(
    telemetry.registry,
    async (): Promise<QueueJobCounts> => {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts()));
      return Object.fromEntries(queues.map((queue, i) => [queue.name, counts[i] ?? {}]));
    },
    { onError: (error) => fastify.log.warn({ err: error }, 'reading queue depth failed') },
  );

  // Every plugin and route registered after this one reads the store through the timed proxy.
  fastify.store = timeOperations(fastify.store, telemetry.metrics.storeOperationDurationSeconds);

  fastify.addHook('onResponse', async (request, reply) => {
    observeHttpRequest(telemetry.metrics, {
      route: request.routeOptions.url,
      method: request.method,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1_000,
    });
  });

  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(telemetry.registry.contentType);
    return telemetry.registry.metrics();
  });
}

export default fp(telemetryPlugin, {
  name: 'telemetry',
  dependencies: ['config', 'store', 'queues'],
});
