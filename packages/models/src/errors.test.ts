import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createError,
  ERRORS,
  type ErrorParams,
  HindsightError,
  isHindsightError,
  toErrorBody,
} from './errors.js';
import { ErrorBody } from './schemas/error-body.js';
import { parseWithSchema } from './validation.js';

describe('createError', () => {
  it('fills the template, takes status and code from the catalogue', () => {
    const error = createError('HS_ERR_NOT_FOUND', { id: 'abc' });
    expect(error).toBeInstanceOf(HindsightError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HindsightError');
    expect(error.code).toBe('HS_ERR_NOT_FOUND');
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe("backtest 'abc' not found");
    expect(error.details, 'params become details by default').toEqual({ id: 'abc' });
  });

  it('maps each code the api answers with to its HTTP status', () => {
    const statuses = Object.fromEntries(
      Object.entries(ERRORS).map(([code, entry]) => [code, entry.statusCode]),
    );
    expect(statuses).toMatchObject({
      HS_ERR_VALIDATION: 400,
      HS_ERR_UNKNOWN_STRATEGY: 400,
      HS_ERR_BAD_STRATEGY_PARAMS: 400,
      HS_ERR_END_BEFORE_START: 400,
      HS_ERR_TOO_MANY_SYMBOLS: 400,
      HS_ERR_UNAUTHORIZED: 401,
      HS_ERR_NOT_FOUND: 404,
      HS_ERR_ALREADY_TERMINAL: 409,
      HS_ERR_PAYLOAD_TOO_LARGE: 413,
      HS_ERR_QUOTA_EXCEEDED: 429,
      HS_ERR_RATE_LIMITED: 429,
      HS_ERR_STORE_UNAVAILABLE: 503,
    });
  });

  it('leaves no placeholder unfilled in any template', () => {
    for (const code of Object.keys(ERRORS) as (keyof typeof ERRORS)[]) {
      const names = [...ERRORS[code].template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const params = Object.fromEntries(names.map((name) => [name, `<${name}>`]));
      const error = createError(code, params as never);
      expect(error.message, code).not.toMatch(/\{\w+\}/);
      for (const name of names) expect(error.message, code).toContain(`<${name}>`);
    }
  });

  it('types the params by the placeholders of the template', () => {
    expectTypeOf<ErrorParams<'HS_ERR_QUOTA_EXCEEDED'>>().toEqualTypeOf<{
      active: string | number | boolean;
      tier: string | number | boolean;
      limit: string | number | boolean;
    }>();
    // @ts-expect-error a template with {id} needs its id
    createError('HS_ERR_NOT_FOUND');
    createError('HS_ERR_UNAUTHORIZED');
  });

  it('keeps explicit details and the cause', () => {
    const cause = new Error('disk full');
    const error = createError(
      'HS_ERR_STORE_UNAVAILABLE',
      { reason: 'disk full' },
      { details: { retryable: true }, cause },
    );
    expect(error.details).toEqual({ retryable: true });
    expect(error.cause).toBe(cause);
  });

  it('sets no cause when none is given', () => {
    expect(Object.hasOwn(createError('HS_ERR_UNAUTHORIZED'), 'cause')).toBe(false);
  });
});

describe('toErrorBody', () => {
  it('answers a HindsightError with its code, message and details, valid against ErrorBody', () => {
    const body = toErrorBody(createError('HS_ERR_TOO_MANY_SYMBOLS', { count: 12, max: 10 }));
    expect(body).toEqual({
      error: {
        code: 'HS_ERR_TOO_MANY_SYMBOLS',
        message: '12 symbols requested; at most 10 are allowed',
        details: { count: 12, max: 10 },
      },
    });
    expect(parseWithSchema(ErrorBody, body)).toEqual(body);
  });

  it('hides the message of any other error', () => {
    expect(toErrorBody(new Error('password=hunter2 leaked'))).toEqual({
      error: { code: 'HS_ERR_INTERNAL', message: 'internal error' },
    });
  });
});

describe('isHindsightError', () => {
  it('recognises an error from another copy of the module by name and code', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'HindsightError',
      code: 'HS_ERR_NOT_FOUND',
    });
    expect(isHindsightError(foreign)).toBe(true);
    const impostor = Object.assign(new Error('x'), { name: 'HindsightError', code: 'NOPE' });
    expect(isHindsightError(impostor)).toBe(false);
    expect(isHindsightError({ code: 'HS_ERR_NOT_FOUND' })).toBe(false);
  });
});
