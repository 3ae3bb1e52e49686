import { closeSync, openSync, writeSync } from 'node:fs';
import { syntheticBars } from '@hindsight/market-data';

/**
 * `count` seeded synthetic one-minute bars as a CSV file (Date, Open, High, Low, Close, Volume),
 * written in pieces: the large input the CLI benchmarks run on.
 */
export function writeMinuteCsv(path: string, count: number): void {
  const bars = syntheticBars('BENCH', {
    timeframe: '1m',
    start: Date.UTC(2020, 0, 1),
    count,
  });
  const fd = openSync(path, 'w');
  writeSync(fd, 'Date,Open,High,Low,Close,Volume\n');
  for (let from = 0; from < bars.length; from += 10_000) {
    let text = '';
    for (let i = from; i < Math.min(bars.length, from + 10_000); i++) {
      const iso = new Date(bars.time[i]!).toISOString();
      text += `${iso.slice(0, 10)} ${iso.slice(11, 19)},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}\n`;
    }
    writeSync(fd, text);
  }
  closeSync(fd);
}
