import type { ExecutionLogLine } from '@hindsight/models';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  type BacktestView,
  backtestPath,
  type EquityBody,
  errorText,
  post,
  type ResultBody,
  type SubmitAccepted,
  type TradesBody,
  v1,
} from '../api.js';
import { type Bars, EquityChart, LiveEquityChart, PriceChart } from '../charts.js';
import { day, num, pct, when } from '../format.js';
import { navigate } from '../router.js';
import { ScrollRegion } from '../scroll-region.js';
import { STAT_GROUPS, statUnit, statValue } from '../stats.js';
import { StatsTableHead } from '../stats-table.js';
import { StatusBadge } from '../status.js';
import { watchBacktest } from '../watch.js';

interface Live {
  progress: number;
  step: string | null;
  message: string | null;
  barsProcessed: number | null;
}

/** Equity points the equity chart asks the api for: answered from the worker's preview. */
const EQUITY_POINTS = 2000;

export function BacktestPage(props: { id: string; apiKey: string }) {
  const [record, setRecord] = useState<BacktestView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<Live | null>(null);
  const [running, setRunning] = useState<{ bar: number; equity: number }[]>([]);
  const [logs, setLogs] = useState<Map<number, ExecutionLogLine>>(new Map());
  const [notice, setNotice] = useState<string | null>(null);

  const load = () =>
    api<BacktestView>(backtestPath(props.id)).then(setRecord, (failure) =>
      setError(errorText(failure)),
    );
  const addLogs = (lines: ExecutionLogLine[]) =>
    setLogs((current) => {
      const next = new Map(current);
      for (const line of lines) next.set(line.seq, line);
      return next;
    });

  useEffect(() => {
    load();
    api<{ items: ExecutionLogLine[] }>(backtestPath(props.id, '/logs?limit=1000')).then(
      (page) => addLogs(page.items),
      () => {},
    );
  }, [props.id]);

  const active = record?.status === 'queued' || record?.status === 'running';
  useEffect(() => {
    if (!active) return;
    return watchBacktest(props.id, props.apiKey, {
      onSnapshot: (snapshot) => setRecord((view) => (view ? { ...view, ...snapshot } : view)),
      onEvent: (event) => {
        switch (event.type) {
          case 'progress': {
            const { progress, step, message, barsProcessed, equity } = event.data;
            setLive({ progress, step, message, barsProcessed });
            setRecord((view) => (view ? { ...view, status: 'running', progress, step } : view));
            if (barsProcessed !== null && equity !== null) {
              setRunning((points) =>
                points.length && points[points.length - 1]!.bar >= barsProcessed
                  ? points
                  : [...points, { bar: barsProcessed, equity }],
              );
            }
            break;
          }
          case 'status':
            setRecord((view) => (view ? { ...view, status: event.data.status } : view));
            break;
          case 'log':
            addLogs([event.data]);
            break;
          default:
            // completed, failed or cancelled: the record now holds the outcome.
            load();
        }
      },
      onRefused: (_code, reason) => setError(reason),
    });
  }, [active, props.id]);

  if (error) {
    return (
      <section>
        <h1>Backtest</h1>
        <p role="alert" class="error">
          {error}
        </p>
      </section>
    );
  }
  if (!record) return <p>Loading…</p>;
  const { config } = record;
  const params = Object.entries(config.strategy.params ?? {})
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');

  const act = async (what: 'cancel' | 'rerun' | 'delete') => {
    setNotice(null);
    try {
      if (what === 'cancel') {
        await post(backtestPath(record.id, '/cancel'));
        setNotice('Cancel requested.');
        load();
      } else if (what === 'rerun') {
        const accepted = await post<SubmitAccepted>(backtestPath(record.id, '/rerun'));
        navigate(`/backtests/${encodeURIComponent(accepted.id)}`);
      } else if (confirm(`Delete “${record.name}” with its logs and result files?`)) {
        await api(backtestPath(record.id), { method: 'DELETE' });
        navigate('/');
      }
    } catch (failure) {
      setNotice(errorText(failure));
    }
  };

  return (
    <section>
      <div class="title-row">
        <h1>{record.name}</h1>
        <StatusBadge status={record.status} progress={record.progress} />
      </div>
      <p class="meta">
        <strong>{config.strategy.name}</strong>
        {params && ` (${params})`} on {config.symbols.join(', ')} · {config.timeframe} ·{' '}
        {day(config.start)} to {day(config.end)} · conventions {config.conventions} · created{' '}
        {when(record.createdAt)}
      </p>
      <div class="actions">
        {active && (
          <button type="button" onClick={() => act('cancel')}>
            Cancel
          </button>
        )}
        <button type="button" onClick={() => act('rerun')}>
          Rerun
        </button>
        <button type="button" class="danger" onClick={() => act('delete')}>
          Delete
        </button>
        <p aria-live="polite" class="hint">
          {notice}
        </p>
      </div>

      {active && (
        <section aria-labelledby="progress-title">
          <h2 id="progress-title">Progress</h2>
          <progress
            max={1}
            value={live?.progress ?? record.progress}
            aria-label="Progress of the backtest"
          />
          <p aria-live="polite">
            {record.status === 'queued'
              ? 'Waiting for a worker'
              : `Step: ${live?.step ?? record.step ?? 'starting'}`}
            {' · '}
            {Math.round((live?.progress ?? record.progress) * 100)} %
            {live?.barsProcessed !== null &&
              live?.barsProcessed !== undefined &&
              ` · ${num(live.barsProcessed, 0)} bars`}
            {live?.message && ` · ${live.message}`}
          </p>
          {running.length > 0 && <LiveEquityChart points={running} />}
        </section>
      )}
      {record.status === 'failed' && (
        <p role="alert" class="error">
          Failed: {record.error?.message} ({record.error?.code})
        </p>
      )}
      {record.status === 'cancelled' && <p class="notice">This backtest was cancelled.</p>}
      {record.status === 'completed' && <Results record={record} />}

      <section aria-labelledby="logs-title">
        <h2 id="logs-title">Log</h2>
        <LogLines lines={[...logs.values()].sort((a, b) => a.seq - b.seq)} />
      </section>
    </section>
  );
}

