import Type from 'typebox';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { describeErrors, parseWithSchema } from './validation.js';

const Shape = Type.Union([
  Type.Object({ kind: Type.Literal('circle'), radius: Type.Number({ minimum: 0 }) }),
  Type.Object({ kind: Type.Literal('square'), side: Type.Number({ minimum: 0 }) }),
]);

describe('describeErrors', () => {
  it('lets only the union branch whose literal matches speak', () => {
    expect(describeErrors(Value.Errors(Shape, { kind: 'square', side: -1 }))).toEqual([
      { path: '/side', message: 'must be >= 0' },
    ]);
  });

  it('names the allowed literals when no branch matches', () => {
    expect(describeErrors(Value.Errors(Shape, { kind: 'hexagon' }))).toEqual([
      { path: '/kind', message: 'must be one of "circle", "square"' },
    ]);
  });

  it('keeps every branch of a union without literals', () => {
    const NumberOrNull = Type.Union([Type.Number(), Type.Null()]);
    expect(describeErrors(Value.Errors(NumberOrNull, 'x'))).toEqual([
      { path: '/', message: 'must be number' },
      { path: '/', message: 'must be null' },
    ]);
  });
});

describe('parseWithSchema', () => {
  const Query = Type.Object({ limit: Type.Integer({ minimum: 1, default: 20 }) });

  it('converts query-string text only when asked', () => {
    expect(parseWithSchema(Query, { limit: '5' }, { convert: true })).toEqual({ limit: 5 });
    expect(() => parseWithSchema(Query, { limit: '5' })).toThrow(/\/limit must be integer/);
  });

  it('fills defaults', () => {
    expect(parseWithSchema(Query, {})).toEqual({ limit: 20 });
  });
});
