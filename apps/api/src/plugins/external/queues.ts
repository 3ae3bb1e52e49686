import { createQueues, type Queues } from '@hindsight/service';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The BullMQ queues of the job catalogue and the flow producer submits use. */
    queues: Queues;
  }
}

async function queues(fastify: FastifyInstance) {
  const created = createQueues(fastify.redis, fastify.config.QUEUE_PREFIX);
  // BullMQ reports connection trouble as 'error' events; unheard, they would print raw stacks.
  for (const queue of Object.values(created.queues)) {
    queue.on('error', (error) =>
      fastify.log.warn({ err: error, queue: queue.name }, 'queue error'),
    );
  }
  created.flows.on('error', (error) => fastify.log.warn({ err: error }, 'flow producer error'));
  fastify.decorate('queues', created);
  fastify.addHook('onClose', async () => {
    await created.close();
  });
}

export default fp(queues, { name: 'queues', dependencies: ['config', 'redis'] });
