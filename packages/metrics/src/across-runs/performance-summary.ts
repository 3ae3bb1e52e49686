/**
 * Statistics over a user's many backtests (GET /analytics/performance-stats). The types are plain
 * so that this package stays free of the API's schemas; `PerformanceStats` in @hindsight/models
 * is the response schema these values are checked against.
 */

type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** What the summary needs of each backtest (Store#listSummaries). */
export interface RunSummary {
  readonly id: string;
  readonly status: RunStatus;
  /** ISO 8601 UTC; its first seven characters are the month. */
  readonly createdAt: string;
  /** Total return in percent; null unless completed with a defined return. */
  readonly returnPct: number | null;
}

interface HistogramBin {
  fromPct: number;
  toPct: number;
  count: number;
}

export interface PerformanceSummary {
  totals: Record<RunStatus | 'all', number>;
  /** completed / (completed + failed); null before any finished. */
  successRate: number | null;
  returns: {
    averagePct: number | null;
    bestPct: number | null;
    worstPct: number | null;
    bestId: string | null;
    worstId: string | null;
  };
  histogram: HistogramBin[];
  monthly: {
    month: string;
    total: number;
    completed: number;
    failed: number;
    averageReturnPct: number | null;
  }[];
}

const TARGET_BINS = 10;

/** The smallest 1, 2 or 5 x 10^k that covers `span` in at most TARGET_BINS bins. */
function niceWidth(span: number): number {
  if (span <= 0) return 1;
  const raw = span / TARGET_BINS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= raw) return step * magnitude;
  }
  return 10 * magnitude;
}

/** Bin edges without binary noise: 0.30000000000000004 -> 0.3. */
function edge(value: number): number {
  return Number(value.toPrecision(12));
}

function histogram(returns: readonly number[]): HistogramBin[] {
  if (returns.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of returns) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  const width = niceWidth(max - min);
  const lo = Math.floor(min / width) * width;
  const count = Math.max(1, Math.floor((max - lo) / width) + 1);
  const bins = Array.from({ length: count }, (_, i) => ({
    fromPct: edge(lo + i * width),
    toPct: edge(lo + (i + 1) * width),
    count: 0,
  }));
  for (const r of returns) {
    // The nudge keeps a return that sits on an edge (0.3 = 3 x 0.1) out of the bin below it.
    const index = Math.min(count - 1, Math.floor((r - lo) / width + 1e-9));
    bins[index]!.count += 1;
  }
  return bins;
}

/** GET /analytics/performance-stats, from Store#listSummaries of one owner. */
export function computePerformanceStats(rows: readonly RunSummary[]): PerformanceSummary {
  const totals = { all: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  const returns: number[] = [];
  let best: { pct: number; id: string } | null = null;
  let worst: { pct: number; id: string } | null = null;
  const months = new Map<
    string,
    { total: number; completed: number; failed: number; sum: number; n: number }
  >();
  for (const row of rows) {
    totals.all += 1;
    totals[row.status] += 1;
    const month = row.createdAt.slice(0, 7);
    const bucket = months.get(month) ?? { total: 0, completed: 0, failed: 0, sum: 0, n: 0 };
    bucket.total += 1;
    if (row.status === 'completed') bucket.completed += 1;
    if (row.status === 'failed') bucket.failed += 1;
    const r = row.status === 'completed' ? row.returnPct : null;
    if (r !== null && Number.isFinite(r)) {
      returns.push(r);
      bucket.sum += r;
      bucket.n += 1;
      if (best === null || r > best.pct) best = { pct: r, id: row.id };
      if (worst === null || r < worst.pct) worst = { pct: r, id: row.id };
    }
    months.set(month, bucket);
  }
  const finished = totals.completed + totals.failed;
  const sum = returns.reduce((a, b) => a + b, 0);
  return {
    totals,
    successRate: finished === 0 ? null : totals.completed / finished,
    returns: {
      averagePct: returns.length === 0 ? null : sum / returns.length,
      bestPct: best?.pct ?? null,
      worstPct: worst?.pct ?? null,
      bestId: best?.id ?? null,
      worstId: worst?.id ?? null,
    },
    histogram: histogram(returns),
    monthly: [...months.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([month, m]) => ({
        month,
        total: m.total,
        completed: m.completed,
        failed: m.failed,
        averageReturnPct: m.n === 0 ? null : m.sum / m.n,
      })),
  };
}
