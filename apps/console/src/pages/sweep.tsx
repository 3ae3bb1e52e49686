import type { NumericStatKey } from '@hindsight/metrics';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  errorText,
  post,
  type SubmitAccepted,
  type SweepResultItem,
  type SweepResultsPage,
  type SweepView,
  type SweepViewPage,
  sweepPath,
  v1,
} from '../api.js';
import { EquityChart } from '../charts.js';
import { day, num, pct, when } from '../format.js';
import { Link, navigate } from '../router.js';
import { ScrollRegion } from '../scroll-region.js';
import { statLabel, statUnit, statValue } from '../stats.js';
import { StatsTableHead } from '../stats-table.js';
import { StatusBadge } from '../status.js';

/** The sweep WebSocket is not relied on: a running sweep is read again every second. */
const POLL_MS = 1000;
/** Results per page asked of GET /sweeps/:id/results (its maximum). */
const RESULTS_PAGE = 1000;
/**
 * While a sweep runs, its heatmap follows it live only up to this many combinations (five pages
 * a second at most); a larger sweep's results are read once, when it ends.
 */
const LIVE_RESULTS_MAX = 5 * RESULTS_PAGE;

type Cell = SweepResultItem;
type Value = SweepView['config']['grid'][string][number];

const isActive = (sweep: SweepView) => sweep.status === 'queued' || sweep.status === 'running';

function objectiveOf(sweep: SweepView): { key: NumericStatKey; direction: 'max' | 'min' } {
  const spec = sweep.config.objective;
  return typeof spec === 'string' ? { key: spec, direction: 'max' } : spec;
}

function statOf(stats: Cell['stats'], key: NumericStatKey): number | null {
  const value = stats ? (stats as Record<string, unknown>)[key] : null;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The grid's parameters as `fast 10, slow 20` (the fixed parameters are in the meta line). */
function gridParams(sweep: SweepView, params: Record<string, unknown>): string {
  return Object.keys(sweep.config.grid)
    .map((name) => `${name} ${String(params[name])}`)
    .join(', ');
}

/** Every combination, re-read whole: chunks finish out of index order on several workers. */
async function allResults(sweep: SweepView): Promise<Cell[]> {
  const cells: Cell[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(RESULTS_PAGE) });
    if (cursor) query.set('cursor', cursor);
    const page: SweepResultsPage = await api<SweepResultsPage>(`${sweep.links.results}?${query}`);
    cells.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return cells;
}

