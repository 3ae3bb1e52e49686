import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintConfig } from './fingerprint.js';
import { parseBacktestRequest } from './parse-backtest-request.js';

const config = parseBacktestRequest({
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":null,"z":1}]},"b":1}',
    );
  });
});

describe('fingerprintConfig', () => {
  it('is the sha256 of the salt, a NUL and the canonical JSON of the decisive fields', () => {
    const { name: _n, tags: _t, cache: _c, ...decisive } = config;
    const expected = createHash('sha256')
      .update(`v1\u0000${canonicalJson(decisive)}`)
      .digest('hex');
    expect(fingerprintConfig(config, 'v1')).toBe(expected);
  });

  it('ignores labels, caching and key order', () => {
    const relabelled = { ...config, name: 'other', tags: ['x'], cache: false };
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as typeof config;
    expect(fingerprintConfig(relabelled)).toBe(fingerprintConfig(config));
    expect(fingerprintConfig(reordered)).toBe(fingerprintConfig(config));
  });

  it('changes with anything that changes the numbers, and with the salt', () => {
    const base = fingerprintConfig(config);
    const changed = [
      { ...config, strategy: { ...config.strategy, params: { fast: 10, slow: 31 } } },
      { ...config, commission: 0.002 },
      { ...config, conventions: 'backtesting.py' as const },
      { ...config, symbols: ['MSFT'] },
    ];
    for (const variant of changed) expect(fingerprintConfig(variant)).not.toBe(base);
    expect(fingerprintConfig(config, 'engine-2')).not.toBe(base);
  });

  it('adds the data versions of the bars after another NUL, and changes with them', () => {
    const { name: _n, tags: _t, cache: _c, ...decisive } = config;
    const versions = ['AAPL 1d v3'];
    const expected = createHash('sha256')
      .update(`v1\u0000${canonicalJson(decisive)}\u0000["AAPL 1d v3"]`)
      .digest('hex');
    expect(fingerprintConfig(config, 'v1', versions)).toBe(expected);
    expect(fingerprintConfig(config, 'v1', ['AAPL 1d v4'])).not.toBe(expected);
    expect(fingerprintConfig(config, 'v1', ['AAPL uncached'])).not.toBe(expected);
  });
});
