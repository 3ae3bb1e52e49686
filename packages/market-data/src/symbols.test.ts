import { SYMBOL_PATTERN } from '@hindsight/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSymbolError } from './errors.js';
import { formatSymbol, parseSymbol } from './symbols.js';

describe('parseSymbol', () => {
  it.each([
    ['GOOG', { source: 'csv', name: 'GOOG' }],
    ['goog', { source: 'csv', name: 'GOOG' }],
    ['synthetic:DEMO', { source: 'synthetic', name: 'DEMO' }],
    ['AlphaVantage:ibm', { source: 'alphavantage', name: 'IBM' }],
    [' BRK.B ', { source: 'csv', name: 'BRK.B' }],
    ['^GSPC', { source: 'csv', name: '^GSPC' }],
    ['eurusd=x', { source: 'csv', name: 'EURUSD=X' }],
  ])('reads %j', (input, expected) => {
    expect(parseSymbol(input)).toEqual(expected);
  });

  it.each([
    ['', 'the name is empty'],
    ['synthetic:', 'the name is empty'],
    ['../etc', 'a name is 1-64'],
    ['.hidden', 'a name is 1-64'],
    ['A/B', 'a name is 1-64'],
    ['ß', 'a name is 1-64'],
    ['9x!:GOOG', "source '9x!'"],
  ])('rejects %j', (input, reason) => {
    expect(() => parseSymbol(input)).toThrow(InvalidSymbolError);
    expect(() => parseSymbol(input)).toThrow(reason);
  });

  // The accept and reject lists are in @hindsight/engine's market.test.ts; this pins parseSymbol
  // to the same grammar, so the api never accepts a symbol the cache then refuses.
  it('accepts exactly what SYMBOL_PATTERN accepts, once trimmed', () => {
    const pattern = new RegExp(SYMBOL_PATTERN);
    const char = fc.constantFrom(...'aZ09._^=-:/ ß'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 8 }), (chars) => {
        const text = chars.join('');
        let parsed = true;
        try {
          parseSymbol(text);
        } catch (error) {
          if (!(error instanceof InvalidSymbolError)) throw error;
          parsed = false;
        }
        expect(parsed, JSON.stringify(text)).toBe(pattern.test(text.trim()));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('spells imported symbols bare and others with their source', () => {
    expect(formatSymbol(parseSymbol('goog'))).toBe('GOOG');
    expect(formatSymbol(parseSymbol('synthetic:demo'))).toBe('synthetic:DEMO');
  });
});
