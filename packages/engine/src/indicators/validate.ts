/** Periods are bar counts: a whole number >= `minimum`. */
export function assertPeriod(period: number, name = 'period', minimum = 1): void {
  if (!Number.isInteger(period) || period < minimum) {
    throw new RangeError(`${name} must be a whole number >= ${minimum}, got ${period}`);
  }
}

/** Writing past the end of a typed array is silently dropped, so a short `out` must fail loudly. */
export function assertOutput(out: Float64Array, length: number, name = 'out'): void {
  if (out.length !== length) {
    throw new RangeError(`${name} has ${out.length} slots but the input has ${length} values`);
  }
}

/** Columns of one bar series (high, low, close, volume) must line up bar for bar. */
export function assertSameLength(columns: Readonly<Record<string, Float64Array>>): number {
  let length = -1;
  let first = '';
  for (const [name, column] of Object.entries(columns)) {
    if (length === -1) {
      length = column.length;
      first = name;
    } else if (column.length !== length) {
      throw new RangeError(`${name} has ${column.length} values but ${first} has ${length}`);
    }
  }
  return Math.max(length, 0);
}

/** A fraction in [0, 1], such as a percentile rank. */
export function assertFraction(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number between 0 and 1, got ${value}`);
  }
}

/** A finite multiplier >= 0, such as the width of Bollinger Bands in standard deviations. */
export function assertNonNegative(value: number, name: string): void {
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}
