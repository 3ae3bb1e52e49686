import { type BarColumn, type Bars, requireColumns } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { CliError } from './cli-error.js';

/** Where the bars of a run on this machine (`run`, `sweep`) come from, as parseArgs reads it. */
export const BARS_OPTIONS = {
  data: { type: 'string' },
  symbol: { type: 'string' },
  timeframe: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
} as const;

export const BARS_USAGE = `  --data FILE.csv       bars from a CSV file (Date, Open, High, Low, Close, Volume)
  --symbol NAME         bars from the market-data cache: GOOG (imported) or synthetic:DEMO, alphavantage:IBM
  --timeframe TF        with --symbol: 1m, 5m, 15m, 1h, 1d (default) or 1w
  --start DATE, --end DATE  with --symbol: the range of bars, both inclusive, as the api reads
                        them (2020-01-01 or 2020-01-01T14:30:00Z; a date --end takes that day)`;

interface BarsValues {
  data?: string | undefined;
  symbol?: string | undefined;
  timeframe?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

/**
 * The bars of `--data FILE.csv` (named after the file) or of `--symbol NAME` from the cache;
 * exactly one of the two. With `columns` (what the run reads: runColumns), a CSV keeps only
 * those; the code given the bars must read no other.
 */
export async function loadBarsFrom(
  values: BarsValues,
  env: NodeJS.ProcessEnv,
  columns?: readonly BarColumn[],
): Promise<{ symbol: string; bars: Bars }> {
  if (Boolean(values.data) === Boolean(values.symbol)) {
    throw new CliError('give exactly one of --data FILE.csv or --symbol NAME');
  }
  if (values.data) {
    const name = values.data.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    const bars = columns
      ? requireColumns(await readCsvFile(values.data, { keep: columns }), columns)
      : await readCsvFile(values.data);
    return { symbol: name, bars };
  }
  // The cache (DuckDB) is loaded only for a symbol: a CSV run does without it.
  return (await import('./commands/load-symbol.js')).loadSymbol(values.symbol!, values, env);
}
