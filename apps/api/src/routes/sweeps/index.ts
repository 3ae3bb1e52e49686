import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OBJECTIVE_KEYS, parseSweepRequest, SweepRequest } from '@hindsight/models';
import Type from 'typebox';
import { wantsCsv } from '../../lib/csv-choice.js';
import { bodyParserCompiler } from '../../lib/validator-compiler.js';
import { principalOf } from '../../plugins/app/auth.js';
import { SubmitAccepted } from '../../schemas/backtest-view.js';
import { errorResponses } from '../../schemas/error-responses.js';
import {
  ListSweepsQuery,
  SweepAccepted,
  SweepIdParams,
  type SweepResultItem,
  SweepResultsPage,
  SweepResultsQuery,
  SweepView,
  SweepViewPage,
} from '../../schemas/sweep-view.js';

/** Submit, list, read, page the results of, cancel, promote and delete parameter sweeps. */
const sweeps: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/sweeps',
    {
      schema: {
        operationId: 'submitSweep',
        tags: ['sweeps'],
        summary: 'Submit a parameter sweep',
        description:
          'A backtest request plus `grid` (values per parameter; their cross product runs), optional `search` (a random sample of it), `objective` and `walkForward` (folds, rolling or anchored, in-sample fraction: optimise in sample, test the choice out of sample). Combinations the strategy refuses (fast >= slow) are skipped and counted. Checked, stored, then queued; answers at once.',
        body: SweepRequest,
        response: { 202: SweepAccepted, ...errorResponses(400, 413, 503) },
      },
      validatorCompiler: bodyParserCompiler(parseSweepRequest),
    },
    async (request, reply) => {
      const accepted = await fastify.sweeps.submit(principalOf(request), request.body);
      reply.code(202).header('location', accepted.links.self);
      return accepted;
    },
  );

  fastify.get(
    '/sweeps',
    {
      schema: {
        operationId: 'listSweeps',
        tags: ['sweeps'],
        summary: 'List your sweeps, newest first',
        querystring: ListSweepsQuery,
        response: { 200: SweepViewPage, ...errorResponses(400) },
      },
    },
    async (request) => fastify.sweeps.list(principalOf(request), request.query),
  );

  fastify.get(
    '/sweeps/:id',
    {
      schema: {
        operationId: 'getSweep',
        tags: ['sweeps'],
        summary:
          'One sweep: progress, counts, best, leaderboard (top 20), overfitting, walk-forward',
        params: SweepIdParams,
        response: { 200: SweepView, ...errorResponses(404) },
      },
    },
    async (request) => fastify.sweeps.get(principalOf(request), request.params.id),
  );

  fastify.get(
    '/sweeps/:id/results',
    {
      schema: {
        operationId: 'getSweepResults',
        tags: ['sweeps'],
        summary: 'Every combination with its status and statistics, by index; JSON or CSV',
        params: SweepIdParams,
        querystring: SweepResultsQuery,
        response: {
          200: Type.Union([SweepResultsPage, Type.String({ description: 'text/csv' })]),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { format, ...page } = request.query;
      const csv = wantsCsv(format, request, reply);
      const { record, items, next } = await fastify.sweeps.results(
        principalOf(request),
        request.params.id,
        page,
      );
      if (!csv) return { items, next };
      if (next !== null) reply.header('x-next-cursor', next);
      reply.type('text/csv; charset=utf-8');
      return toCsv(Object.keys(record.config.grid).sort(), items);
    },
  );

  fastify.post(
    '/sweeps/:id/cancel',
    {
      schema: {
        operationId: 'cancelSweep',
        tags: ['sweeps'],
        summary: 'Cancel a sweep',
        description:
          'Ends a queued or running sweep at once; a chunk running now stops at its next batch of combinations. Finished cells stay readable.',
        params: SweepIdParams,
        response: { 200: SweepView, ...errorResponses(404, 409) },
      },
    },
    async (request) => fastify.sweeps.cancel(principalOf(request), request.params.id),
  );

  fastify.post(
    '/sweeps/:id/promote',
    {
      schema: {
        operationId: 'promoteSweep',
        tags: ['sweeps'],
        summary: 'Run the best combination as a full backtest (trades, equity)',
        params: SweepIdParams,
        response: { 202: SubmitAccepted, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const accepted = await fastify.sweeps.promote(principalOf(request), request.params.id);
      reply.code(202).header('location', accepted.links.self);
      return accepted;
    },
  );

  fastify.delete(
    '/sweeps/:id',
    {
      schema: {
        operationId: 'deleteSweep',
        tags: ['sweeps'],
        summary: 'Delete a sweep and its cells (cancels it first if it runs)',
        params: SweepIdParams,
        response: { 204: Type.Null(), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await fastify.sweeps.remove(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** One row a combination: index, status, each grid parameter, every numeric statistic, error. */
function toCsv(params: readonly string[], items: readonly SweepResultItem[]): string {
  const header = ['index', 'status', ...params, ...OBJECTIVE_KEYS, 'error'];
  const rows = items.map((item) => [
    String(item.index),
    item.status,
    ...params.map((p) => cell(item.params[p])),
    ...OBJECTIVE_KEYS.map((key) => cell(item.stats?.[key])),
    cell(item.error),
  ]);
  return `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export default sweeps;
