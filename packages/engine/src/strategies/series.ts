import type { BarColumn, Bars } from '../bars.js';
import { bollinger, ema, macd, rsi, sma } from '../indicators/index.js';
import { previousHighest, previousLowest } from './channels.js';
import { volumeZoneHigh } from './volume-zone.js';

type SeriesParams = Readonly<Record<string, number>>;

/**
 * Every indicator series a strategy reads, by name: one Float64Array per bar from the bars and
 * numeric parameters. A name fixes the input column too (`sma` is of the close), so a name and
 * its parameters identify a series of given bars completely - the key a cache stores it under.
 */
const SERIES = {
  // Also Bollinger's middle band: bollinger() computes that with this very sma.
  sma: { reads: ['close'], compute: (bars, p) => sma(bars.close, p.period!) },
  ema: { reads: ['close'], compute: (bars, p) => ema(bars.close, p.period!) },
  rsi: { reads: ['close'], compute: (bars, p) => rsi(bars.close, p.period!) },
  macd_line: {
    reads: ['close'],
    compute: (bars, p) => macd(bars.close, p.fast!, p.slow!, p.signal!).macd,
  },
  macd_signal: {
    reads: ['close'],
    compute: (bars, p) => macd(bars.close, p.fast!, p.slow!, p.signal!).signal,
  },
  bollinger_lower: {
    reads: ['close'],
    compute: (bars, p) => bollinger(bars.close, p.period!, p.stdDev!).lower,
  },
  previous_highest_high: {
    reads: ['high'],
    compute: (bars, p) => previousHighest(bars.high, p.period!),
  },
  previous_lowest_low: {
    reads: ['low'],
    compute: (bars, p) => previousLowest(bars.low, p.period!),
  },
  volume_zone_high: {
    reads: ['high', 'volume'],
    compute: (bars, p) => volumeZoneHigh(bars, p.window!, p.topPercentile!),
  },
} satisfies Record<string, SeriesDefinition>;

/** How one series is computed, and the bar columns that reads. */
interface SeriesDefinition {
  readonly reads: readonly BarColumn[];
  compute(bars: Bars, params: SeriesParams): Float64Array;
}

export type SeriesName = keyof typeof SERIES;

/** One series a strategy reads: SMA(10) of the close is `{ name: 'sma', params: { period: 10 } }`. */
export interface SeriesSpec {
  readonly name: SeriesName;
  readonly params: SeriesParams;
}

/**
 * The series' identity as text, equal for equal specs whatever the key order: `sma(period=10)`.
 * JavaScript prints a number so that it reads back exactly, so distinct values never collide.
 */
export function seriesKey(spec: SeriesSpec): string {
  const params = Object.keys(spec.params)
    .sort()
    .map((name) => `${name}=${String(spec.params[name])}`);
  return `${spec.name}(${params.join(',')})`;
}

/** The series computed from the bars (what a provider does on a miss). */
export function computeSeries(bars: Bars, spec: SeriesSpec): Float64Array {
  return seriesDefinition(spec).compute(bars, spec.params);
}

/** The bar columns a series is computed from. */
export function seriesReads(spec: SeriesSpec): readonly BarColumn[] {
  return seriesDefinition(spec).reads;
}

function seriesDefinition(spec: SeriesSpec): SeriesDefinition {
  const definition = SERIES[spec.name] as SeriesDefinition | undefined;
  if (!definition) throw new RangeError(`unknown indicator series '${spec.name}'`);
  return definition;
}

/** Where a strategy's `signals` reads its indicator series (and writes its flags). */
export interface IndicatorProvider {
  series(spec: SeriesSpec): Float64Array;
  /**
   * Zeroed space for one run's four flag columns (`length` bytes each), which emptySignals takes
   * when offered. A provider may hand out the same buffer at every call (a sweep's does, see
   * BarsIndicators' `reuseFlags`), so that signals allocate nothing: a run's signals are then
   * valid until the next call.
   */
  flags?(length: number): Uint8Array;
}

/**
 * The series of one set of bars: those given (precomputed, e.g. read from the indicators step's
 * cache) and, on a miss, computed here once and kept - while the computed ones fit in
 * `keepBytes` (unbounded by default); past it a miss is computed and not kept. The same
 * arithmetic either way, so signals are bit for bit those of a strategy computing its
 * indicators itself.
 */
export class BarsIndicators implements IndicatorProvider {
  readonly #known = new Map<string, Float64Array>();
  readonly #keepBytes: number;
  #keptBytes = 0;
  #computed = 0;
  /** The flag columns' working space, when the host reuses it (`reuseFlags`); else null. */
  readonly #flags: Uint8Array | null;

  /**
   * `keepBytes` bounds the computed series kept; `reuseFlags` offers one buffer for every call's
   * flags (IndicatorProvider.flags), for a host that is done with a run's signals before the next.
   */
  constructor(
    private readonly bars: Bars,
    known: Iterable<readonly [SeriesSpec, Float64Array]> = [],
    options: { keepBytes?: number; reuseFlags?: boolean } = {},
  ) {
    for (const [spec, values] of known) {
      if (values.length !== bars.length) {
        throw new RangeError(
          `${seriesKey(spec)} has ${values.length} values for ${bars.length} bars`,
        );
      }
      this.#known.set(seriesKey(spec), values);
    }
    this.#keepBytes = options.keepBytes ?? Number.POSITIVE_INFINITY;
    this.#flags = options.reuseFlags ? new Uint8Array(4 * bars.length) : null;
  }

  flags(length: number): Uint8Array {
    const flags = this.#flags;
    if (flags === null) return new Uint8Array(4 * length);
    if (4 * length !== flags.length) {
      throw new RangeError(`flags for ${length} bars asked of a provider of ${this.bars.length}`);
    }
    return flags.fill(0);
  }

  series(spec: SeriesSpec): Float64Array {
    const key = seriesKey(spec);
    let values = this.#known.get(key);
    if (values === undefined) {
      values = computeSeries(this.bars, spec);
      this.#computed++;
      if (this.#keptBytes + values.byteLength <= this.#keepBytes) {
        this.#known.set(key, values);
        this.#keptBytes += values.byteLength;
      }
    }
    return values;
  }

  /** How many series were computed here rather than given. */
  get computed(): number {
    return this.#computed;
  }
}
