import { MarketDataCache } from '@hindsight/market-data';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OHLCV cache under DATA_ROOT/market-data, shared with the workers (read-only here). */
    marketData: MarketDataCache;
  }
}

async function marketData(fastify: FastifyInstance) {
  // DuckDB starts on the first read, not here: most api processes never list bars.
  const cache = new MarketDataCache({ dataRoot: fastify.config.DATA_ROOT });
  fastify.decorate('marketData', cache);
  fastify.addHook('onClose', async () => {
    await cache.close();
  });
}

export default fp(marketData, { name: 'market-data', dependencies: ['config'] });
