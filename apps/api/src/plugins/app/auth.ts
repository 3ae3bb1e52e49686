import { createError, type HindsightError } from '@hindsight/models';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiKeyResolver, type Principal } from './api-keys.js';
import { BadKeyLimiter } from './bad-keys.js';

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

/**
 * The first start's admin key, framed for a person: the key stays out of the JSON log lines
 * that log collectors keep and index. `consoleUrl` is the web console's address; the link
 * carries the key as `#key=`, which the console takes and removes from the address bar (a
 * fragment never reaches a server or its logs).
 */
export function adminKeyBanner(key: string, consoleUrl: string): string {
  const rule = '='.repeat(72);
  return [
    rule,
    'No API key was configured, so an admin key was created (user admin, tier pro).',
    'It is shown this once - keep it:',
    '',
    `    ${key}`,
    '',
    'Use it as: Authorization: Bearer <key>. Set API_KEYS to configure your own keys.',
    'Open the web console, signed in with it:',
    '',
    `    ${consoleUrl}#key=${encodeURIComponent(key)}`,
    '',
    rule,
    '',
  ].join('\n');
}

/** The console's address on this machine: a wildcard HOST is reached through loopback. */
function consoleUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/`;
}

async function auth(
  fastify: FastifyInstance,
  options: { announce?: ((text: string) => void) | undefined },
) {
  const resolver = new ApiKeyResolver(fastify.store, fastify.config.API_KEYS);
  const created = await resolver.bootstrapAdminKey();
  if (created) {
    const announce = options.announce ?? ((text: string) => process.stderr.write(text));
    announce(adminKeyBanner(created, consoleUrl(fastify.config.HOST, fastify.config.PORT)));
    fastify.log.warn(
      { userId: 'admin', tier: 'pro' },
      'No API key was configured, so an admin key was created; it was printed once, in a banner on stderr',
    );
  }
  fastify.decorate('apiKeys', resolver);
  fastify.decorateRequest('principal', null);
  fastify.decorateRequest('authError', null);

  const badKeys = new BadKeyLimiter(
    fastify.redis,
    fastify.config.QUEUE_PREFIX,
    fastify.config.BAD_KEYS_PER_MINUTE,
    fastify.log,
  );

  fastify.decorate('authenticate', async (request: FastifyRequest) => {
    const key = presentedKey(request);
    const wait = key === null ? null : await badKeys.retryAfter(request.ip);
    let error: HindsightError = createError('HS_ERR_UNAUTHORIZED');
    if (wait !== null) {
      error = createError('HS_ERR_RATE_LIMITED', { retryAfterSeconds: wait });
    } else {
      const principal = key === null ? null : await resolver.resolve(key);
      if (principal) {
        request.principal = principal;
        return;
      }
      // Only a presented key counts: a request without one guesses nothing.
      if (key !== null) await badKeys.record(request.ip);
    }
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

export default fp(auth, { name: 'auth', dependencies: ['config', 'store', 'redis'] });

/** The caller of a route behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw createError('HS_ERR_UNAUTHORIZED');
  return request.principal;
}
