/**
 * The market-data speed figures: CSV import, reading a million cached bars, a cache hit for a
 * 2,000-bar daily series, and generating a million synthetic bars.
 * Run: npx tsx --conditions=source packages/market-data/bench/run.ts
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bars } from '@hindsight/engine';
import {
  createProviders,
  importFile,
  loadBars,
  MarketDataCache,
  parseCsv,
  syntheticBars,
} from '../src/index.js';

const MILLION = 1_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timeRuns(runs: number, work: () => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

/** The bars as a CSV file in the shape the importer reads (pandas' unnamed index column). */
function toCsv(bars: Bars): string {
  const lines = [',Open,High,Low,Close,Volume'];
  for (let i = 0; i < bars.length; i++) {
    const time = new Date(bars.time[i]!).toISOString();
    lines.push(
      `${time.slice(0, 10)} ${time.slice(11, 19)},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const root = await mkdtemp(join(tmpdir(), 'hindsight-market-data-bench-'));
const cache = new MarketDataCache({ dataRoot: root });
const results: [string, string, string][] = [];
try {
  const generation = await timeRuns(5, () =>
    syntheticBars('BENCH', { timeframe: '1m', start: Date.UTC(2015, 0, 1), count: MILLION }),
  );
  results.push([
    'synthetic: 1 M one-minute bars',
    `${median(generation).toFixed(0)} ms`,
    'well under 1 s',
  ]);

  const minutes = syntheticBars('BENCH', {
    timeframe: '1m',
    start: Date.UTC(2015, 0, 1),
    count: MILLION,
  });
  const csvPath = join(root, 'BENCH.csv');
  const csv = toCsv(minutes);
  await writeFile(csvPath, csv);
  const bytes = Buffer.from(csv);
  const parse = await timeRuns(5, () => parseCsv(bytes, { fileName: 'BENCH.csv' }));
  results.push([
    'parse 1 M CSV rows (in memory)',
    `${median(parse).toFixed(0)} ms = ${(MILLION / (median(parse) / 1000) / MILLION).toFixed(2)} M bars/s`,
    '',
  ]);
  const imports = await timeRuns(5, () =>
    importFile(cache, { path: csvPath, symbol: 'BENCH', timeframe: '1m' }),
  );
  const importMs = median(imports);
  results.push([
    'import 1 M bars from CSV (read, check, cache)',
    `${importMs.toFixed(0)} ms = ${(MILLION / (importMs / 1000) / MILLION).toFixed(2)} M bars/s`,
    '>= 1 M bars/s',
  ]);

  const key = { source: 'csv', symbol: 'BENCH', timeframe: '1m' as const };
  await cache.read(key);
  const reads = await timeRuns(15, () => cache.read(key));
  results.push(['read 1 M cached bars into Bars', `${median(reads).toFixed(1)} ms`, '< 100 ms']);

  const daily = syntheticBars('DAILY', {
    timeframe: '1d',
    start: Date.UTC(2015, 0, 1),
    count: 2000,
  });
  const dailyKey = { source: 'synthetic', symbol: 'DAILY', timeframe: '1d' as const };
  const range = { from: daily.time[0]!, to: daily.time[1999]! + 86_400_000 };
  await cache.write(dailyKey, daily, { coverage: range });
  const providers = createProviders();
  const load = () =>
    loadBars({ cache, providers, symbol: 'synthetic:DAILY', timeframe: '1d', ...range });
  for (let i = 0; i < 50; i++) await load();
  const hits = await timeRuns(500, load);
  const rawHits = await timeRuns(500, () => cache.read(dailyKey, range));
  const loaded = await load();
  if (!loaded.fromCache || loaded.bars.length !== 2000) {
    throw new Error('the cache-hit benchmark did not hit the cache');
  }
  results.push([
    'cache hit, 2,000-bar daily series (loadBars)',
    `${median(hits).toFixed(2)} ms median`,
    '< 2 ms',
  ]);
  results.push([
    '  of which the cache read (manifest + DuckDB)',
    `${median(rawHits).toFixed(2)} ms median`,
    '',
  ]);
} finally {
  await cache.close();
  await rm(root, { recursive: true, force: true });
}

const width = Math.max(...results.map((row) => row[0].length));
const valueWidth = Math.max(...results.map((row) => row[1].length));
console.log(`@hindsight/market-data (${process.version}, ${process.platform}/${process.arch})`);
for (const [what, value, target] of results) {
  console.log(
    `${what.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target && `target ${target}`}`,
  );
}
