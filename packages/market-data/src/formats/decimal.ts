/**
 * Decimal numbers read straight from bytes, as exactly as `Number(text)`.
 *
 * The fast path is Clinger's: when the digits form an integer below 2^53 and the power of ten is at
 * most 22, both are exact doubles and one multiplication or division rounds correctly. Prices and
 * volumes in market data (`101.25`, `22351900`, `1.07219`) always take it; anything longer falls
 * back to `Number` on the text.
 */

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT = 2 ** 53;
const latin1 = new TextDecoder('latin1');

/** The number in bytes [start, end) (spaces around it allowed), or NaN if it is not a number. */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let stop = end;
  while (i < stop && (bytes[i] === 32 || bytes[i] === 9)) i++;
  while (stop > i && (bytes[stop - 1] === 32 || bytes[stop - 1] === 9)) stop--;
  if (i === stop) return Number.NaN;
  const first = i;
  let negative = false;
  if (bytes[i] === 45 /* - */) {
    negative = true;
    i++;
  } else if (bytes[i] === 43 /* + */) {
    i++;
  }
  let mantissa = 0;
  let digitCount = 0;
  let exponent = 0;
  let exact = true;
  while (i < stop) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) break;
    if (mantissa < MAX_EXACT / 10) mantissa = mantissa * 10 + d;
    else exact = false;
    digitCount++;
    i++;
  }
  if (!exact) return slowParse(bytes, first, stop);
  if (i < stop && bytes[i] === 46 /* . */) {
    i++;
    while (i < stop) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      if (mantissa < MAX_EXACT / 10) {
        mantissa = mantissa * 10 + d;
        exponent--;
      } else if (d !== 0) {
        exact = false;
      }
      digitCount++;
      i++;
    }
  }
  if (digitCount === 0) return Number.NaN;
  if (i < stop && (bytes[i] === 101 /* e */ || bytes[i] === 69) /* E */) {
    i++;
    let exponentNegative = false;
    if (bytes[i] === 45 || bytes[i] === 43) {
      exponentNegative = bytes[i] === 45;
      i++;
    }
    let written = 0;
    let exponentDigits = 0;
    while (i < stop) {
      const d = bytes[i]! - 48;
      if (d < 0 || d > 9) break;
      if (written < 100_000) written = written * 10 + d;
      exponentDigits++;
      i++;
    }
    if (exponentDigits === 0) return Number.NaN;
    exponent += exponentNegative ? -written : written;
  }
  if (i !== stop) return Number.NaN;
  if (!exact || exponent < -22 || exponent > 22) return slowParse(bytes, first, stop);
  const magnitude =
    exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent]! : mantissa * POWERS_OF_TEN[exponent]!;
  return negative ? -magnitude : magnitude;
}

// Reached only after the syntax above was checked, so `Number` sees a plain decimal.
function slowParse(bytes: Uint8Array, start: number, end: number): number {
  return Number(latin1.decode(bytes.subarray(start, end)));
}
