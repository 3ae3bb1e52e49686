import { BacktestEventHub, BacktestEventPublisher, CancelChannel } from '@hindsight/service';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Relays backtest events to this process's WebSockets over ONE Redis subscriber. */
    eventHub: BacktestEventHub;
    /**
     * For the events the api itself causes: a waiting backtest cancelled, or one that could not
     * be enqueued and failed. Everything else comes from the workers.
     */
    eventPublisher: BacktestEventPublisher;
    cancelChannel: CancelChannel;
  }
}

async function events(fastify: FastifyInstance) {
  const prefix = fastify.config.QUEUE_PREFIX;
  const hub = new BacktestEventHub(fastify.redis, prefix, {
    onError: (error) => fastify.log.warn({ err: error }, 'event hub error'),
  });
  fastify.decorate('eventHub', hub);
  fastify.decorate(
    'eventPublisher',
    new BacktestEventPublisher(fastify.redis, prefix, {
      onError: (error, backtestId) =>
        fastify.log.warn({ err: error, backtestId }, 'event not published'),
    }),
  );
  const cancelChannel = new CancelChannel(fastify.redis, prefix);
  fastify.decorate('cancelChannel', cancelChannel);
  fastify.addHook('onClose', async () => {
    await Promise.all([hub.close(), cancelChannel.close()]);
  });
}

export default fp(events, { name: 'events', dependencies: ['config', 'redis'] });
