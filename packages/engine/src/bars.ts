/**
 * Bars: one OHLCV series as columns of typed arrays. Timestamps are UTC epoch milliseconds,
 * strictly increasing. Every column has `length` entries.
 */
export interface Bars {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The columns of Bars besides time (which every run reads). */
export const BAR_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type BarColumn = (typeof BAR_COLUMNS)[number];

/**
 * Bars holding only some columns (time always): what a loader returns when told which columns a
 * run reads, so a million-bar run of a close-only strategy does not keep 24 MB it never reads.
 */
export type PartialBars = Pick<Bars, 'length' | 'time'> & Partial<Pick<Bars, BarColumn>>;

/**
 * `bars` for code typed for whole Bars that reads only `columns` (see the backtest's
 * runColumns): throws unless each of them is there. A column left out stays absent, so code
 * that read one after all would fail on it (a TypeError), never compute with wrong numbers.
 */
export function requireColumns(bars: PartialBars, columns: readonly BarColumn[]): Bars {
  for (const name of columns) {
    if (bars[name]?.length !== bars.length) {
      throw new RangeError(`the bars lack the ${name} column this run reads`);
    }
  }
  return bars as Bars;
}

export interface BarColumns {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
}

/** The first bar that breaks a rule of `createBars`, and which rule. */
export class BarsValidationError extends Error {
  override readonly name = 'BarsValidationError';
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`bar ${index}: ${reason}`);
  }
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function toFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Builds validated `Bars` from columns (typed arrays are used as they are, not copied).
 * Rules: equal column lengths, strictly increasing finite timestamps, finite positive prices,
 * high >= max(open, close), low <= min(open, close), finite volume >= 0.
 * @throws BarsValidationError naming the first bad bar.
 */
export function createBars(columns: BarColumns): Bars {
  const length = columns.time.length;
  for (const name of COLUMNS) {
    if (columns[name].length !== length) {
      throw new BarsValidationError(
        Math.min(length, columns[name].length),
        `column ${name} has ${columns[name].length} values, time has ${length}`,
      );
    }
  }
  const bars: Bars = {
    length,
    time: toFloat64(columns.time),
    open: toFloat64(columns.open),
    high: toFloat64(columns.high),
    low: toFloat64(columns.low),
    close: toFloat64(columns.close),
    volume: toFloat64(columns.volume),
  };
  const problem = findInvalidBar(bars);
  if (problem) throw problem;
  return bars;
}

function findInvalidBar(bars: Bars): BarsValidationError | undefined {
  const { time, open, high, low, close, volume } = bars;
  for (let i = 0; i < bars.length; i++) {
    const t = time[i]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    if (!Number.isFinite(t)) return new BarsValidationError(i, `timestamp ${t} is not finite`);
    if (i > 0 && !(t > time[i - 1]!)) {
      return new BarsValidationError(
        i,
        t === time[i - 1]
          ? `duplicate timestamp ${new Date(t).toISOString()}`
          : `timestamp ${new Date(t).toISOString()} is before the previous bar's`,
      );
    }
    if (!(o > 0 && h > 0 && l > 0 && c > 0) || !Number.isFinite(o + h + l + c)) {
      return new BarsValidationError(
        i,
        `prices must be finite and positive (o=${o} h=${h} l=${l} c=${c})`,
      );
    }
    if (h < o || h < c)
      return new BarsValidationError(i, `high ${h} is below max(open ${o}, close ${c})`);
    if (l > o || l > c)
      return new BarsValidationError(i, `low ${l} is above min(open ${o}, close ${c})`);
    if (!(v >= 0) || !Number.isFinite(v))
      return new BarsValidationError(i, `volume ${v} must be finite and >= 0`);
  }
  return undefined;
}

/**
 * Bars [start, end) as views sharing the same memory. Bars holding only some columns
 * (requireColumns) give bars holding the same ones: a column left out stays absent.
 */
export function sliceBars(bars: Bars, start: number, end: number = bars.length): Bars {
  const s = Math.max(0, start);
  const e = Math.min(bars.length, end);
  const slice: Record<string, number | Float64Array> = {
    length: Math.max(0, e - s),
    time: bars.time.subarray(s, e),
  };
  for (const name of BAR_COLUMNS) {
    const column = (bars as PartialBars)[name];
    if (column !== undefined) slice[name] = column.subarray(s, e);
  }
  return slice as unknown as Bars;
}
