import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  assertEndAfterStart,
  BacktestRequest,
  ListBacktestsQuery,
  parseBacktestRequest,
  rangeEnd,
} from '@hindsight/models';
import Type from 'typebox';
import { bodyParserCompiler } from '../../lib/validator-compiler.js';
import { principalOf } from '../../plugins/app/auth.js';
import {
  BacktestIdParams,
  BacktestView,
  BacktestViewPage,
  SubmitAccepted,
  toView,
} from '../../schemas/backtest-view.js';
import { errorResponses } from '../../schemas/error-responses.js';

const SubmitHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'The same key again (same caller, same body) returns the same backtest',
    }),
  ),
});

/** Submit, list, read, cancel, rerun and delete backtests. */
const backtests: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/backtests',
    {
      schema: {
        operationId: 'submitBacktest',
        tags: ['backtests'],
        summary: 'Submit a backtest',
        description:
          'Validated, written to the store, then queued. Answers at once with the id; follow it on the WebSocket of `links.events`.',
        headers: SubmitHeaders,
        body: BacktestRequest,
        response: { 202: SubmitAccepted, ...errorResponses(400, 413, 422, 503) },
      },
      // The models' parser knows more than the schema: too many symbols, dates that exist,
      // end after start - each with its own code.
      validatorCompiler: bodyParserCompiler(parseBacktestRequest),
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] ?? null;
      const { accepted } = await fastify.backtests.submit(principalOf(request), request.body, key);
      reply.code(202).header('location', accepted.links.self);
      return accepted;
    },
  );

  fastify.get(
    '/backtests',
    {
      schema: {
        operationId: 'listBacktests',
        tags: ['backtests'],
        summary: 'List your backtests',
        description:
          'Filter by status, strategy, symbol, tag and creation time; page with nextCursor.',
        querystring: ListBacktestsQuery,
        response: { 200: BacktestViewPage, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { createdFrom, createdTo } = request.query;
      if (createdFrom !== undefined && createdTo !== undefined) {
        assertEndAfterStart(rangeEnd('createdFrom', createdFrom), rangeEnd('createdTo', createdTo));
      }
      const page = await fastify.backtests.list(principalOf(request), request.query);
      return { ...page, items: page.items.map(toView) };
    },
  );

  fastify.get(
    '/backtests/:id',
    {
      schema: {
        operationId: 'getBacktest',
        tags: ['backtests'],
        summary: 'One backtest: config, status, progress, timestamps, summary, error',
        params: BacktestIdParams,
        response: { 200: BacktestView, ...errorResponses(404) },
      },
    },
    async (request) => toView(await fastify.backtests.get(principalOf(request), request.params.id)),
  );

  fastify.post(
    '/backtests/:id/cancel',
    {
      schema: {
        operationId: 'cancelBacktest',
        tags: ['backtests'],
        summary: 'Cancel a backtest',
        description:
          'A waiting backtest is cancelled at once (200), and so is a running one whose job Redis lost. A running one is signalled and ends `cancelled` within a fraction of a second (202; watch the WebSocket); while Redis is down that cannot be delivered: 503 `HS_ERR_CANCEL_UNAVAILABLE`.',
        params: BacktestIdParams,
        response: { 200: BacktestView, 202: BacktestView, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const outcome = await fastify.backtests.cancel(principalOf(request), request.params.id);
      reply.code(outcome.kind === 'cancelled' ? 200 : 202);
      return toView(outcome.record);
    },
  );

  fastify.post(
    '/backtests/:id/rerun',
    {
      schema: {
        operationId: 'rerunBacktest',
        tags: ['backtests'],
        summary: 'Submit a new backtest with the same config',
        params: BacktestIdParams,
        response: { 202: SubmitAccepted, ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const { accepted } = await fastify.backtests.rerun(principalOf(request), request.params.id);
      reply.code(202).header('location', accepted.links.self);
      return accepted;
    },
  );

  fastify.delete(
    '/backtests/:id',
    {
      schema: {
        operationId: 'deleteBacktest',
        tags: ['backtests'],
        summary: 'Delete a backtest, its logs and result files (cancels it first if it runs)',
        params: BacktestIdParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await fastify.backtests.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default backtests;
