import { type Bars, BarsValidationError, createBars, type Timeframe } from '@hindsight/engine';
import { resampleBars } from '../bars/resample.js';
import { barsWithin } from '../bars/slice.js';
import { ProviderError } from '../errors.js';
import { IsoTimeParser } from '../time/iso-time.js';
import type { TimeRange } from '../time/ranges.js';
import { formatTime } from '../time/time-format.js';
import { bucketStart, DAY_MS, TIMEFRAME_MS, WEEK_MS } from '../time/timeframes.js';
import { isUtcZone, ZoneConverter } from '../time/timezone.js';
import { type Clock, systemClock } from './clock.js';
import type { FetchRequest, Provider } from './provider.js';
import { RateLimiter } from './rate-limiter.js';

const ALPHA_VANTAGE_URL = 'https://www.alphavantage.co/query';

/** What the service configures. */
export interface AlphaVantageConfig {
  readonly apiKey?: string;
  /** 5 on the free plan (older keys) or what the plan allows; 5 when not given. */
  readonly callsPerMinute?: number;
  readonly baseUrl?: string;
}

export interface AlphaVantageOptions extends AlphaVantageConfig {
  /** Retries after the first attempt, for network errors, 5xx and rate-limit answers. */
  readonly retries?: number;
  /** First retry delay; it doubles on each retry (capped at a minute). */
  readonly backoffMs?: number;
  /** Per HTTP request. */
  readonly timeoutMs?: number;
  /** Include pre- and post-market bars in intraday series. */
  readonly extendedHours?: boolean;
  readonly clock?: Clock;
}

export type AlphaVantageErrorKind =
  | 'config'
  | 'rate-limit'
  | 'request'
  | 'premium'
  | 'http'
  | 'network'
  | 'format';

export class AlphaVantageError extends ProviderError {
  override readonly name = 'AlphaVantageError';
  constructor(
    readonly kind: AlphaVantageErrorKind,
    message: string,
    readonly retryable = false,
  ) {
    super('alphavantage', message);
  }
}

const INTERVALS: Partial<Record<Timeframe, string>> = {
  '1m': '1min',
  '5m': '5min',
  '15m': '15min',
  '1h': '60min',
};
const MINUTE_MS = 60_000;
// `compact` holds the latest 100 daily bars: about 140 calendar days.
const COMPACT_DAILY_MS = 140 * DAY_MS;
// Without `month`, intraday series cover the last 30 days.
const RECENT_INTRADAY_MS = 28 * DAY_MS;
// Intraday history goes back to January 2000; asking for earlier months only spends calls.
const FIRST_INTRADAY_MONTH = Date.UTC(2000, 0, 1);

type Json = Record<string, unknown>;

/**
 * `alphavantage:SYMBOL` through Alpha Vantage's documented TIME_SERIES_DAILY and
 * TIME_SERIES_INTRADAY endpoints (weekly bars are resampled from daily ones). Calls stay within
 * `callsPerMinute` (per process). Network errors, 5xx answers and per-minute or per-second limit
 * payloads ("Note", and "Information" about call frequency) are retried with exponential backoff;
 * "Error Message" payloads, a used-up daily quota and premium-only requests fail at once with the
 * message Alpha Vantage gave. Intraday timestamps are read in the zone the response names (US/Eastern);
 * daily dates are midnight UTC, like imported files.
 */
export class AlphaVantageProvider implements Provider {
  readonly source = 'alphavantage';
  private readonly apiKey: string | undefined;
  private readonly baseUrl: string;
  private readonly callsPerMinute: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly extendedHours: boolean;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;

  constructor(options: AlphaVantageOptions = {}) {
    this.apiKey = options.apiKey || undefined;
    this.baseUrl = options.baseUrl ?? ALPHA_VANTAGE_URL;
    this.callsPerMinute = options.callsPerMinute ?? 5;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 2_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.extendedHours = options.extendedHours ?? false;
    this.clock = options.clock ?? systemClock;
    this.limiter = new RateLimiter(this.callsPerMinute, MINUTE_MS, this.clock);
  }

  defaultRange(timeframe: Timeframe, now: number): TimeRange {
    const span = INTERVALS[timeframe] ? 30 * DAY_MS : 20 * 365 * DAY_MS;
    return { from: bucketStart(now - span, timeframe), to: now };
  }

  /** The bar in progress, and the one before it (Alpha Vantage may still revise it), stay open. */
  settledBefore(timeframe: Timeframe, now: number): number {
    return bucketStart(now, timeframe) - TIMEFRAME_MS[timeframe];
  }

