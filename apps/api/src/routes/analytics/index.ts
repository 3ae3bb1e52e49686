import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { computePerformanceStats } from '@hindsight/metrics';
import { assertEndAfterStart, IsoDate, PerformanceStats, rangeEnd } from '@hindsight/models';
import Type from 'typebox';
import { principalOf } from '../../plugins/app/auth.js';
import { errorResponses } from '../../schemas/error-responses.js';

const PerformanceQuery = Type.Object(
  {
    /** Backtests created at or after (ISO date or date-time). */
    from: Type.Optional(IsoDate),
    /** Backtests created before; after `from`. */
    to: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);

const analytics: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/analytics/performance-stats',
    {
      schema: {
        operationId: 'getPerformanceStats',
        tags: ['analytics'],
        summary:
          'Totals, success rate, returns, a histogram and the monthly trend of your backtests',
        querystring: PerformanceQuery,
        response: { 200: PerformanceStats, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (from !== undefined && to !== undefined) {
        assertEndAfterStart(rangeEnd('from', from), rangeEnd('to', to));
      }
      const rows = await fastify.store.listSummaries(principalOf(request).userId, request.query);
      return computePerformanceStats(rows);
    },
  );
};

export default analytics;
