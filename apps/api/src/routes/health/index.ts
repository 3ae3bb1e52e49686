import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';

const CHECK_TIMEOUT_MS = 1_000;

const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

const Check = Type.Object(
  { ok: Type.Boolean(), error: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const Readiness = Type.Object(
  {
    status: Type.Enum(['ready', 'unavailable']),
    checks: Type.Object({ redis: Check, store: Check }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes come every few seconds from every load balancer and `pnpm start`: at info they would be
 * most of the log. Their request lines show at debug; errors still show.
 */
const PROBE_LOG_LEVEL = 'warn';

/** Liveness and readiness, public: load balancers and `pnpm start` poll them without a key. */
const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/health',
    {
      logLevel: PROBE_LOG_LEVEL,
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'The process is alive',
        security: [],
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  fastify.get(
    '/ready',
    {
      logLevel: PROBE_LOG_LEVEL,
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Redis and the store answer (503 otherwise)',
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [redis, store] = await Promise.all([
        check(() => fastify.redis.ping()),
        check(() => fastify.store.ping()),
      ]);
      const ready = redis.ok && store.ok;
      reply.code(ready ? 200 : 503);
      return {
        status: ready ? ('ready' as const) : ('unavailable' as const),
        checks: { redis, store },
      };
    },
  );
};

export default health;
