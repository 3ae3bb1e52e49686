import { STATUS_CODES } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { componentSchemas, withRefs } from '../../schemas/components.js';

export const API_TAGS = [
  { name: 'backtests', description: 'Submit, follow, cancel and read backtests' },
  { name: 'results', description: 'Statistics, trades, equity and logs of a backtest' },
  { name: 'analytics', description: 'Across backtests: comparisons and performance' },
  { name: 'strategies', description: 'The built-in strategies and their parameters' },
  { name: 'market-data', description: 'Cached symbols and their bars' },
  { name: 'queue', description: 'Queue depth and workers (admin)' },
  { name: 'notifications', description: 'Signed webhooks and e-mail when backtests finish' },
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'events', description: 'The WebSocket of live backtest events' },
];

/**
 * Each response with its named schemas as $refs and a description (the status text unless the
 * route gave one), where swagger would write "Default Response".
 */
function described(response: Record<string, unknown> | undefined) {
  if (response === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(response).map(([status, schema]) => {
      const copy = withRefs(schema) as { description?: string; content?: unknown };
      if (copy.content === undefined && copy.description === undefined) {
        copy.description = STATUS_CODES[status] ?? `HTTP ${status}`;
      }
      return [status, copy];
    }),
  );
}

/**
 * OpenAPI 3.1 (TypeBox's nullable unions are `type: null` branches, valid only from 3.1), written
 * for code generators: every operation has an operationId, and request and response bodies
 * refer to the named schemas of components.ts instead of repeating them inline.
 */
async function swaggerPlugin(fastify: FastifyInstance) {
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hindsight API',
        description:
          'Trading-strategy backtests as a service. Authenticate with `Authorization: Bearer <key>`.',
        version: '0.1.0',
      },
      // Relative: a client resolves it against wherever it fetched /docs/json from.
      servers: [{ url: '/', description: 'the api serving this document' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
        schemas: componentSchemas() as Record<string, object>,
      },
      security: [{ bearerAuth: [] }],
      tags: API_TAGS,
    },
    // Bodies only: querystring, params and headers become parameters, which take no $ref here.
    transform: ({ schema, url }) => {
      if (!schema) return { schema, url };
      const { body, response } = schema as { body?: unknown; response?: Record<string, unknown> };
      return {
        url,
        schema: { ...schema, body: withRefs(body), response: described(response) } as typeof schema,
      };
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });
}

export default fp(swaggerPlugin, { name: 'swagger' });
