import { describe, expect, it } from 'vitest';
import { SYMBOL_PATTERN } from './market.js';

// The one list of what a symbol may be: the request schemas (@hindsight/models) validate with
// SYMBOL_PATTERN and the market-data cache parses with its two halves.
const ACCEPTED = [
  'GOOG',
  'goog',
  'BRK.B',
  'EUR_USD-1',
  '^GSPC',
  'EURUSD=X',
  'ES=F',
  '0700.HK',
  'synthetic:DEMO',
  'alphavantage:IBM',
  'AlphaVantage:ibm',
  'csv:^GSPC',
  'my_source-2:BTC-USD',
  'A'.repeat(64),
  `${'s'.repeat(32)}:X`,
];

const REJECTED = [
  '',
  'synthetic:',
  ':GOOG',
  'a:b:c',
  '.hidden',
  '../etc',
  'A/B',
  'A\\B',
  '_X',
  '-X',
  '=X',
  'GO OG',
  ' GOOG',
  'GOOG\n',
  'GOOG~',
  'ÉTÉ',
  'ß',
  '9x:GOOG',
  'x!:GOOG',
  'A'.repeat(65),
  `${'s'.repeat(33)}:X`,
];

describe('SYMBOL_PATTERN', () => {
  // Ajv compiles JSON Schema patterns with the `u` flag, TypeBox's Value without.
  it.each(['', 'u'])('accepts every listed symbol (flags %j)', (flags) => {
    const pattern = new RegExp(SYMBOL_PATTERN, flags);
    expect(ACCEPTED.filter((symbol) => !pattern.test(symbol))).toEqual([]);
  });

  it.each(['', 'u'])('rejects every listed non-symbol (flags %j)', (flags) => {
    const pattern = new RegExp(SYMBOL_PATTERN, flags);
    expect(REJECTED.filter((symbol) => pattern.test(symbol))).toEqual([]);
  });
});
