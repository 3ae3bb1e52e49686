import {
  createError,
  type ErrorBody,
  type HindsightError,
  isHindsightError,
  toErrorBody,
} from '@hindsight/models';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { REQUEST_ID_HEADER } from '../external/request-id.js';

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
    case 'FST_ERR_BAD_URL':
      return createError('HS_ERR_VALIDATION', {
        reason: 'the path is not valid URL encoding (every % must start a %XX escape)',
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return createError('HS_ERR_VALIDATION', {
        reason: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
      });
    default:
      break;
  }
  // A JSON body that fails to parse surfaces as a SyntaxError with status 400 in some paths.
  if (error instanceof SyntaxError && fastifyError?.statusCode === 400) {
    return createError('HS_ERR_VALIDATION', { reason: 'the body is not valid JSON' });
  }
  // Any other request the framework calls bad is the client's mistake too, and fastify's own
  // messages for those are written for clients.
  if (fastifyError?.statusCode === 400 && typeof fastifyError.message === 'string') {
    return createError('HS_ERR_VALIDATION', { reason: fastifyError.message });
  }
  return null;
}

/** Fastify's default longest path parameter; longer ones are refused before any route runs. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Sets the status (and retry-after) of an error answer and returns its body: a HindsightError or
 * a framework error as its HS_ERR code, anything unexpected logged with its stack and answered as
 * HS_ERR_INTERNAL, so no internal message reaches a client.
 */
function answerError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyLimit: number,
): ErrorBody {
  const known = translateError(error, bodyLimit);
  if (!known) {
    request.log.error({ err: error }, 'unhandled error');
    reply.code(500);
    return toErrorBody(error);
  }
  if (known.statusCode >= 500) request.log.error({ err: error }, known.message);
  const retryAfter = (known.details as { retryAfterSeconds?: unknown } | undefined)
    ?.retryAfterSeconds;
  if (known.statusCode === 429 && typeof retryAfter === 'number') {
    reply.header('retry-after', String(retryAfter));
  }
  reply.code(known.statusCode);
  return toErrorBody(known);
}

/**
 * Fastify's `frameworkErrors` option: a path with bad %-encoding or an overlong parameter is
 * refused by the router before any hook or error handler runs, so it gets the error body here.
 */
export function frameworkErrors(bodyLimit: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const body = answerError(error, request, reply, bodyLimit);
    reply.header(REQUEST_ID_HEADER, request.id).send(body);
  };
}

export interface ErrorHandlerOptions {
  bodyLimit: number;
}

/**
 * Every error leaves as `{ error: { code, message, details? } }` with the status of its HS_ERR
 * code (answerError); an unknown route as HS_ERR_ROUTE_NOT_FOUND.
 */
async function errorHandler(fastify: FastifyInstance, options: ErrorHandlerOptions) {
  fastify.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    answerError(error, request, reply, options.bodyLimit),
  );

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
