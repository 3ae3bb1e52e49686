import { randomBytes } from 'node:crypto';

/** Crockford's base32 in lower case: URL-safe, and no I, L, O or U to misread. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** 26 characters: 10 of milliseconds since the epoch, then 16 (80 bits) of randomness. */
export const ID_PATTERN = '^[0-9a-hjkmnp-tv-z]{26}$';
const ID_REGEX = new RegExp(ID_PATTERN);

export function isId(value: string): boolean {
  return ID_REGEX.test(value);
}

let lastTime = -1;
const lastRandom = new Uint8Array(RANDOM_CHARS);

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * A new id that sorts after every id this process made before it: within one millisecond the
 * random part is incremented rather than drawn again, so ids made in a burst keep their order.
 * Ids of different processes in the same millisecond sort in random order.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    const bytes = randomBytes(RANDOM_CHARS);
    for (let i = 0; i < RANDOM_CHARS; i++) lastRandom[i] = bytes[i]! & 31;
  } else {
    let i = RANDOM_CHARS - 1;
    while (i >= 0 && lastRandom[i] === 31) {
      lastRandom[i] = 0;
      i--;
    }
    // 2^80 ids in one millisecond cannot happen; wrapping to zero would only break the order.
    if (i >= 0) lastRandom[i]! += 1;
  }
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += ALPHABET[lastRandom[i]!];
  return encodeTime(lastTime) + random;
}

/** The creation time an id carries, in epoch milliseconds. */
export function idTime(id: string): number {
  if (!isId(id)) throw new TypeError(`not a Hindsight id: '${id}'`);
  let time = 0;
  for (let i = 0; i < TIME_CHARS; i++) time = time * 32 + ALPHABET.indexOf(id[i]!);
  return time;
}