export function SweepPage(props: { id: string }) {
  const [sweep, setSweep] = useState<SweepView | null>(null);
  const [cells, setCells] = useState<Cell[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    api<SweepView>(sweepPath(props.id)).then(
      (view) => live && setSweep(view),
      (failure) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [props.id, tick]);

  // Results are read again only when the count of finished combinations moved, and while the
  // sweep runs only for a small one.
  const followLive = sweep !== null && sweep.combos.total <= LIVE_RESULTS_MAX;
  const done = followLive ? (sweep?.combos.done ?? -1) : -1;
  const status = sweep?.status;
  useEffect(() => {
    if (!sweep) return;
    let live = true;
    allResults(sweep).then(
      (items) => live && setCells(items),
      (failure) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [props.id, done, status]);

  const active = sweep ? isActive(sweep) : false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [active]);

  if (error && !sweep) {
    return (
      <section>
        <h1>Sweep</h1>
        <p role="alert" class="error">
          {error}
        </p>
      </section>
    );
  }
  if (!sweep) return <p>Loading…</p>;
  const { config, combos } = sweep;
  const objective = objectiveOf(sweep);
  const fixed = Object.entries(config.strategy.params ?? {})
    .filter(([name]) => !(name in config.grid))
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');

  const act = async (what: 'cancel' | 'promote' | 'delete') => {
    setNotice(null);
    try {
      if (what === 'cancel') {
        await post(sweep.links.cancel);
        setNotice('Cancelled.');
        setTick((n) => n + 1);
      } else if (what === 'promote') {
        const accepted = await post<SubmitAccepted>(sweep.links.promote);
        navigate(`/backtests/${encodeURIComponent(accepted.id)}`);
      } else if (confirm(`Delete the sweep “${sweep.name}” and its results?`)) {
        await api(sweepPath(sweep.id), { method: 'DELETE' });
        navigate('/');
      }
    } catch (failure) {
      setNotice(errorText(failure));
    }
  };

  return (
    <section>
      <div class="title-row">
        <h1>{sweep.name}</h1>
        <StatusBadge status={sweep.status} progress={sweep.progress} />
      </div>
      <p class="meta">
        Sweep of <strong>{config.strategy.name}</strong>
        {fixed && ` (fixed: ${fixed})`} on {config.symbols.join(', ')} · {config.timeframe} ·{' '}
        {day(config.start)} to {day(config.end)} · objective{' '}
        {objective.direction === 'max' ? 'maximise' : 'minimise'} {statLabel(objective.key)} ·
        created {when(sweep.createdAt)}
      </p>
      <div class="actions">
        {active && (
          <button type="button" onClick={() => act('cancel')}>
            Cancel
          </button>
        )}
        {sweep.status === 'completed' && sweep.best && (
          <button type="button" onClick={() => act('promote')}>
            Open the best as a backtest
          </button>
        )}
        <button type="button" class="danger" onClick={() => act('delete')}>
          Delete
        </button>
        <p aria-live="polite" class="hint">
          {notice}
        </p>
      </div>

      <section aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        <progress max={1} value={sweep.progress} aria-label="Progress of the sweep" />
        <p aria-live="polite" data-combos>
          {num(combos.done, 0)} of {num(combos.total, 0)} combinations done (
          {Math.round(sweep.progress * 100)} %) · {num(combos.skipped, 0)} skipped (refused by the
          strategy) · {num(combos.failed, 0)} failed
          {sweep.status === 'queued' && ' · waiting for a worker'}
        </p>
      </section>
      {sweep.status === 'failed' && (
        <p role="alert" class="error">
          Failed: {sweep.error?.message} ({sweep.error?.code})
        </p>
      )}
      {sweep.status === 'cancelled' && <p class="notice">This sweep was cancelled.</p>}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}

      {active && !followLive && (
        <p class="notice">
          {combos.total.toLocaleString()} combinations: the heatmap fills in when the sweep ends.
        </p>
      )}
      <Heatmap sweep={sweep} cells={cells} />
      {sweep.status === 'completed' && <Leaderboard sweep={sweep} />}
      {sweep.overfitting && <Overfitting overfitting={sweep.overfitting} />}
      {sweep.walkForward && <WalkForward sweep={sweep} report={sweep.walkForward} />}
    </section>
  );
}

/** Sequential blues (light = worse, dark = better), dark text on the light half. */
const LIGHT = [239, 243, 255];
const DARK = [8, 48, 107];
function shade(t: number): { background: string; color: string } {
  const rgb = LIGHT.map((from, i) => Math.round(from + (DARK[i]! - from) * t));
  return { background: `rgb(${rgb.join(', ')})`, color: t > 0.55 ? '#fff' : 'var(--fg)' };
}

const same = (a: unknown, b: unknown) => String(a) === String(b);

function sortValues(values: readonly Value[]): Value[] {
  return [...values].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
  );
}

