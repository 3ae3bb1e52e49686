import { describe, expect, it } from 'vitest';
import { jsonNumberChunks } from './json-numbers.js';

describe('jsonNumberChunks', () => {
  it('writes, a chunk at a time, what JSON.stringify writes inside the array', () => {
    const values = Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i) * 10 ** (i % 25));
    values.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 5e-324]);
    const chunks = [...jsonNumberChunks(values)];
    expect(chunks.length, 'several chunks').toBeGreaterThan(1);
    expect(`[${chunks.join('')}]`).toBe(JSON.stringify(Array.from(values)));
  });

  it('writes nothing for no numbers', () => {
    expect([...jsonNumberChunks(new Float64Array(0))].join('')).toBe('');
  });
});
