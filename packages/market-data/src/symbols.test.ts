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
  ])('reads %j', (input, expected) => {
    expect(parseSymbol(input)).toEqual(expected);
  });

  it.each([
    ['', 'the name is empty'],
    ['synthetic:', 'the name is empty'],
    ['../etc', 'a name is 1-64'],
    ['.hidden', 'a name is 1-64'],
    ['A/B', 'a name is 1-64'],
    ['9x!:GOOG', "source '9x!'"],
  ])('rejects %j', (input, reason) => {
    expect(() => parseSymbol(input)).toThrow(InvalidSymbolError);
    expect(() => parseSymbol(input)).toThrow(reason);
  });

  it('spells imported symbols bare and others with their source', () => {
    expect(formatSymbol(parseSymbol('goog'))).toBe('GOOG');
    expect(formatSymbol(parseSymbol('synthetic:demo'))).toBe('synthetic:DEMO');
  });
});