  async fetch(request: FetchRequest): Promise<Bars> {
    const { symbol, timeframe, range, signal } = request;
    if (timeframe === '1w') {
      const days = await this.daily(
        symbol,
        {
          from: bucketStart(range.from, '1w'),
          to: bucketStart(range.to - 1, '1w') + WEEK_MS,
        },
        signal,
      );
      return barsWithin(resampleBars(days, '1d', '1w'), range);
    }
    const interval = INTERVALS[timeframe];
    if (interval === undefined) return this.daily(symbol, range, signal);
    return this.intraday(symbol, interval, range, signal);
  }

  private async daily(symbol: string, range: TimeRange, signal?: AbortSignal): Promise<Bars> {
    const outputsize = range.from >= this.clock.now() - COMPACT_DAILY_MS ? 'compact' : 'full';
    const body = await this.call({ function: 'TIME_SERIES_DAILY', symbol, outputsize }, signal);
    return barsWithin(parseTimeSeries(body, `${symbol} daily`), range);
  }

  private async intraday(
    symbol: string,
    interval: string,
    range: TimeRange,
    signal?: AbortSignal,
  ): Promise<Bars> {
    const base = {
      function: 'TIME_SERIES_INTRADAY',
      symbol,
      interval,
      outputsize: 'full',
      extended_hours: String(this.extendedHours),
    };
    const now = this.clock.now();
    const months =
      range.from >= now - RECENT_INTRADAY_MS
        ? [null]
        : monthsBetween(Math.max(range.from, FIRST_INTRADAY_MONTH), Math.min(range.to, now));
    const parts: Bars[] = [];
    for (const month of months) {
      const body = await this.call(month === null ? base : { ...base, month }, signal);
      parts.push(parseTimeSeries(body, `${symbol} ${interval}${month ? ` ${month}` : ''}`));
    }
    return barsWithin(concatenate(parts), range);
  }

  /** One API call: the JSON body once it is neither an error nor a rate-limit payload. */
  private async call(parameters: Record<string, string>, signal?: AbortSignal): Promise<Json> {
    if (this.apiKey === undefined) {
      throw new AlphaVantageError(
        'config',
        'no API key configured: set ALPHAVANTAGE_API_KEY (free keys at alphavantage.co)',
      );
    }
    const url = new URL(this.baseUrl);
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
    url.searchParams.set('apikey', this.apiKey);
    const what = `${parameters.function} ${parameters.symbol ?? ''}`.trim();
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(signal);
      let failure: AlphaVantageError;
      try {
        return await this.attempt(url, what, signal);
      } catch (error) {
        if (!(error instanceof AlphaVantageError) || !error.retryable) throw error;
        failure = error;
      }
      if (attempt >= this.retries) {
        throw new AlphaVantageError(
          failure.kind,
          `${failure.message.replace(/^alphavantage: /, '')} (gave up after ${attempt + 1} attempts)`,
        );
      }
      let wait = Math.min(MINUTE_MS, this.backoffMs * 2 ** attempt);
      if (failure.kind === 'rate-limit') wait = Math.max(wait, MINUTE_MS / this.callsPerMinute);
      await this.clock.sleep(wait, signal);
    }
  }

  private async attempt(url: URL, what: string, signal?: AbortSignal): Promise<Json> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      signal?.throwIfAborted();
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : causeOf(error);
      throw new AlphaVantageError('network', `${what}: ${reason}`, true);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retryable = response.status >= 500 || response.status === 429;
      throw new AlphaVantageError('http', `${what}: HTTP ${response.status}`, retryable);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new AlphaVantageError('format', `${what}: the answer is not JSON`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new AlphaVantageError('format', `${what}: the answer is not a JSON object`);
    }
    rejectErrorPayload(body as Json, what);
    return body as Json;
  }
}

