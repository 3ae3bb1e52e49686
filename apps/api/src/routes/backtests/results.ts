import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LogLevel } from '@hindsight/models';
import { MAX_LOG_PAGE } from '@hindsight/store';
import Type from 'typebox';
import { FormatQuery, wantsCsv } from '../../lib/csv-choice.js';
import {
  equityCsvStream,
  equityJsonStream,
  readEquity,
  readResult,
  readTrades,
  tradesCsv,
} from '../../lib/results.js';
import { principalOf } from '../../plugins/app/auth.js';
import { BacktestIdParams } from '../../schemas/backtest-view.js';
import { errorResponses } from '../../schemas/error-responses.js';
import { EquityBody, EquityQuery, LogsPage, ResultBody, TradesBody } from '../../schemas/result.js';

const LogsQuery = Type.Object(
  {
    /** Lines after this seq (the `nextAfter` of the previous page). */
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: MAX_LOG_PAGE, default: 100 }),
    /** Lines of this level or more severe (`warn`: warn and error); unset: every line. */
    level: Type.Optional(LogLevel),
  },
  { additionalProperties: false },
);

const notReady = errorResponses(404, 409);

/** What a completed backtest produced: statistics, trades, equity; and the log of any backtest. */
const results: FastifyPluginAsyncTypebox = async (fastify) => {
  const { DATA_ROOT } = fastify.config;

  fastify.get(
    '/backtests/:id/result',
    {
      schema: {
        operationId: 'getBacktestResult',
        tags: ['results'],
        summary: 'Every statistic, the conventions they follow, and the fingerprint',
        description: '409 HS_ERR_NOT_READY until the backtest is completed.',
        params: BacktestIdParams,
        response: { 200: ResultBody, ...notReady },
      },
    },
    async (request) => {
      const record = await fastify.backtests.get(principalOf(request), request.params.id);
      return readResult(DATA_ROOT, fastify.store, record);
    },
  );

  fastify.get(
    '/backtests/:id/trades',
    {
      schema: {
        operationId: 'getBacktestTrades',
        tags: ['results'],
        summary: 'The trade list: JSON, or CSV with `?format=csv` or `Accept: text/csv`',
        params: BacktestIdParams,
        querystring: FormatQuery,
        response: {
          200: {
            description: 'The trades',
            content: {
              'application/json': { schema: TradesBody },
              'text/csv': { schema: Type.String() },
            },
          },
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const record = await fastify.backtests.get(principalOf(request), request.params.id);
      const trades = await readTrades(DATA_ROOT, record);
      if (wantsCsv(request.query.format, request, reply)) {
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${record.id}-trades.csv"`);
        return tradesCsv(trades);
      }
      reply.type('application/json; charset=utf-8');
      return trades;
    },
  );

  fastify.get(
    '/backtests/:id/equity',
    {
      schema: {
        operationId: 'getBacktestEquity',
        tags: ['results'],
        summary:
          'Equity and drawdown on one time axis, optionally downsampled to maxPoints; the full series also as CSV with `Accept: text/csv`',
        params: BacktestIdParams,
        querystring: EquityQuery,
        response: {
          200: {
            description: 'The series',
            content: {
              'application/json': { schema: EquityBody },
              'text/csv': { schema: Type.String() },
            },
          },
          ...errorResponses(400, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const record = await fastify.backtests.get(principalOf(request), request.params.id);
      const csv = request.headers.accept?.includes('text/csv') === true;
      reply.vary('Accept');
      const answer = await readEquity(DATA_ROOT, record, csv ? undefined : request.query.maxPoints);
      if (answer.kind === 'body') return answer.body;
      // Streamed: a full series is megabytes of text, which must not be built in one piece.
      // The type provider types a body by the schema; a stream goes out as its bytes, unchecked.
      if (csv) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${record.id}-equity.csv"`)
          .send(equityCsvStream(answer.columns) as never);
      }
      return reply
        .type('application/json; charset=utf-8')
        .send(equityJsonStream(answer.columns) as never);
    },
  );

  fastify.get(
    '/backtests/:id/logs',
    {
      schema: {
        operationId: 'getBacktestLogs',
        tags: ['results'],
        summary: 'Execution log lines, oldest first, a page at a time',
        params: BacktestIdParams,
        querystring: LogsQuery,
        response: { 200: LogsPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const items = await fastify.backtests.logs(
        principalOf(request),
        request.params.id,
        request.query,
      );
      return { items, nextAfter: items.at(-1)?.seq ?? null };
    },
  );
};

export default results;
