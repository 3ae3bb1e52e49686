import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { API_PREFIX } from '@hindsight/models';
import { type Config, LOG_REDACTION } from '@hindsight/service';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { validatorCompiler } from './lib/validator-compiler.js';
import auth from './plugins/app/auth.js';
import backtestService from './plugins/app/backtest-service.js';
import errorHandler, { frameworkErrors, MAX_PARAM_LENGTH } from './plugins/app/error-handler.js';
import events from './plugins/app/events.js';
import notifications from './plugins/app/notifications.js';
import sweepService from './plugins/app/sweep-service.js';
import wsConnections from './plugins/app/ws-connections.js';
import compress from './plugins/external/compress.js';
import configPlugin from './plugins/external/config.js';
import cors from './plugins/external/cors.js';
import marketData from './plugins/external/market-data.js';
import queues from './plugins/external/queues.js';
import rateLimit from './plugins/external/rate-limit.js';
import redis from './plugins/external/redis.js';
import requestId, { requestIdOf } from './plugins/external/request-id.js';
import sensible from './plugins/external/sensible.js';
import store from './plugins/external/store.js';
import swagger from './plugins/external/swagger.js';
import telemetry from './plugins/external/telemetry.js';
import websocket from './plugins/external/websocket.js';
import analyticsRoutes from './routes/analytics/index.js';
import compareRoutes from './routes/backtests/compare.js';
import backtestRoutes from './routes/backtests/index.js';
import resultRoutes from './routes/backtests/results.js';
import consoleRoutes from './routes/console/index.js';
import healthRoutes from './routes/health/index.js';
import marketDataRoutes from './routes/market-data/index.js';
import notificationRoutes from './routes/notifications/index.js';
import queueRoutes from './routes/queue/index.js';
import strategyRoutes from './routes/strategies/index.js';
import sweepRoutes from './routes/sweeps/index.js';
import eventRoutes from './routes/ws/index.js';

export interface AppOptions {
  /** From loadConfig; REDIS_URL must be set (server.ts resolves a private server first). */
  config: Config;
  /** Fastify's logger option; default: a pino logger at config.LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
  /** How often WebSockets are pinged; default 30 s. */
  wsPingIntervalMs?: number;
  /** Where text for the operator goes (the first start's admin key); default: stderr. */
  announce?: (text: string) => void;
}

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

/**
 * The plugin tree: infrastructure (config, CORS, store, Redis, queues, docs, sockets, rate
 * limit), then the services built on it (auth, events, backtests), then the routes - `/api/v1`
 * and `/ws` behind authentication, `/health`, `/ready`, `/docs`, the web console at `/` and CORS
 * preflights open.
 */
async function app(fastify: FastifyInstance, options: AppOptions) {
  const redisUrl = options.config.REDIS_URL;
  if (!redisUrl) {
    throw new AppConfigError(
      'REDIS_URL is not set: server.ts resolves one (a private redis-server) before building the app',
    );
  }
  await fastify.register(requestId);
  await fastify.register(configPlugin, { config: options.config });
  await fastify.register(sensible);
  await fastify.register(cors);
  await fastify.register(compress);
  await fastify.register(store);
  await fastify.register(redis, { url: redisUrl });
  await fastify.register(queues);
  await fastify.register(telemetry);
  await fastify.register(marketData);
  await fastify.register(swagger);
  await fastify.register(websocket);
  await fastify.register(rateLimit);

  await fastify.register(errorHandler, { bodyLimit: options.config.BODY_LIMIT_BYTES });
  await fastify.register(auth, { announce: options.announce });
  await fastify.register(events);
  await fastify.register(backtestService);
  await fastify.register(notifications);
  await fastify.register(sweepService);
  await fastify.register(wsConnections, { pingIntervalMs: options.wsPingIntervalMs });

  await fastify.register(healthRoutes);
  await fastify.register(consoleRoutes);
  await fastify.register(
    async (api) => {
      api.addHook('onRequest', api.authenticate);
      await api.register(backtestRoutes);
      await api.register(compareRoutes);
      await api.register(resultRoutes);
      await api.register(analyticsRoutes);
      await api.register(strategyRoutes);
      await api.register(marketDataRoutes);
      await api.register(queueRoutes);
      await api.register(notificationRoutes);
      await api.register(sweepRoutes);
    },
    { prefix: API_PREFIX },
  );
  await fastify.register(
    async (ws) => {
      ws.addHook('onRequest', ws.authenticate);
      await ws.register(eventRoutes);
    },
    { prefix: '/ws' },
  );
}

/** Not encapsulated, so a test (or an embedding server) sees the store, queues and the rest. */
export const hindsightApp = fp(app, { name: 'hindsight' });

/** A ready Fastify instance of the whole api; tests call `inject` on it or `listen`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? { level: config.LOG_LEVEL, name: 'api', ...LOG_REDACTION };
  const isInstance =
    typeof logger === 'object' && logger !== null && 'child' in logger && 'info' in logger;
  const fastify = Fastify({
    ...(isInstance
      ? { loggerInstance: logger as FastifyServerOptions['loggerInstance'] }
      : { logger: logger as FastifyServerOptions['logger'] }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrors(config.BODY_LIMIT_BYTES),
    // Ids in logs come from the request, so a client's X-Request-Id follows it through.
    requestIdHeader: false,
    genReqId: requestIdOf,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // The models' parser validates every request part (see validator-compiler.ts).
  fastify.setValidatorCompiler(validatorCompiler);
  await fastify.register(hindsightApp, options);
  await fastify.ready();
  return fastify;
}
