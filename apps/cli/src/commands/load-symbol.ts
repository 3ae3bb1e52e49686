import { type Bars, TIMEFRAMES, type Timeframe } from '@hindsight/engine';
import { loadBars } from '@hindsight/market-data';
import { endBound, parseIsoInstant } from '@hindsight/models';
import { CliError } from '../cli-error.js';
import { marketDataFromEnv } from '../market-data-env.js';

/** A range option in epoch ms as the api reads it (`read`: parseIsoInstant or endBound). */
function instant(option: string, text: string, read: (text: string) => number | null): number {
  const time = read(text);
  if (time === null) {
    throw new CliError(
      `${option} must be a date (2020-01-01) or a date-time with an offset, got "${text}"`,
    );
  }
  return time;
}

/** `hindsight run --symbol`'s bars, from the market-data cache (filled by the providers). */
export async function loadSymbol(
  symbol: string,
  range: { timeframe?: string | undefined; start?: string | undefined; end?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<{ symbol: string; bars: Bars }> {
  const timeframe = range.timeframe ?? '1d';
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) {
    throw new CliError(`--timeframe must be one of ${TIMEFRAMES.join(', ')}, got "${timeframe}"`);
  }
  const span = {
    ...(range.start === undefined
      ? {}
      : { from: instant('--start', range.start, parseIsoInstant) }),
    ...(range.end === undefined ? {} : { to: instant('--end', range.end, endBound) }),
  };
  const { cache, providers } = marketDataFromEnv(env);
  try {
    const loaded = await loadBars({
      cache,
      providers,
      symbol,
      timeframe: timeframe as Timeframe,
      ...span,
    });
    if (loaded.bars.length === 0)
      throw new CliError(`${symbol}: no ${timeframe} bars in that range`);
    return { symbol: loaded.symbol, bars: loaded.bars };
  } finally {
    await cache.close();
  }
}
