import { describe, expect, it } from 'vitest';
import { idTime, isId, newId } from './ids.js';

describe('newId', () => {
  it('makes 26 lower-case Crockford base32 characters', () => {
    const id = newId();
    expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(isId(id)).toBe(true);
    expect(encodeURIComponent(id), 'URL-safe as it is').toBe(id);
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries its creation time', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(idTime(id)).toBeGreaterThanOrEqual(before);
    expect(idTime(id)).toBeLessThanOrEqual(after);
  });

  it('decodes a time encoded by hand', () => {
    // 1 ms after the epoch is the digit 1 in the last of the ten time characters.
    expect(idTime(`000000000${'1'}${'0'.repeat(16)}`)).toBe(1);
    // 32 ms is "10" in base32.
    expect(idTime(`00000000${'10'}${'0'.repeat(16)}`)).toBe(32);
  });

  it('rejects what is not an id', () => {
    expect(isId('01ARZ3NDEKTSV4RRFFQ69G5FAV'), 'upper case').toBe(false);
    expect(isId('0000000000000000000000000u'), 'u is not in the alphabet').toBe(false);
    expect(() => idTime('nope')).toThrow(/not a Hindsight id: 'nope'/);
  });
});
