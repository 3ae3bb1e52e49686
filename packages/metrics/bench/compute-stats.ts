/**
 * Times computeStats on 1,000,000 bars (run: npx tsx --conditions=source
 * packages/metrics/bench/compute-stats.ts). Two shapes: minute bars (the daily series is ~700
 * points) and daily bars (the daily series is as long as the bars: the worst case). CPU time is
 * reported beside wall time because a shared machine's wall time mostly measures the neighbours.
 */
import type { Trade } from '@hindsight/engine';
import { computeStats } from '../src/index.js';

const BARS = 1_000_000;
const RUNS = 30;

function series(stepMs: number): { time: Float64Array; equity: Float64Array; close: Float64Array } {
  const time = new Float64Array(BARS);
  const equity = new Float64Array(BARS);
  const close = new Float64Array(BARS);
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648 - 0.5;
  };
  let e = 100_000;
  let c = 100;
  for (let i = 0; i < BARS; i++) {
    time[i] = Date.UTC(2000, 0, 3) + i * stepMs;
    if (i % 5 !== 0) e *= 1 + rand() * 0.002;
    c *= 1 + rand() * 0.002;
    equity[i] = e;
    close[i] = c;
  }
  return { time, equity, close };
}

function trades(time: Float64Array, count: number): Trade[] {
  return Array.from({ length: count }, (_, k) => {
    const entryBar = Math.floor((k * BARS) / count);
    const exitBar = entryBar + 50;
    return {
      symbol: 'X',
      size: k % 3 === 0 ? -10 : 10,
      entryBar,
      exitBar,
      entryTime: time[entryBar]!,
      exitTime: time[exitBar]!,
      entryPrice: 100,
      exitPrice: 100 + (k % 7) - 3,
      pnl: ((k % 7) - 3) * 10,
      commission: 2,
      returnPct: (k % 7) - 3,
      exitReason: 'signal',
    };
  });
}

for (const [label, step] of [
  ['1-minute bars', 60_000],
  ['daily bars', 86_400_000],
] as const) {
  const { time, equity, close } = series(step);
  const input = {
    time,
    equity,
    close,
    trades: trades(time, 2_000),
    openTrades: [],
    warmup: 0,
    conventions: 'backtesting.py' as const,
  };
  for (let i = 0; i < 5; i++) computeStats(input);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const usage = process.cpuUsage();
    const t0 = performance.now();
    computeStats(input);
    wall.push(performance.now() - t0);
    const spent = process.cpuUsage(usage);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!.toFixed(1);
  console.log(`${label}: median ${median(wall)} ms wall, ${median(cpu)} ms CPU (${RUNS} runs)`);
}
