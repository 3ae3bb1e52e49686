import {
  createError,
  type ErrorBody,
  type HindsightError,
  isHindsightError,
  toErrorBody,
} from '@hindsight/models';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The HindsightError a framework error stands for: fastify's body parser and validator speak in
 * FST_ERR_* codes, and clients see only the HS_ERR_* catalogue.
 */
export function translateError(error: unknown, bodyLimit: number): HindsightError | null {
  if (isHindsightError(error)) return error;
  const fastifyError = error as Partial<FastifyError> | null;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return createError('HS_ERR_PAYLOAD_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return createError('HS_ERR_VALIDATION', { reason: 'the body is not valid JSON' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return createError('HS_ERR_VALIDATION', {
        reason: 'the body is empty but content-type is application/json',
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return createError('HS_ERR_VALIDATION', {
        reason: 'unsupported content-type; send application/json',
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return createError('HS_ERR_VALIDATION', {
        reason: 'content-length does not match the body',
      });
    case 'FST_ERR_VALIDATION':
      return createError('HS_ERR_VALIDATION', { reason: fastifyError.message ?? 'invalid input' });
    default:
      break;
  }
  // A JSON body that fails to parse surfaces as a SyntaxError with status 400 in some paths.
  if (error instanceof SyntaxError && fastifyError?.statusCode === 400) {
    return createError('HS_ERR_VALIDATION', { reason: 'the body is not valid JSON' });
  }
  return null;
}

export interface ErrorHandlerOptions {
  bodyLimit: number;
}

/**
 * Every error leaves as `{ error: { code, message, details? } }` with the status of its HS_ERR
 * code; anything unexpected is logged with its stack and answered as HS_ERR_INTERNAL, so no
 * internal message reaches a client.
 */
async function errorHandler(fastify: FastifyInstance, options: ErrorHandlerOptions) {
  fastify.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = translateError(error, options.bodyLimit);
    if (known) {
      if (known.statusCode >= 500) request.log.error({ err: error }, known.message);
      const retryAfter = (known.details as { retryAfterSeconds?: unknown } | undefined)
        ?.retryAfterSeconds;
      if (known.statusCode === 429 && typeof retryAfter === 'number') {
        reply.header('retry-after', String(retryAfter));
      }
      reply.code(known.statusCode);
      return toErrorBody(known);
    }
    request.log.error({ err: error }, 'unhandled error');
    reply.code(500);
    return toErrorBody(error) satisfies ErrorBody;
  });

  fastify.setNotFoundHandler((request, reply) => {
    reply.code(404);
    return toErrorBody(
      createError('HS_ERR_ROUTE_NOT_FOUND', {
        method: request.method,
        url: request.url.split('?')[0] ?? '/',
      }),
    );
  });
}

export default fp(errorHandler, { name: 'error-handler' });
