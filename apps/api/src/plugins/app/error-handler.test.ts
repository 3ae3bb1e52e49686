import { createError } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { translateError } from './error-handler.js';

describe('translateError', () => {
  it('passes HindsightErrors through unchanged', () => {
    const error = createError('HS_ERR_NOT_FOUND', { id: 'x' });
    expect(translateError(error, 1)).toBe(error);
  });

  it.each([
    [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      413,
      'HS_ERR_PAYLOAD_TOO_LARGE',
      'request body exceeds the limit of 2048 bytes',
    ],
    [
      'FST_ERR_CTP_INVALID_JSON_BODY',
      400,
      'HS_ERR_VALIDATION',
      'invalid request: the body is not valid JSON',
    ],
    [
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      400,
      'HS_ERR_VALIDATION',
      'invalid request: unsupported content-type; send application/json',
    ],
  ])('maps fastify %s to %i %s', (code, status, hsCode, message) => {
    const translated = translateError(Object.assign(new Error('x'), { code }), 2048);
    expect(translated).toMatchObject({ statusCode: status, code: hsCode, message });
  });

  it('reads any other 400 of the framework as HS_ERR_VALIDATION, with its message', () => {
    const error = Object.assign(new Error('querystring too deep'), {
      code: 'FST_ERR_SOMETHING_NEW',
      statusCode: 400,
    });
    expect(translateError(error, 1)).toMatchObject({
      statusCode: 400,
      code: 'HS_ERR_VALIDATION',
      message: 'invalid request: querystring too deep',
    });
  });

  it('leaves anything else to the 500 path', () => {
    expect(translateError(new TypeError('boom'), 1)).toBeNull();
  });
});
