/**
 * The rule language against the built-in strategies it can express: signals only (compiling the
 * expressions included, as every run does), the built-in sma_crossover (hand-fused averages) and
 * rsi_mean_reversion against the same strategies written as rules, on a seeded random walk of
 * 10k, 100k and 1M bars. Target: rules within 2x of the built-in.
 * Run: npx tsx --conditions=source packages/engine/bench/rules.ts
 */
import { getStrategy, resolveParams } from '../src/strategies/registry.js';
import { bestOfAlternating, randomWalk } from './walk.js';

const PAIRS = [
  {
    label: 'sma crossover 10/30',
    builtIn: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    rules: {
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: 10,
      slow: 30,
    },
  },
  {
    label: 'rsi 14 30/70',
    builtIn: { name: 'rsi_mean_reversion', params: { period: 14, lower: 30, upper: 70 } },
    rules: { entry: 'rsi(close, 14) < 30', exit: 'rsi(close, 14) > 70' },
  },
];

function format(barsPerSecond: number): string {
  return `${(barsPerSecond / 1e6).toFixed(1).padStart(6)}M bars/s`;
}

console.log('signals only, best of alternating runs (rules: parse, check, compile and run)');
for (const length of [10_000, 100_000, 1_000_000]) {
  const bars = randomWalk(length, 42);
  for (const { label, builtIn, rules } of PAIRS) {
    const builtInRun = () =>
      getStrategy(builtIn.name).signals(bars, resolveParams(builtIn.name, builtIn.params));
    const rulesRun = () => getStrategy('rules').signals(bars, resolveParams('rules', rules));
    const a = builtInRun();
    const b = rulesRun();
    for (const column of ['enterLong', 'exitLong'] as const) {
      if (!a[column].every((flag, i) => flag === b[column][i])) {
        throw new Error(`${label}: rules and the built-in disagree on ${column} at ${length} bars`);
      }
    }
    const repeats = Math.max(5, Math.round(2e7 / length));
    const [builtInTime = 0, rulesTime = 0] = bestOfAlternating(repeats, [builtInRun, rulesRun]);
    console.log(
      `${String(length).padStart(9)} bars ${label.padEnd(20)} built-in ${format(length / builtInTime)}  ` +
        `rules ${format(length / rulesTime)}  ratio ${(rulesTime / builtInTime).toFixed(2)}x`,
    );
  }
}
