import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { correlate, dailyReturns, pickStats } from '@hindsight/metrics';
import { createError } from '@hindsight/models';
import { readEquityColumns, readStats } from '../../lib/results.js';
import { principalOf } from '../../plugins/app/auth.js';
import {
  COMPARED_DRAWDOWN,
  COMPARED_METRICS,
  CompareRequest,
  CompareResponse,
  MAX_COMPARE,
  MIN_COMPARE,
} from '../../schemas/compare.js';
import { errorResponses } from '../../schemas/error-responses.js';

const compare: FastifyPluginAsyncTypebox = async (fastify) => {
  const { DATA_ROOT } = fastify.config;

  fastify.post(
    '/backtests/compare',
    {
      schema: {
        operationId: 'compareBacktests',
        tags: ['analytics'],
        summary: 'Compare 2-5 completed backtests',
        description:
          'Headline metrics and drawdowns side by side, and the correlation of their daily returns over the days they share.',
        body: CompareRequest,
        response: { 200: CompareResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const { ids } = request.body;
      const unique = [...new Set(ids)];
      if (unique.length < MIN_COMPARE || unique.length > MAX_COMPARE) {
        throw createError('HS_ERR_COMPARE_COUNT', {
          min: MIN_COMPARE,
          max: MAX_COMPARE,
          count: unique.length,
        });
      }
      const principal = principalOf(request);
      const records = await Promise.all(unique.map((id) => fastify.backtests.get(principal, id)));
      const loaded = await Promise.all(
        records.map(async (record) => {
          const [stats, equity] = await Promise.all([
            readStats(DATA_ROOT, record),
            readEquityColumns(DATA_ROOT, record),
          ]);
          return { record, stats, returns: dailyReturns(equity.time, equity.equity) };
        }),
      );
      const matrix = loaded.map((a) => loaded.map((b) => correlate(a.returns, b.returns)));
      return {
        backtests: loaded.map(({ record, stats }) => ({
          id: record.id,
          name: record.name,
          strategy: record.config.strategy.name,
          symbols: record.config.symbols,
          metrics: pickStats(stats, COMPARED_METRICS),
          drawdown: pickStats(stats, COMPARED_DRAWDOWN),
        })),
        correlation: {
          ids: unique,
          matrix: matrix.map((row) => row.map((cell) => cell.r)),
          days: matrix.map((row) => row.map((cell) => cell.days)),
        },
      };
    },
  );
};

export default compare;
