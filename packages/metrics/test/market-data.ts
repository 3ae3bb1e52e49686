import { readFileSync } from 'node:fs';

/** The committed market data (fixtures/market-data, header `,Open,High,Low,Close,Volume`). */
export type DataSet = 'GOOG' | 'EURUSD' | 'BTCUSD';

export interface Closes {
  /** UTC epoch ms: `2004-08-19` and `2017-04-19 09:00:00` are read as UTC. */
  time: Float64Array;
  close: Float64Array;
}

const DATA_DIR = new URL('../../../fixtures/market-data/', import.meta.url);

export function loadCloses(name: DataSet): Closes {
  const rows = readFileSync(new URL(`${name}.csv`, DATA_DIR), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  const time = new Float64Array(rows.length);
  const close = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const cells = row.split(',');
    const stamp = cells[0] ?? '';
    time[i] = Date.parse(
      stamp.length === 10 ? `${stamp}T00:00:00Z` : `${stamp.replace(' ', 'T')}Z`,
    );
    close[i] = Number(cells[4]);
  });
  return { time, close };
}
