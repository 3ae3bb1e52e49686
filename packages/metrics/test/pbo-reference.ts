import type { Overfitting, TrialBlocks } from '../src/across-runs/pbo.js';

/**
 * probabilityOfBacktestOverfitting as it was before the complement-paired, block-by-block
 * version (commit 24859ad), kept verbatim as the oracle: the fast one must return the same bits
 * (pbo.test.ts), and the bench times both. One split at a time, every trial's S blocks summed
 * per split.
 */
export function referencePbo(
  trials: readonly TrialBlocks[],
  rowsPerBlock: number,
): Overfitting | null {
  const n = trials.length;
  if (n < 2 || rowsPerBlock < 1) return null;
  const s = trials[0]!.sums.length;
  if (s < 2 || s % 2 !== 0 || s > 24) return null;
  const half = s / 2;
  const rows = half * rowsPerBlock;
  const inSample = new Float64Array(n);
  const outSample = new Float64Array(n);
  const logits: number[] = [];
  let overfit = 0;
  for (let mask = 0; mask < 1 << s; mask++) {
    if (popcount(mask) !== half) continue;
    let best = 0;
    for (let j = 0; j < n; j++) {
      const { sums, squares } = trials[j]!;
      let inSum = 0;
      let inSq = 0;
      let outSum = 0;
      let outSq = 0;
      for (let b = 0; b < s; b++) {
        if (mask & (1 << b)) {
          inSum += sums[b]!;
          inSq += squares[b]!;
        } else {
          outSum += sums[b]!;
          outSq += squares[b]!;
        }
      }
      inSample[j] = sharpe(inSum, inSq, rows);
      outSample[j] = sharpe(outSum, outSq, rows);
      if (inSample[j]! > inSample[best]!) best = j;
    }
    const target = outSample[best]!;
    let below = 0;
    let equal = 0;
    for (let j = 0; j < n; j++) {
      if (outSample[j]! < target) below++;
      else if (outSample[j] === target) equal++;
    }
    const omega = (below + (equal + 1) / 2) / (n + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
  }
  logits.sort((a, b) => a - b);
  const mid = logits.length / 2;
  const medianLogit =
    logits.length % 2 === 1 ? logits[Math.floor(mid)]! : (logits[mid - 1]! + logits[mid]!) / 2;
  return { pbo: overfit / logits.length, partitions: s, splits: logits.length, medianLogit };
}

function sharpe(sum: number, squares: number, count: number): number {
  const mean = sum / count;
  const variance = (squares - sum * mean) / (count - 1);
  return variance > 0 ? mean / Math.sqrt(variance) : 0;
}

function popcount(x: number): number {
  let count = 0;
  for (let v = x; v !== 0; v &= v - 1) count++;
  return count;
}
