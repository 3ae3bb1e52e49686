/** Numbers per chunk of a streamed series: about 100 kB of text each. */
const NUMBERS_PER_CHUNK = 8192;

/** A number as JSON.stringify writes it (NaN and infinities as null). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * The numbers of a series as the inside of a JSON array, a chunk of text at a time: joined,
 * exactly what JSON.stringify writes between `[` and `]`, without ever building that whole
 * string (a million-bar equity column is ~20 MB of text).
 */
export function* jsonNumberChunks(values: Float64Array): Generator<string> {
  for (let from = 0; from < values.length; from += NUMBERS_PER_CHUNK) {
    const to = Math.min(values.length, from + NUMBERS_PER_CHUNK);
    const parts = new Array<string>(to - from);
    for (let i = from; i < to; i++) parts[i - from] = jsonNumber(values[i]!);
    yield (from === 0 ? '' : ',') + parts.join(',');
  }
}
