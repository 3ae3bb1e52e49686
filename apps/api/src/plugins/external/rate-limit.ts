import rateLimit from '@fastify/rate-limit';
import type { ApiKeyTier } from '@hindsight/models';
import { createError } from '@hindsight/models';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const MINUTE_MS = 60_000;

/**
 * Requests a minute per API key, counted in Redis so every api process shares the count. It runs
 * as a preHandler, after authentication has named the key; requests without a principal (the
 * public /health, /ready, /docs) are not counted.
 */
async function rateLimitPlugin(fastify: FastifyInstance) {
  const { RATE_LIMIT_FREE, RATE_LIMIT_BASIC, RATE_LIMIT_PRO, QUEUE_PREFIX } = fastify.config;
  const perTier: Record<ApiKeyTier, number> = {
    free: RATE_LIMIT_FREE,
    basic: RATE_LIMIT_BASIC,
    pro: RATE_LIMIT_PRO,
  };
  await fastify.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    timeWindow: MINUTE_MS,
    redis: fastify.redis,
    nameSpace: `${QUEUE_PREFIX}:rate-limit:`,
    // Redis down must not lock every user out; the routes that need Redis answer 503 themselves.
    skipOnError: true,
    allowList: (request: FastifyRequest) => request.principal === null,
    keyGenerator: (request: FastifyRequest) => request.principal?.keyId ?? request.ip,
    max: async (request: FastifyRequest) => perTier[request.principal?.tier ?? 'free'],
    errorResponseBuilder: (_request, context) =>
      createError('HS_ERR_RATE_LIMITED', { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['config', 'redis'] });
