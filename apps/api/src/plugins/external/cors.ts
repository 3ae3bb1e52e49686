import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from './request-id.js';

/** What a browser client sends beyond the CORS-safelisted headers. */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  REQUEST_ID_HEADER,
];

/**
 * What a browser script may read of an answer: a submit's Location, the rate-limit and quota
 * headers to back off by, the request id to quote in a bug report, a CSV's file name.
 */
export const CORS_EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  REQUEST_ID_HEADER,
  'Content-Disposition',
];

/**
 * Cross-origin access for the browser origins of CORS_ORIGINS only (none by default). Preflights
 * are answered before authentication, as browsers send them without the Authorization header;
 * keys travel as bearer tokens, never cookies, so credentials stay off.
 */
async function corsPlugin(fastify: FastifyInstance) {
  await fastify.register(cors, {
    origin: fastify.config.CORS_ORIGINS,
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    // Browsers cache a preflight this long (seconds) instead of asking before every request.
    maxAge: 600,
  });
}

export default fp(corsPlugin, { name: 'cors', dependencies: ['config'] });
