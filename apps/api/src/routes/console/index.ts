import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** apps/console/dist: the web console as `vite build` makes it (scripts/bootstrap.sh runs it). */
export function consoleDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@hindsight/console/package.json')), 'dist');
}

/** The console's own paths (apps/console/src/router.tsx): each answers its index.html. */
const PAGES = ['/', '/new', '/compare', '/backtests/:id', '/sweeps/:id'];

/**
 * What the page may load: only this origin (its scripts, styles, the api and its WebSocket).
 * Inline styles are allowed because the chart library sizes its canvases with them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The web console at `/`, open like /docs (the page asks for a key; the api checks it). Files
 * under /assets/ have a content hash in their names, so they are cached for a year as
 * immutable; index.html is revalidated on every load, so a new build shows at once.
 */
export default async function consoleRoutes(fastify: FastifyInstance, options: { dist?: string }) {
  const dist = options.dist ?? consoleDist();
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile)) {
    fastify.log.warn(
      { dist },
      'the web console is not built, so / answers 404: run pnpm --filter @hindsight/console build',
    );
    return;
  }
  const html = readFileSync(indexFile);
  await fastify.register(fastifyStatic, {
    root: join(dist, 'assets'),
    prefix: '/assets/',
    index: false,
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
  });
  for (const url of PAGES) {
    fastify.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .type('text/html; charset=utf-8')
        .send(html),
    );
  }
}
