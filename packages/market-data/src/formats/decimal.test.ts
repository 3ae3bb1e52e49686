import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal } from './decimal.js';

const encoder = new TextEncoder();
const parse = (text: string) => {
  const bytes = encoder.encode(text);
  return parseDecimal(bytes, 0, bytes.length);
};

describe('parseDecimal', () => {
  it('gives exactly the double Number() gives for any decimal text', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{1,20}$/),
        fc.option(fc.stringMatching(/^\d{0,20}$/)),
        fc.option(fc.integer({ min: -330, max: 330 })),
      )
      .map(
        ([sign, whole, fraction, exponent]) =>
          `${sign}${whole}${fraction === null ? '' : `.${fraction}`}` +
          `${exponent === null ? '' : `e${exponent}`}`,
      );
    fc.assert(
      fc.property(decimal, (text) => {
        expect(parse(text), text).toBe(Number(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with Number() on the doubles of prices, which take the fast path', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (value) => {
        const text = String(value);
        expect(parse(text), text).toBe(value);
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['', 'empty'],
    ['abc', 'letters'],
    ['1.2.3', 'two points'],
    ['1e', 'an exponent without digits'],
    ['.', 'a lone point'],
    ['-', 'a lone sign'],
    ['0x1F', 'hex'],
    ['1,5', 'a decimal comma'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
  ])('rejects %j (%s) with NaN', (text) => {
    expect(parse(text)).toBeNaN();
  });

  it('allows blanks around the number, as Number() does', () => {
    expect(parse('  101.25\t')).toBe(101.25);
  });
});
