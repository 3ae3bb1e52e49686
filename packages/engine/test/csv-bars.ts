import { readFileSync } from 'node:fs';
import { type Bars, createBars } from '../src/bars.js';

/** The committed market data (fixtures/market-data, header `,Open,High,Low,Close,Volume`). */
export type DataSet = 'GOOG' | 'EURUSD' | 'BTCUSD';

const DATA_DIR = new URL('../../../fixtures/market-data/', import.meta.url);
const cache = new Map<DataSet, Bars>();

/** Loads a data set as Bars; timestamps are read as UTC (`2004-08-19`, `2017-04-19 09:00:00`). */
export function loadBars(name: DataSet): Bars {
  const cached = cache.get(name);
  if (cached) return cached;
  const lines = readFileSync(new URL(`${name}.csv`, DATA_DIR), 'utf8')
    .trim()
    .split(/\r?\n/);
  const rows = lines.slice(1);
  const columns = {
    time: new Float64Array(rows.length),
    open: new Float64Array(rows.length),
    high: new Float64Array(rows.length),
    low: new Float64Array(rows.length),
    close: new Float64Array(rows.length),
    volume: new Float64Array(rows.length),
  };
  rows.forEach((row, i) => {
    const [stamp = '', open, high, low, close, volume] = row.split(',');
    const iso = stamp.length === 10 ? `${stamp}T00:00:00Z` : `${stamp.replace(' ', 'T')}Z`;
    columns.time[i] = Date.parse(iso);
    columns.open[i] = Number(open);
    columns.high[i] = Number(high);
    columns.low[i] = Number(low);
    columns.close[i] = Number(close);
    columns.volume[i] = Number(volume);
  });
  const bars = createBars(columns);
  cache.set(name, bars);
  return bars;
}
