/**
 * One cold computeStats call on 1,000,000 minute bars in a fresh process, as a worker makes once
 * per backtest (run: npx tsx --conditions=source packages/metrics/bench/cold.ts).
 */
import { computeStats } from '../src/index.js';

const BARS = 1_000_000;
const time = new Float64Array(BARS);
const equity = new Float64Array(BARS);
const close = new Float64Array(BARS);
let e = 100_000;
let c = 100;
for (let i = 0; i < BARS; i++) {
  time[i] = Date.UTC(2020, 0, 6) + i * 60_000;
  if (i % 5 !== 0) e *= 1 + (Math.sin(i * 12.9898) % 1) * 0.001;
  c *= 1 + (Math.cos(i * 78.233) % 1) * 0.001;
  equity[i] = e;
  close[i] = c;
}
const usage = process.cpuUsage();
const t0 = performance.now();
const stats = computeStats({
  time,
  equity,
  close,
  trades: [],
  openTrades: [],
  warmup: 0,
  conventions: 'backtesting.py',
});
const wall = performance.now() - t0;
const spent = process.cpuUsage(usage);
console.log(
  `cold call, 1M minute bars: ${wall.toFixed(1)} ms wall, ${((spent.user + spent.system) / 1000).toFixed(1)} ms CPU ` +
    `(sharpe ${stats.sharpeRatio?.toFixed(3)})`,
);
