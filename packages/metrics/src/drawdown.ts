/**
 * -dd[t] x100 for each bar, dd[t] = 1 - E[t] / max(E[0..t]): 0 at a new high, negative below
 * it, so its minimum equals Stats.maxDrawdownPct. Written into `out`.
 */
export function drawdownPct(
  equity: Float64Array,
  out: Float64Array = new Float64Array(equity.length),
): Float64Array {
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const pct = -(1 - e / peak) * 100;
    out[i] = pct === 0 ? 0 : pct;
  }
  return out;
}
