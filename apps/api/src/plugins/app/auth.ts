import { createError, type HindsightError } from '@hindsight/models';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiKeyResolver, type Principal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeyResolver;
    /** An onRequest hook: sets request.principal or answers 401 (WebSocket: see authError). */
    authenticate: (request: FastifyRequest) => Promise<void>;
    /** A preHandler hook that answers 403 unless the caller's key is an admin key. */
    requireAdmin: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /**
     * Why a WebSocket upgrade was not authenticated. Browsers cannot read the HTTP status of a
     * refused upgrade, so the socket is opened and closed with a close code that says why.
     */
    authError: HindsightError | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The key a request presents: `Authorization: Bearer <key>`, or `?token=` on a WebSocket. */
export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) return BEARER.exec(header)?.[1] ?? null;
  if (request.ws) {
    const token = (request.query as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return null;
}

async function auth(fastify: FastifyInstance) {
  const resolver = new ApiKeyResolver(fastify.store, fastify.config.API_KEYS);
  const created = await resolver.bootstrapAdminKey();
  if (created) {
    fastify.log.warn(
      { userId: 'admin', tier: 'pro' },
      `No API key was configured, so an admin key was created. It is shown this once - keep it: ${created}`,
    );
  }
  fastify.decorate('apiKeys', resolver);
  fastify.decorateRequest('principal', null);
  fastify.decorateRequest('authError', null);

  fastify.decorate('authenticate', async (request: FastifyRequest) => {
    const key = presentedKey(request);
    const principal = key === null ? null : await resolver.resolve(key);
    if (principal) {
      request.principal = principal;
      return;
    }
    const error = createError('HS_ERR_UNAUTHORIZED');
    if (request.ws) {
      request.authError = error;
      return;
    }
    throw error;
  });

  fastify.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (!request.principal?.admin) {
      throw createError('HS_ERR_FORBIDDEN', { action: `${request.method} ${request.url}` });
    }
  });
}

export default fp(auth, { name: 'auth', dependencies: ['config', 'store'] });

/** The caller of a route behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw createError('HS_ERR_UNAUTHORIZED');
  return request.principal;
}
