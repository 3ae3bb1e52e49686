/**
 * Times probabilityOfBacktestOverfitting (CSCV, S = 16: 12,870 splits) on 1,000, 5,000 and
 * 10,000 trials, against the split-by-split original it replaced (test/pbo-reference.ts), and
 * checks that both return the same numbers (pbo.test.ts checks the bits). Trials are random walks of 2,000 bars cut by
 * summarizeTrial, as a sweep's are. CPU time is reported beside wall time because a shared
 * machine's wall time mostly measures the neighbours.
 *
 * Run: pnpm bench (or npx tsx --conditions=source packages/metrics/bench/pbo.ts)
 */
import {
  type Overfitting,
  probabilityOfBacktestOverfitting,
  summarizeTrial,
} from '../src/index.js';
import { referencePbo } from '../test/pbo-reference.js';

const BARS = 2_000;
const PARTITIONS = 16;
const RUNS = 3;

let seed = 7;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648 - 0.5;
};

function trials(count: number) {
  return Array.from({ length: count }, () => {
    const equity = new Float64Array(BARS);
    const drift = rand() * 0.0004;
    equity[0] = 100_000;
    for (let t = 1; t < BARS; t++) equity[t] = equity[t - 1]! * (1 + drift + rand() * 0.02);
    return summarizeTrial(equity, PARTITIONS);
  });
}

function time<T>(run: () => T): { result: T; wall: number; cpu: number } {
  const usage = process.cpuUsage();
  const t0 = performance.now();
  const result = run();
  const wall = performance.now() - t0;
  const spent = process.cpuUsage(usage);
  return { result, wall, cpu: (spent.user + spent.system) / 1000 };
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;

for (const count of [1_000, 5_000, 10_000]) {
  const cut = trials(count);
  const rows = cut[0]!.rowsPerBlock;
  const before: ReturnType<typeof time<Overfitting | null>>[] = [];
  const after: ReturnType<typeof time<Overfitting | null>>[] = [];
  // Turn about, so a neighbour's burst on a shared machine falls on both alike.
  for (let run = 0; run < RUNS; run++) {
    before.push(time(() => referencePbo(cut, rows)));
    after.push(time(() => probabilityOfBacktestOverfitting(cut, rows)));
  }
  const same = after.every((a) => JSON.stringify(a.result) === JSON.stringify(before[0]!.result));
  const figures = (xs: typeof before) =>
    `${median(xs.map((x) => x.wall)).toFixed(0)} ms wall, ${median(xs.map((x) => x.cpu)).toFixed(0)} ms CPU`;
  const speedup = median(before.map((x) => x.cpu)) / median(after.map((x) => x.cpu));
  console.log(
    `PBO (CSCV, S = ${PARTITIONS}), ${count} trials: split by split ${figures(before)}; ` +
      `paired ${figures(after)} (medians of ${RUNS}); ${speedup.toFixed(1)}x less CPU; ` +
      `${same ? 'same result' : 'DIFFERENT RESULT'}`,
  );
  if (!same) process.exitCode = 1;
}
