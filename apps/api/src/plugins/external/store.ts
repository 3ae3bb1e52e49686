import { createStore, type Store } from '@hindsight/store';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The system of record: SQLite under DATA_ROOT, or MongoDB when MONGODB_URL is set. */
    store: Store;
  }
}

async function store(fastify: FastifyInstance) {
  const { MONGODB_URL, DATA_ROOT } = fastify.config;
  const opened = await createStore({ mongodbUrl: MONGODB_URL, dataRoot: DATA_ROOT });
  fastify.decorate('store', opened);
  fastify.addHook('onClose', async () => {
    await opened.close();
  });
}

export default fp(store, { name: 'store', dependencies: ['config'] });
