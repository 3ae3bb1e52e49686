import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a client may send as its id: printable, short, safe to log and to echo in a header. */
const ACCEPTED_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * Fastify's `genReqId`: the client's X-Request-Id when it is a sane token, so one id follows a
 * request through a proxy, the api and its logs; otherwise a fresh UUID (Fastify's default
 * `req-1`, `req-2` would repeat across api processes).
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && ACCEPTED_ID.test(sent) ? sent : randomUUID();
}

/** Returns the request id in the X-Request-Id response header, the one every log line carries. */
async function requestId(fastify: FastifyInstance) {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}

export default fp(requestId, { name: 'request-id' });