function Heatmap(props: { sweep: SweepView; cells: Cell[] }) {
  const { sweep, cells } = props;
  const names = Object.keys(sweep.config.grid);
  const [xName, setX] = useState(names[0] ?? '');
  const [yName, setY] = useState(names[1] ?? '');
  const [focused, setFocused] = useState<Cell | null>(null);
  const objective = objectiveOf(sweep);
  const better = (a: number, b: number) => (objective.direction === 'max' ? a > b : a < b);

  // The best so far: the api's once completed, else the best of the cells read.
  const best = useMemo(() => {
    if (sweep.best) return sweep.best.params;
    let top: Cell | null = null;
    for (const cell of cells) {
      const value = statOf(cell.stats, objective.key);
      const topValue = top ? statOf(top.stats, objective.key) : null;
      if (value !== null && (topValue === null || better(value, topValue))) top = cell;
    }
    return top?.params ?? null;
  }, [sweep.best, cells]);

  const others = names.filter((name) => name !== xName && name !== yName);
  const fixedAt = (name: string) => best?.[name] ?? sweep.config.grid[name]![0];
  const xs = sortValues(sweep.config.grid[xName] ?? []);
  const ys = yName ? sortValues(sweep.config.grid[yName] ?? []) : [null];
  const slice = cells.filter((cell) =>
    others.every((name) => same(cell.params[name], fixedAt(name))),
  );
  const at = (x: Value, y: Value | null) =>
    slice.find(
      (cell) => same(cell.params[xName], x) && (y === null || same(cell.params[yName], y)),
    );
  const values = slice
    .map((cell) => statOf(cell.stats, objective.key))
    .filter((v): v is number => v !== null);
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 0;
  const scale = (value: number) => {
    const t = high === low ? 1 : (value - low) / (high - low);
    return objective.direction === 'max' ? t : 1 - t;
  };
  const unit = statUnit(objective.key);
  const isBest = (cell: Cell) =>
    !!best && names.every((name) => same(cell.params[name], best[name]));

  const describe = (x: Value, y: Value | null, cell: Cell | undefined) => {
    const where = `${xName} ${String(x)}${y === null ? '' : `, ${yName} ${String(y)}`}`;
    if (!cell) return `${where}: not run yet`;
    if (cell.status === 'skipped') return `${where}: skipped (${cell.error ?? 'refused'})`;
    if (cell.status === 'failed') return `${where}: failed (${cell.error ?? 'error'})`;
    const value = statValue(objective.key, statOf(cell.stats, objective.key));
    return `${where}: ${statLabel(objective.key)} ${value}${isBest(cell) ? ' (best)' : ''}`;
  };

  return (
    <section aria-labelledby="heatmap-title">
      <h2 id="heatmap-title">
        {statLabel(objective.key)} over {xName}
        {yName && ` and ${yName}`}
      </h2>
      {names.length > 1 && (
        <div class="filters axes">
          <div class="field">
            <label for="heatmap-x">Across (columns)</label>
            <select id="heatmap-x" value={xName} onChange={(e) => setX(e.currentTarget.value)}>
              {names.map((name) => (
                <option value={name} disabled={name === yName}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="heatmap-y">Down (rows)</label>
            <select id="heatmap-y" value={yName} onChange={(e) => setY(e.currentTarget.value)}>
              {names.map((name) => (
                <option value={name} disabled={name === xName}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      <p class="hint">
        {others.length > 0 &&
          `Other parameters fixed at the best's values: ${others.map((name) => `${name} ${String(fixedAt(name))}`).join(', ')}. `}
        Darker is better ({objective.direction === 'max' ? 'higher' : 'lower'}); the best is
        outlined and starred. Unit: {unit || 'as the statistic'}.
      </p>
      <div class="heat-legend" aria-hidden="true">
        <span>{statValue(objective.key, objective.direction === 'max' ? low : high)}</span>
        <span class="heat-ramp" />
        <span>{statValue(objective.key, objective.direction === 'max' ? high : low)}</span>
        <span class="heat-cell skipped">skipped</span>
        <span class="heat-cell failed">failed</span>
        <span class="heat-cell pending">not run yet</span>
      </div>
      <ScrollRegion label="Heatmap of the objective">
        <table class="heatmap">
          <thead>
            <tr>
              <th scope="col" class="corner">
                {xName} →{yName && <span class="sub">{yName} ↓</span>}
              </th>
              {xs.map((x) => (
                <th scope="col">{String(x)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ys.map((y) => (
              <tr>
                <th scope="row">{y === null ? '' : String(y)}</th>
                {xs.map((x) => {
                  const cell = at(x, y);
                  const value = cell ? statOf(cell.stats, objective.key) : null;
                  const label = describe(x, y, cell);
                  const kind = !cell
                    ? 'pending'
                    : cell.status === 'completed'
                      ? value === null
                        ? 'undefined'
                        : 'done'
                      : cell.status;
                  return (
                    <td>
                      <button
                        type="button"
                        class={`heat-cell ${kind}${cell && isBest(cell) ? ' best' : ''}`}
                        style={kind === 'done' && value !== null ? shade(scale(value)) : undefined}
                        title={label}
                        aria-label={label}
                        data-cell={kind}
                        onClick={() => setFocused(cell ?? null)}
                        onFocus={() => setFocused(cell ?? null)}
                      >
                        {kind === 'done'
                          ? `${num(value, 2)}${cell && isBest(cell) ? ' ★' : ''}`
                          : kind === 'pending'
                            ? '…'
                            : kind === 'undefined'
                              ? '—'
                              : kind === 'skipped'
                                ? 'skip'
                                : '✕'}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p class="hint" aria-live="polite">
        {focused?.stats
          ? `${gridParams(sweep, focused.params)}: Sharpe ${num(statOf(focused.stats, 'sharpeRatio'), 3)}, return ${pct(statOf(focused.stats, 'returnPct'))}, max. drawdown ${pct(statOf(focused.stats, 'maxDrawdownPct'))}, ${num(statOf(focused.stats, 'trades'), 0)} trades`
          : 'Focus or click a cell for its Sharpe, return, drawdown and trades.'}
      </p>
    </section>
  );
}

function Leaderboard(props: { sweep: SweepView }) {
  const { sweep } = props;
  const objective = objectiveOf(sweep);
  // Ranked by Sharpe already: one column for both.
  const sharpeIsObjective = objective.key === 'sharpeRatio';
  if (sweep.leaderboard.length === 0) {
    return <p class="notice">No combination has a defined {statLabel(objective.key)} to rank.</p>;
  }
  return (
    <section aria-labelledby="leaderboard-title">
      <h2 id="leaderboard-title">Leaderboard</h2>
      <p class="hint">
        The top {sweep.leaderboard.length} by {statLabel(objective.key)}. Deflated Sharpe and PSR
        are probabilities (0 to 1) on per-bar returns: PSR that the true Sharpe exceeds 0, deflated
        Sharpe that it exceeds what the best of this many trials reaches by luck.
      </p>
      <ScrollRegion label="Leaderboard table">
        <table class="data">
          <thead>
            <tr>
              <th scope="col" class="num">
                Rank
              </th>
              <th scope="col">Parameters</th>
              <th scope="col" class="num">
                {statLabel(objective.key)}
                <span class="sub">objective · {statUnit(objective.key)}</span>
              </th>
              {!sharpeIsObjective && (
                <th scope="col" class="num">
                  Sharpe
                </th>
              )}
              <th scope="col" class="num">
                Return
              </th>
              <th scope="col" class="num">
                Max. drawdown
              </th>
              <th scope="col" class="num">
                Trades
              </th>
              <th scope="col" class="num">
                Deflated Sharpe
              </th>
              <th scope="col" class="num">
                PSR
              </th>
            </tr>
          </thead>
          <tbody>
            {sweep.leaderboard.map((entry) => (
              <tr>
                <td class="num">{entry.rank}</td>
                <td>{gridParams(sweep, entry.params)}</td>
                <td class="num">{statValue(objective.key, statOf(entry.stats, objective.key))}</td>
                {!sharpeIsObjective && <td class="num">{num(entry.stats.sharpeRatio, 3)}</td>}
                <td class="num">{pct(entry.stats.returnPct)}</td>
                <td class="num">{pct(entry.stats.maxDrawdownPct)}</td>
                <td class="num" data-col="trades">
                  {num(entry.stats.trades, 0)}
                </td>
                <td class="num">{num(entry.deflatedSharpeRatio, 3)}</td>
                <td class="num">{num(entry.probabilisticSharpeRatio, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}

function Overfitting(props: { overfitting: NonNullable<SweepView['overfitting']> }) {
  const o = props.overfitting;
  const rows: [string, string, string][] = [
    ['Trials', num(o.trials, 0), 'count (completed, with a Sharpe)'],
    ['Probability of backtest overfitting (PBO)', num(o.pbo, 3), 'probability (0 to 1)'],
    ['Median logit', num(o.medianLogit, 3), 'plain number (λ; above 0 is good)'],
    ['Expected max. Sharpe by luck', num(o.expectedMaxSharpe, 4), 'per-bar Sharpe'],
    ['Variance of the Sharpes', num(o.sharpeVariance, 6), 'per-bar Sharpe squared'],
    ['CSCV blocks', num(o.partitions, 0), 'count'],
    ['CSCV splits', num(o.splits, 0), 'count'],
  ];
  return (
    <section aria-labelledby="overfitting-title">
      <h2 id="overfitting-title">Overfitting</h2>
      <table class="data stats">
        <StatsTableHead />
        <tbody>
          {rows.map(([label, value, unit]) => (
            <tr>
              <th scope="row">{label}</th>
              <td class="num">{value}</td>
              <td class="unit">{unit}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        CSCV over the sweep's own returns (docs/statistics.md, “Statistics across the trials of a
        sweep”).
      </p>
    </section>
  );
}

/** What a walk-forward efficiency says (docs/statistics.md, "Walk-forward"), as a tooltip. */
const EFFICIENCY_HINT =
  'Out-of-sample CAGR over the in-sample CAGR of the parameters chosen: near 1 kept pace with what the optimiser saw, well below 1 or negative did not carry forward; — when a CAGR is undefined or the in-sample one is not above 0.';
/** The stitched out-of-sample statistics shown, in the statistics table's names and units. */
const STITCHED_STATS = ['returnPct', 'cagrPct', 'maxDrawdownPct', 'trades', 'sharpeRatio'] as const;

type WalkForwardReport = NonNullable<SweepView['walkForward']>;

/** A window's first and last bar times, with its bar numbers as a tooltip. */
function Window(props: { window: WalkForwardReport['folds'][number]['inSample'] }) {
  const w = props.window;
  return (
    <span title={`bars ${num(w.firstBar, 0)} to ${num(w.lastBar, 0)}`}>
      {day(w.start)} to {day(w.end)}
    </span>
  );
}

function WalkForward(props: { sweep: SweepView; report: WalkForwardReport }) {
  const { sweep, report } = props;
  const objective = objectiveOf(sweep);
  return (
    <section aria-labelledby="walk-forward-title">
      <h2 id="walk-forward-title">Walk-forward</h2>
      <p class="meta" data-walk-forward>
        {report.mode === 'rolling' ? 'Rolling' : 'Anchored'} · {report.folds.length} folds ·
        in-sample fraction {num(report.inSampleFraction, 2)} · {num(report.inSampleBars, 0)}{' '}
        in-sample bars{report.mode === 'anchored' && ' in the first fold'},{' '}
        {num(report.outOfSampleBars, 0)} out-of-sample bars per fold
      </p>
      <p class="hint">
        Each fold picks the combination with the best {statLabel(objective.key)} on its in-sample
        window, then runs it on the out-of-sample window after it (docs/statistics.md,
        “Walk-forward”).
      </p>
      <ScrollRegion label="Walk-forward folds table">
        <table class="data">
          <thead>
            <tr>
              <th scope="col" class="num">
                Fold
              </th>
              <th scope="col">In-sample</th>
              <th scope="col">Out-of-sample</th>
              <th scope="col">Chosen parameters</th>
              <th scope="col" class="num">
                {statLabel(objective.key)}
                <span class="sub">in-sample · {statUnit(objective.key)}</span>
              </th>
              <th scope="col" class="num">
                Return
                <span class="sub">out-of-sample</span>
              </th>
              <th scope="col" class="num">
                Sharpe
                <span class="sub">out-of-sample</span>
              </th>
              <th scope="col" class="num" title={EFFICIENCY_HINT}>
                Efficiency
                <span class="sub">CAGR out / in</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {report.folds.map((fold) => (
              <tr data-fold={fold.fold}>
                <td class="num">{fold.fold}</td>
                <td>
                  <Window window={fold.inSample} />
                </td>
                <td>
                  <Window window={fold.outOfSample} />
                </td>
                <td data-col="params" title={`${num(fold.candidates, 0)} candidates ranked`}>
                  {gridParams(sweep, fold.params)}
                </td>
                <td class="num" data-col="objective">
                  {statValue(objective.key, fold.inSampleObjective)}
                </td>
                <td class="num" data-col="returnPct">
                  {statValue('returnPct', fold.outOfSampleStats.returnPct)}
                </td>
                <td class="num" data-col="sharpeRatio">
                  {statValue('sharpeRatio', fold.outOfSampleStats.sharpeRatio)}
                </td>
                <td class="num" data-col="efficiency" title={EFFICIENCY_HINT}>
                  {num(fold.efficiency, 3)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <h3>Stitched out-of-sample</h3>
      <table class="data stats">
        <StatsTableHead />
        <tbody>
          {STITCHED_STATS.map((key) => (
            <tr>
              <th scope="row">{statLabel(key)}</th>
              <td class="num" data-stat={key}>
                {statValue(key, report.stats[key])}
              </td>
              <td class="unit">{statUnit(key)}</td>
            </tr>
          ))}
          <tr title={EFFICIENCY_HINT}>
            <th scope="row">Walk-forward efficiency</th>
            <td class="num" data-stat="efficiency">
              {num(report.efficiency, 3)}
            </td>
            <td class="unit">stitched CAGR / mean in-sample CAGR</td>
          </tr>
        </tbody>
      </table>
      <p class="hint">
        The out-of-sample windows run one after another
        {report.equity.downsampled
          ? ` (${num(report.equity.equity.length, 0)} of ${num(report.equity.points, 0)} points, thinned by the api, every extreme kept)`
          : ` (${num(report.equity.points, 0)} points)`}
        . Scroll to zoom, drag to pan.
      </p>
      <EquityChart time={report.equity.time} equity={report.equity.equity} />
    </section>
  );
}

/** The list page's section of sweeps, newest first. */
export function SweepsSection() {
  const [items, setItems] = useState<SweepView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<SweepViewPage>(v1('/sweeps?limit=20')).then(
      (page) => setItems(page.items),
      (failure) => setError(errorText(failure)),
    );
  }, []);
  return (
    <section aria-labelledby="sweeps-title">
      <h2 id="sweeps-title">Sweeps</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {items === null && !error && <p>Loading…</p>}
      {items !== null && items.length === 0 && (
        <p class="hint">
          No sweeps yet. Submit one with <code>POST /api/v1/sweeps</code> (see the{' '}
          <a href="/docs">API docs</a>).
        </p>
      )}
      {items !== null && items.length > 0 && (
        <ScrollRegion label="Sweeps table">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Strategy</th>
                <th scope="col">Grid</th>
                <th scope="col" class="num">
                  Combinations
                </th>
                <th scope="col">Best</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((sweep) => {
                const objective = objectiveOf(sweep);
                return (
                  <tr key={sweep.id}>
                    <td>
                      <Link href={`/sweeps/${encodeURIComponent(sweep.id)}`}>{sweep.name}</Link>
                    </td>
                    <td>
                      <StatusBadge status={sweep.status} progress={sweep.progress} />
                    </td>
                    <td>{sweep.config.strategy.name}</td>
                    <td>{Object.keys(sweep.config.grid).join(' × ')}</td>
                    <td class="num">
                      {num(sweep.combos.done, 0)} / {num(sweep.combos.total, 0)}
                    </td>
                    <td>
                      {sweep.best
                        ? `${gridParams(sweep, sweep.best.params)}: ${statLabel(objective.key)} ${statValue(objective.key, statOf(sweep.best.stats, objective.key))}`
                        : '—'}
                    </td>
                    <td>{when(sweep.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