function LogLines(props: { lines: ExecutionLogLine[] }) {
  if (props.lines.length === 0) return <p class="hint">No log lines yet.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take keyboard focus to be scrolled without a mouse (WCAG 2.1.1).
    <ol class="log" tabIndex={0} aria-label="Execution log">
      {props.lines.map((line) => (
        <li key={line.seq} class={`log-${line.level}`}>
          <time dateTime={line.ts}>{line.ts.slice(11, 19)}</time>{' '}
          <span class="level">{line.level}</span> {line.message}
        </li>
      ))}
    </ol>
  );
}

function Results(props: { record: BacktestView }) {
  const { record } = props;
  const [result, setResult] = useState<ResultBody | null>(null);
  const [equity, setEquity] = useState<EquityBody | null>(null);
  const [trades, setTrades] = useState<TradesBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([
      api<ResultBody>(backtestPath(record.id, '/result')),
      api<EquityBody>(backtestPath(record.id, `/equity?maxPoints=${EQUITY_POINTS}`)),
      api<TradesBody>(backtestPath(record.id, '/trades')),
    ]).then(
      ([r, e, t]) => {
        setResult(r);
        setEquity(e);
        setTrades(t);
      },
      (failure) => setError(errorText(failure)),
    );
  }, [record.id]);

  if (error) {
    return (
      <p role="alert" class="error">
        {error}
      </p>
    );
  }
  if (!result || !equity || !trades) return <p>Loading the results…</p>;
  return (
    <>
      <section aria-labelledby="equity-title">
        <h2 id="equity-title">Equity and drawdown</h2>
        <p class="hint">
          {equity.downsampled
            ? `${num(equity.equity.length, 0)} of ${num(equity.points, 0)} points (thinned by the api, every extreme kept)`
            : `${num(equity.points, 0)} points`}
          . Scroll to zoom, drag to pan.
        </p>
        <EquityChart time={equity.time} equity={equity.equity} drawdownPct={equity.drawdownPct} />
      </section>
      <StatsTable result={result} />
      <TradesSection record={record} trades={trades} />
    </>
  );
}

