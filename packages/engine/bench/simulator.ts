/**
 * Simulator throughput: `simulate` against a hand-written Float64Array loop doing the same work
 * (sma(10)/sma(30) crossover, long only, next-open fills, 0.1% commission, whole units, trades
 * recorded) on a seeded random walk of 10k, 100k and 1M bars. Signals are computed once, outside
 * the timing. Run: npx tsx --conditions=source packages/engine/bench/simulator.ts
 */
import type { Bars } from '../src/bars.js';
import { sma } from '../src/indicators/sma.js';
import { crossover, emptySignals, firstDefined, type Signals } from '../src/signals.js';
import { type SimulationConfig, simulate } from '../src/simulator/index.js';
import { simulationConfig } from '../src/simulator/types.js';
import { bestOfAlternating, randomWalk } from './walk.js';

const CASH = 100_000;
const COMMISSION = 0.001;

const config: SimulationConfig = simulationConfig({ cash: CASH, commission: COMMISSION });

function smaCrossSignals(bars: Bars): Signals {
  const fast = sma(bars.close, 10);
  const slow = sma(bars.close, 30);
  const signals = emptySignals(bars.length, Math.max(firstDefined(fast), firstDefined(slow)));
  for (let i = 0; i < bars.length; i++) {
    if (crossover(fast, slow, i)) signals.enterLong[i] = 1;
    if (crossover(slow, fast, i)) signals.exitLong[i] = 1;
  }
  return signals;
}

interface HandTrade {
  size: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
}

/** The same rules written inline for one long-only symbol: the speed to aim at. */
function handLoop(bars: Bars, signals: Signals): { equity: Float64Array; trades: HandTrade[] } {
  const n = bars.length;
  const { open, close } = bars;
  const { enterLong, exitLong } = signals;
  const equity = new Float64Array(n);
  const cashOut = new Float64Array(n);
  const trades: HandTrade[] = [];
  const start = signals.warmup + 1;
  equity.fill(CASH, 0, start);
  cashOut.fill(CASH, 0, start);
  let cash = CASH;
  let size = 0;
  let entry = 0;
  let entryBar = 0;
  let entryFee = 0;
  let pendingExit = false;
  let pendingEntry = false;
  for (let i = start; i < n; i++) {
    if (pendingExit) {
      const price = open[i]!;
      const fee = size * price * COMMISSION;
      cash += size * (price - entry) - fee;
      const commission = fee + entryFee;
      trades.push({
        size,
        entryBar,
        exitBar: i,
        entryPrice: entry,
        exitPrice: price,
        pnl: size * (price - entry) - commission,
      });
      size = 0;
      entry = 0;
      pendingExit = false;
    }
    if (pendingEntry) {
      const price = open[i]!;
      const units = Math.floor(cash / (price * (1 + COMMISSION)));
      if (units > 0) {
        size = units;
        entry = price;
        entryBar = i;
        entryFee = units * price * COMMISSION;
        cash -= entryFee;
      }
      pendingEntry = false;
    }
    const value = cash + size * (close[i]! - entry);
    equity[i] = value;
    cashOut[i] = cash;
    if (size === 0) pendingEntry = enterLong[i] !== 0;
    else pendingExit = exitLong[i] !== 0;
  }
  return { equity, trades };
}

function format(barsPerSecond: number): string {
  return `${(barsPerSecond / 1e6).toFixed(1).padStart(7)}M bars/s`;
}

for (const length of [10_000, 100_000, 1_000_000]) {
  const bars = randomWalk(length, 42);
  const signals = smaCrossSignals(bars);
  const inputs = [{ symbol: 'WALK', bars, signals, weight: 1 }];
  const reference = handLoop(bars, signals);
  const result = simulate(inputs, config);
  const same =
    result.trades.length === reference.trades.length &&
    result.equity.every((value, i) => value === reference.equity[i]);
  if (!same) throw new Error(`simulate and the hand loop disagree at ${length} bars`);
  const repeats = Math.max(5, Math.round(2e7 / length));
  for (let r = 0; r < 3; r++) {
    simulate(inputs, config);
    handLoop(bars, signals);
  }
  const [simulated = 0, hand = 0] = bestOfAlternating(repeats, [
    () => simulate(inputs, config),
    () => handLoop(bars, signals),
  ]);
  console.log(
    `${String(length).padStart(9)} bars, ${String(result.trades.length).padStart(6)} trades: ` +
      `simulate ${format(length / simulated)}  hand loop ${format(length / hand)}  ` +
      `ratio ${(simulated / hand).toFixed(2)}x`,
  );
}
