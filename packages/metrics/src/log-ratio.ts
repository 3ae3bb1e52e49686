const SMALL = 2 ** -10;

/**
 * log(x) for a ratio of consecutive prices. Intraday bars rarely move 0.1 %, and there
 * log(1 + d) = d - d²/2 + ... + d⁷/7 (d = x - 1, exact) is within a few ulps of Math.log - the
 * next term is below 1e-21 relative - at half the cost; larger moves use Math.log.
 */
export function logRatio(x: number): number {
  const d = x - 1;
  if (d > -SMALL && d < SMALL) {
    return d * (1 + d * (-1 / 2 + d * (1 / 3 + d * (-1 / 4 + d * (1 / 5 + d * (-1 / 6 + d / 7))))));
  }
  return Math.log(x);
}