function StatsTable(props: { result: ResultBody }) {
  const { stats, conventions } = props.result;
  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">Statistics</h2>
      <div class="stats-layout">
        <div class="stat-groups">
          {STAT_GROUPS.map((group) => (
            <table class="data stats">
              <caption>{group.title}</caption>
              <StatsTableHead />
              <tbody>
                {group.stats.map(([key, label]) => (
                  <tr>
                    <th scope="row">{label}</th>
                    <td class="num" data-stat={key}>
                      {statValue(key, stats[key])}
                    </td>
                    <td class="unit">{statUnit(key)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
        <aside class="conventions" aria-labelledby="conventions-title">
          <h3 id="conventions-title">Conventions</h3>
          <dl>
            <dt>Profile</dt>
            <dd>
              {conventions.profile}
              {conventions.reproduces && ` (reproduces ${conventions.reproduces})`}
            </dd>
            <dt>Periods a year</dt>
            <dd>{conventions.periodsPerYear}</dd>
            <dt>Return basis</dt>
            <dd>{conventions.returnBasis}</dd>
            <dt>Risk-free rate</dt>
            <dd>{conventions.riskFreeRate}</dd>
            <dt>Degrees of freedom</dt>
            <dd>{conventions.ddof}</dd>
            <dt>Annualisation</dt>
            <dd>{conventions.annualisation}</dd>
            <dt>Durations rounded up to</dt>
            <dd>a {conventions.durationUnit}</dd>
          </dl>
          <p class="hint">
            Percentages are × 100; “—” marks a statistic undefined for this run. Formulas:{' '}
            <code>docs/statistics.md</code> in the repository.
          </p>
        </aside>
      </div>
    </section>
  );
}

function TradesSection(props: { record: BacktestView; trades: TradesBody }) {
  const { record, trades } = props;
  const symbols = record.config.symbols;
  const [symbol, setSymbol] = useState(symbols[0] ?? '');
  const [bars, setBars] = useState<Bars | null>(null);
  const [barsError, setBarsError] = useState<string | null>(null);
  useEffect(() => {
    const query = new URLSearchParams({
      timeframe: record.config.timeframe,
      start: record.config.start,
      end: record.config.end,
      limit: '100000',
    });
    setBars(null);
    api<Bars>(v1(`/market-data/${encodeURIComponent(symbol)}/bars?${query}`)).then(
      (body) => {
        setBars(body);
        setBarsError(null);
      },
      (failure) => setBarsError(errorText(failure)),
    );
  }, [symbol]);
  const ofSymbol = useMemo(
    () => trades.trades.filter((trade) => trade.symbol === symbol),
    [trades, symbol],
  );
  const all = [
    ...trades.trades.map((trade) => ({ trade, open: false })),
    ...trades.openTrades.map((trade) => ({ trade, open: true })),
  ];
  return (
    <section aria-labelledby="trades-title">
      <h2 id="trades-title">Trades</h2>
      {symbols.length > 1 && (
        <div class="field inline">
          <label for="price-symbol">Price chart of</label>
          <select
            id="price-symbol"
            value={symbol}
            onChange={(e) => setSymbol(e.currentTarget.value)}
          >
            {symbols.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </div>
      )}
      {barsError && <p class="error">{barsError}</p>}
      {bars && <PriceChart bars={bars} trades={ofSymbol} />}
      <ScrollRegion label="Trades table">
        <table class="data">
          <caption>
            {trades.trades.length} closed and {trades.openTrades.length} open trades (open ones
            marked at the last close)
          </caption>
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Side</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col">Entry</th>
              <th scope="col" class="num">
                Entry price
              </th>
              <th scope="col">Exit</th>
              <th scope="col" class="num">
                Exit price
              </th>
              <th scope="col" class="num">
                P&amp;L
              </th>
              <th scope="col" class="num">
                Return
              </th>
              <th scope="col">Exit reason</th>
            </tr>
          </thead>
          <tbody>
            {all.map(({ trade, open }) => (
              <tr>
                <td>{trade.symbol}</td>
                <td>{trade.size > 0 ? 'Long' : 'Short'}</td>
                <td class="num">{num(Math.abs(trade.size), 0)}</td>
                <td>{day(trade.entryTime)}</td>
                <td class="num">{num(trade.entryPrice)}</td>
                <td>{open ? 'open' : day(trade.exitTime)}</td>
                <td class="num">{num(trade.exitPrice)}</td>
                <td class={`num ${trade.pnl < 0 ? 'loss' : ''}`}>{num(trade.pnl)}</td>
                <td class="num">{pct(trade.returnPct)}</td>
                <td>{open ? '—' : trade.exitReason.replace(/_/g, ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}
