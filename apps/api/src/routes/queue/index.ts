import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { QUEUE_NAMES } from '@hindsight/models';
import Type from 'typebox';
import { errorResponses } from '../../schemas/error-responses.js';

const JOB_STATES = [
  'waiting',
  'prioritized',
  'waiting-children',
  'active',
  'delayed',
  'completed',
  'failed',
] as const;

const Count = Type.Integer({ minimum: 0 });

const QueueStats = Type.Object(
  {
    /** Jobs per state; completed and failed are bounded by the retention of the job catalogue. */
    counts: Type.Object(
      Object.fromEntries(JOB_STATES.map((state) => [state, Count])) as {
        [K in (typeof JOB_STATES)[number]]: typeof Count;
      },
    ),
    workers: Count,
    /** Jobs finished in the last 60 s, from the completed and failed sets (scored by finish time). */
    completedLastMinute: Count,
    failedLastMinute: Count,
  },
  { additionalProperties: false },
);

const QueueOverview = Type.Object(
  {
    queues: Type.Object(
      Object.fromEntries(QUEUE_NAMES.map((name) => [name, QueueStats])) as {
        [K in (typeof QUEUE_NAMES)[number]]: typeof QueueStats;
      },
    ),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const queue: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/queue',
    {
      preHandler: fastify.requireAdmin,
      schema: {
        operationId: 'getQueueOverview',
        tags: ['queue'],
        summary: 'Depth per queue and state, workers and throughput (admin keys only)',
        response: { 200: QueueOverview, ...errorResponses(403, 503) },
      },
    },
    async () => {
      const since = Date.now() - 60_000;
      const entries = await Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const q = fastify.queues.queues[name];
          const [counts, workers, completedLastMinute, failedLastMinute] = await Promise.all([
            q.getJobCounts(...JOB_STATES),
            q.getWorkersCount(),
            fastify.redis.zcount(q.keys.completed!, since, '+inf'),
            fastify.redis.zcount(q.keys.failed!, since, '+inf'),
          ]);
          const full = Object.fromEntries(JOB_STATES.map((state) => [state, counts[state] ?? 0]));
          return [name, { counts: full, workers, completedLastMinute, failedLastMinute }] as const;
        }),
      );
      return {
        queues: Object.fromEntries(entries) as Record<(typeof QUEUE_NAMES)[number], never>,
        at: new Date().toISOString(),
      };
    },
  );
};

export default queue;