/** Turns Alpha Vantage's in-band error payloads (sent with HTTP 200) into errors. */
function rejectErrorPayload(body: Json, what: string): void {
  const error = body['Error Message'];
  if (typeof error === 'string') {
    throw new AlphaVantageError('request', `${what}: ${error}`);
  }
  const note = body.Note;
  if (typeof note === 'string') {
    throw new AlphaVantageError('rate-limit', `${what}: rate limit reached: ${note}`, true);
  }
  const information = body.Information;
  if (typeof information === 'string') {
    // Alpha Vantage words its limits in prose; the order matters, as most messages also mention
    // premium plans and the daily quota.
    if (/per (second|minute)|frequency|sparingly/i.test(information)) {
      throw new AlphaVantageError(
        'rate-limit',
        `${what}: rate limit reached: ${information}`,
        true,
      );
    }
    if (/per day|daily/i.test(information)) {
      throw new AlphaVantageError('rate-limit', `${what}: daily quota used up: ${information}`);
    }
    if (/premium/i.test(information)) {
      throw new AlphaVantageError('premium', `${what}: ${information}`);
    }
    if (/api ?key/i.test(information)) {
      throw new AlphaVantageError('request', `${what}: ${information}`);
    }
    throw new AlphaVantageError('rate-limit', `${what}: ${information}`, true);
  }
}

const textEncoder = new TextEncoder();

/** The "Time Series (...)" object of a response as Bars, oldest first. */
function parseTimeSeries(body: Json, label: string): Bars {
  const key = Object.keys(body).find((name) => name.startsWith('Time Series'));
  const series = key === undefined ? undefined : body[key];
  if (typeof series !== 'object' || series === null) {
    throw new AlphaVantageError(
      'format',
      `${label}: the answer has no "Time Series" (keys: ${Object.keys(body).join(', ') || 'none'})`,
    );
  }
  const meta = (body['Meta Data'] ?? {}) as Json;
  const zoneName = Object.entries(meta).find(([name]) => name.endsWith('Time Zone'))?.[1];
  const zone =
    typeof zoneName === 'string' && !isUtcZone(zoneName) ? new ZoneConverter(zoneName) : null;
  const parser = new IsoTimeParser();
  const rows: [number, number, number, number, number, number][] = [];
  for (const [stamp, fields] of Object.entries(series as Json)) {
    const bytes = textEncoder.encode(stamp);
    let time = parser.parse(bytes, 0, bytes.length);
    if (Number.isNaN(time)) {
      throw new AlphaVantageError('format', `${label}: '${stamp}' is not a date or date-time`);
    }
    // Dates name a trading day: midnight UTC, as in imported files. Times are wall-clock times.
    if (zone !== null && stamp.length > 10 && !parser.explicitZone) time = zone.toUtc(time);
    const values = (fields ?? {}) as Json;
    const number = (name: string) => {
      const field = Object.keys(values).find((candidate) => candidate.endsWith(`. ${name}`));
      const value = field === undefined ? Number.NaN : Number(values[field]);
      if (!Number.isFinite(value)) {
        throw new AlphaVantageError(
          'format',
          `${label} ${stamp}: ${name} is missing or not a number`,
        );
      }
      return value;
    };
    rows.push([
      time,
      number('open'),
      number('high'),
      number('low'),
      number('close'),
      number('volume'),
    ]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  try {
    return createBars({
      time: rows.map((row) => row[0]),
      open: rows.map((row) => row[1]),
      high: rows.map((row) => row[2]),
      low: rows.map((row) => row[3]),
      close: rows.map((row) => row[4]),
      volume: rows.map((row) => row[5]),
    });
  } catch (error) {
    if (error instanceof BarsValidationError) {
      const row = rows[error.index];
      const at = row ? ` at ${formatTime(row[0])}` : '';
      throw new AlphaVantageError('format', `${label}: bad bar${at}: ${error.reason}`);
    }
    throw error;
  }
}

/** `YYYY-MM` of every month that [from, to) touches. */
function monthsBetween(from: number, to: number): string[] {
  const months: string[] = [];
  const start = new Date(from);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  while (Date.UTC(year, month, 1) < to) {
    months.push(`${year}-${String(month + 1).padStart(2, '0')}`);
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return months;
}

function concatenate(parts: readonly Bars[]): Bars {
  const all = parts.flatMap((bars) =>
    Array.from({ length: bars.length }, (_, i) => [
      bars.time[i]!,
      bars.open[i]!,
      bars.high[i]!,
      bars.low[i]!,
      bars.close[i]!,
      bars.volume[i]!,
    ]),
  );
  all.sort((a, b) => a[0]! - b[0]!);
  const rows = all.filter((row, i) => i === 0 || row[0] !== all[i - 1]![0]);
  return createBars({
    time: rows.map((row) => row[0]!),
    open: rows.map((row) => row[1]!),
    high: rows.map((row) => row[2]!),
    low: rows.map((row) => row[3]!),
    close: rows.map((row) => row[4]!),
    volume: rows.map((row) => row[5]!),
  });
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
