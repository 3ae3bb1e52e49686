import { type Bars, TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import { InvalidRangeError } from '../errors.js';
import { bucketStart, DAY_MS, TIMEFRAME_MS, WEEK_MS } from '../time/timeframes.js';
import { hashString, mix32, Random } from './random.js';
import { resampleBars } from './resample.js';

export interface SyntheticOptions {
  readonly timeframe: Timeframe;
  /** First bar at or after this time (UTC ms); series begin on 1990-01-01. */
  readonly start: number;
  /** Bars before this time... */
  readonly end?: number;
  /** ...or this many bars. One of `end` and `count` is required. */
  readonly count?: number;
}

/** Where every synthetic series begins: Monday 1990-01-01. */
export const SYNTHETIC_ORIGIN = Date.UTC(1990, 0, 1);
const ORIGIN_DAY = SYNTHETIC_ORIGIN / DAY_MS;
/** Intraday bars fill a 7-hour session, 14:00-21:00 UTC, every weekday. */
const SESSION_OPEN_MS = 14 * 3_600_000;
const SESSION_MS = 7 * 3_600_000;
const TRADING_DAYS_PER_YEAR = 252;

/**
 * A deterministic OHLCV series for demos, tests and benchmarks: the same symbol name gives the same
 * bars on any machine, and any range of it is a slice of one endless series (so ranges fetched
 * separately fit together).
 *
 * Each symbol gets its own start price, volatility, drift and volume level from the hash of its
 * name. Daily closes follow a geometric random walk whose variance follows GARCH(1,1), so calm and
 * turbulent stretches cluster; opens gap from the previous close; highs and lows reach beyond the
 * body by an amount that scales with the day's volatility. Intraday bars bridge each day's open to
 * its close (a Brownian bridge, so they open and close with the daily bars), with a U-shaped intraday
 * profile - busier and more volatile near the open and the close - and their own clustering.
 * Weekly bars are the daily bars resampled. Prices keep five significant digits, volumes are
 * whole numbers, and every bar satisfies low <= open, close <= high.
 */
export function syntheticBars(symbol: string, options: SyntheticOptions): Bars {
  const { timeframe, start } = options;
  if (!Number.isFinite(start)) throw new InvalidRangeError('start must be a finite time');
  if (options.end === undefined && options.count === undefined) {
    throw new InvalidRangeError('give an end or a count of bars');
  }
  const end = options.end ?? Number.POSITIVE_INFINITY;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  if (!(count >= 0) || (options.end !== undefined && !Number.isFinite(end))) {
    throw new InvalidRangeError('end must be a finite time and count a number >= 0');
  }
  const model = new SymbolModel(symbol);
  if (timeframe === '1w') return weeklyBars(model, start, end, count);
  if (timeframe === '1d') return dailyBars(model, start, end, count);
  return intradayBars(model, timeframe, start, end, count);
}

/** The symbol's parameters and its daily path, extended as far as asked. */
class SymbolModel {
  readonly seed: number;
  private readonly random: Random;
  private readonly drift: number;
  private readonly omega: number;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly baseVolume: number;
  private readonly meanSigma: number;
  // Per trading day since the origin: open, high, low, close, volume, and the day's volatility.
  private days = 0;
  private dayOpen = new Float64Array(0);
  private dayHigh = new Float64Array(0);
  private dayLow = new Float64Array(0);
  private dayClose = new Float64Array(0);
  private dayVolume = new Float64Array(0);
  private daySigma = new Float64Array(0);
  private lastClose: number;
  private lastReturn = 0;
  private variance: number;

  constructor(symbol: string) {
    this.seed = hashString(symbol);
    const setup = new Random(this.seed);
    this.lastClose = Math.exp(Math.log(20) + setup.uniform() * Math.log(25));
    const annualVolatility = 0.15 + 0.3 * setup.uniform();
    const annualDrift = -0.02 + 0.14 * setup.uniform();
    this.baseVolume = Math.exp(Math.log(2e5) + setup.uniform() * Math.log(100));
    this.alpha = 0.05 + 0.05 * setup.uniform();
    const persistence = 0.97 + 0.02 * setup.uniform();
    this.beta = persistence - this.alpha;
    this.meanSigma = annualVolatility / Math.sqrt(TRADING_DAYS_PER_YEAR);
    this.omega = this.meanSigma ** 2 * (1 - persistence);
    this.variance = this.meanSigma ** 2;
    this.drift = annualDrift / TRADING_DAYS_PER_YEAR;
    this.random = new Random(mix32(this.seed ^ 0x5bd1e995));
  }

  /** Makes trading days 0..k (weekdays counted from the origin) available. */
  ensure(k: number): void {
    if (k < this.days) return;
    if (k >= this.dayClose.length) this.grow(Math.max(k + 1, this.dayClose.length * 2, 1024));
    const random = this.random;
    for (let day = this.days; day <= k; day++) {
      this.variance = this.omega + this.alpha * this.lastReturn ** 2 + this.beta * this.variance;
      const sigma = Math.sqrt(this.variance);
      const gap = 0.3 * sigma * random.normal();
      const move = this.drift - 0.5 * sigma * sigma + sigma * random.normal();
      const open = this.lastClose * Math.exp(gap);
      const close = this.lastClose * Math.exp(gap + move);
      const decimals = priceDecimals(open);
      const o = roundTo(open, decimals);
      const c = roundTo(close, decimals);
      const h = roundTo(
        Math.max(o, c) * Math.exp(0.7 * sigma * Math.abs(random.normal())),
        decimals,
      );
      const l = roundTo(
        Math.min(o, c) * Math.exp(-0.7 * sigma * Math.abs(random.normal())),
        decimals,
      );
      const activity = 0.6 + 0.4 * Math.min(4, Math.abs(gap + move) / this.meanSigma);
      this.dayOpen[day] = o;
      this.dayClose[day] = c;
      this.dayHigh[day] = Math.max(h, o, c);
      this.dayLow[day] = Math.min(l, o, c);
      this.dayVolume[day] = Math.round(
        this.baseVolume *
          activity *
          Math.sqrt(sigma / this.meanSigma) *
          Math.exp(0.25 * random.normal()),
      );
      this.daySigma[day] = sigma;
      this.lastReturn = gap + move;
      this.lastClose = c;
    }
    this.days = k + 1;
  }

  open(k: number): number {
    return this.dayOpen[k]!;
  }
  high(k: number): number {
    return this.dayHigh[k]!;
  }
  low(k: number): number {
    return this.dayLow[k]!;
  }
  close(k: number): number {
    return this.dayClose[k]!;
  }
  volume(k: number): number {
    return this.dayVolume[k]!;
  }
  sigma(k: number): number {
    return this.daySigma[k]!;
  }

  private grow(size: number): void {
    const grow = (values: Float64Array) => {
      const next = new Float64Array(size);
      next.set(values);
      return next;
    };
    this.dayOpen = grow(this.dayOpen);
    this.dayHigh = grow(this.dayHigh);
    this.dayLow = grow(this.dayLow);
    this.dayClose = grow(this.dayClose);
    this.dayVolume = grow(this.dayVolume);
    this.daySigma = grow(this.daySigma);
  }
}

class BarsBuilder {
  length = 0;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(capacity: number) {
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  push(t: number, o: number, h: number, l: number, c: number, v: number): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = t;
    this.open[i] = o;
    this.high[i] = h;
    this.low[i] = l;
    this.close[i] = c;
    this.volume[i] = v;
  }

  build(): Bars {
    const n = this.length;
    return {
      length: n,
      time: this.time.subarray(0, n),
      open: this.open.subarray(0, n),
      high: this.high.subarray(0, n),
      low: this.low.subarray(0, n),
      close: this.close.subarray(0, n),
      volume: this.volume.subarray(0, n),
    };
  }

  private grow(): void {
    const size = Math.max(1024, this.time.length * 2);
    for (const key of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const next = new Float64Array(size);
      next.set(this[key]);
      this[key] = next;
    }
  }
}

/** Calendar day number (since 1970) -> trading day index, or -1 on a weekend. */
function tradingDay(day: number): number {
  const sinceOrigin = day - ORIGIN_DAY;
  const weeks = Math.floor(sinceOrigin / 7);
  const weekday = sinceOrigin - weeks * 7;
  return weekday >= 5 ? -1 : weeks * 5 + weekday;
}

/** Far more than any backtest needs; a range beyond it is almost certainly a mistake. */
const MAX_BARS = 20_000_000;

function capacityFor(start: number, end: number, count: number, perDay: number): number {
  const byEnd = Number.isFinite(end)
    ? Math.ceil((Math.max(0, end - Math.max(start, SYNTHETIC_ORIGIN)) / DAY_MS) * perDay) + perDay
    : Number.POSITIVE_INFINITY;
  const capacity = Math.min(count, byEnd);
  if (capacity > MAX_BARS) {
    throw new InvalidRangeError(
      `that range holds about ${Math.round(capacity).toLocaleString('en-US')} bars; ` +
        `synthetic series stop at ${MAX_BARS.toLocaleString('en-US')}`,
    );
  }
  return capacity;
}

function dailyBars(model: SymbolModel, start: number, end: number, count: number): Bars {
  const out = new BarsBuilder(capacityFor(start, end, count, 1));
  for (let day = Math.max(ORIGIN_DAY, Math.ceil(start / DAY_MS)); out.length < count; day++) {
    const time = day * DAY_MS;
    if (time >= end) break;
    const k = tradingDay(day);
    if (k < 0) continue;
    model.ensure(k);
    out.push(time, model.open(k), model.high(k), model.low(k), model.close(k), model.volume(k));
  }
  return out.build();
}

function weeklyBars(model: SymbolModel, start: number, end: number, count: number): Bars {
  // A week's bar is always the resample of its five days, whichever range asks for it.
  const week = bucketStart(start, '1w');
  const first = Math.max(SYNTHETIC_ORIGIN, week === start ? week : week + WEEK_MS);
  const daysEnd = Number.isFinite(end) ? bucketStart(end - 1, '1w') + WEEK_MS : end;
  const days = dailyBars(model, first, daysEnd, Number.isFinite(count) ? count * 5 : count);
  const weeks = resampleBars(days, '1d', '1w');
  let n = weeks.length;
  while (n > 0 && (weeks.time[n - 1]! >= end || n > count)) n--;
  return {
    length: n,
    time: weeks.time.subarray(0, n),
    open: weeks.open.subarray(0, n),
    high: weeks.high.subarray(0, n),
    low: weeks.low.subarray(0, n),
    close: weeks.close.subarray(0, n),
    volume: weeks.volume.subarray(0, n),
  };
}

function intradayBars(
  model: SymbolModel,
  timeframe: Timeframe,
  start: number,
  end: number,
  count: number,
): Bars {
  const step = TIMEFRAME_MS[timeframe];
  const perDay = SESSION_MS / step;
  const volatilityProfile = new Float64Array(perDay);
  const volumeProfile = new Float64Array(perDay);
  let volumeTotal = 0;
  let varianceTotal = 0;
  for (let i = 0; i < perDay; i++) {
    const x = (2 * (i + 0.5)) / perDay - 1;
    volatilityProfile[i] = 1 + 0.8 * x * x;
    volumeProfile[i] = 1 + 2 * x * x;
    volumeTotal += volumeProfile[i]!;
    varianceTotal += volatilityProfile[i]! ** 2;
  }
  const profileScale = 1 / Math.sqrt(varianceTotal);
  const shares = volumeProfile.map((weight) => weight / volumeTotal);
  const timeframeIndex = TIMEFRAMES.indexOf(timeframe);
  const path = new Float64Array(perDay);
  const barSigma = new Float64Array(perDay);
  const out = new BarsBuilder(capacityFor(start, end, count, perDay));

  for (let day = Math.max(ORIGIN_DAY, Math.floor(start / DAY_MS)); out.length < count; day++) {
    const sessionStart = day * DAY_MS + SESSION_OPEN_MS;
    if (sessionStart >= end) break;
    const k = tradingDay(day);
    if (k < 0) continue;
    if (sessionStart + SESSION_MS <= start) continue;
    model.ensure(k);
    const random = new Random(
      mix32(model.seed ^ Math.imul(k + 1, 0x9e3779b1) ^ (timeframeIndex << 24)),
    );
    const open = model.open(k);
    const target = Math.log(model.close(k) / open);
    const sigma = model.sigma(k);
    // A random walk of log prices with clustered, U-shaped volatility, then bent to end on the
    // day's close: each step takes a share of the correction proportional to its variance.
    let level = 0;
    let cumulative = 0;
    let cluster = 0;
    for (let i = 0; i < perDay; i++) {
      cluster = 0.8 * cluster + 0.6 * random.normal();
      const s = sigma * volatilityProfile[i]! * profileScale * Math.exp(0.25 * cluster);
      barSigma[i] = s;
      level += s * random.normal();
      cumulative += s * s;
      path[i] = level;
    }
    const correction = (target - level) / cumulative;
    const decimals = priceDecimals(open);
    let previousClose = open;
    let variance = 0;
    for (let i = 0; i < perDay; i++) {
      const s = barSigma[i]!;
      variance += s * s;
      const time = sessionStart + i * step;
      const o = previousClose;
      const c =
        i === perDay - 1
          ? model.close(k)
          : roundTo(open * Math.exp(path[i]! + correction * variance), decimals);
      // The wicks: one draw of the bar's extra range, split between above and below. The moves are
      // a fraction of a percent, where 1 + x stands in for e^x.
      const wick = s * Math.abs(random.normal());
      const up = random.uniform();
      const h = roundTo(Math.max(o, c) * (1 + wick * up), decimals);
      const l = roundTo(Math.min(o, c) * (1 - wick * (1 - up)), decimals);
      const v = Math.round(model.volume(k) * shares[i]! * Math.exp(0.3 * random.normal()));
      previousClose = c;
      if (time < start || time >= end) continue;
      out.push(time, o, Math.max(h, o, c), Math.min(l, o, c), c, v);
      if (out.length >= count) break;
    }
  }
  return out.build();
}

/** Decimals that keep five significant digits at this price (0 to 8). */
function priceDecimals(price: number): number {
  return Math.min(8, Math.max(0, 4 - Math.floor(Math.log10(price))));
}

const SCALE = Array.from({ length: 9 }, (_, i) => 10 ** i);

function roundTo(value: number, decimals: number): number {
  const scale = SCALE[decimals]!;
  return Math.round(value * scale) / scale;
}
