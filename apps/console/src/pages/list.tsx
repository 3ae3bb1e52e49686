import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  type BacktestStatus,
  type BacktestView,
  type BacktestViewPage,
  errorText,
  storedKey,
  v1,
} from '../api.js';
import { num, pct, STATUS_WORDS, when } from '../format.js';
import { Link, navigate } from '../router.js';
import { ScrollRegion } from '../scroll-region.js';
import { StatusBadge } from '../status.js';
import { watchBacktest } from '../watch.js';
import { SweepsSection } from './sweep.js';

const SORTS = [
  ['-createdAt', 'Newest first'],
  ['createdAt', 'Oldest first'],
  ['-returnPct', 'Best return'],
  ['-sharpeRatio', 'Best Sharpe ratio'],
  ['-maxDrawdownPct', 'Shallowest drawdown'],
  ['name', 'Name'],
  ['status', 'Status'],
] as const;

/** Sockets the list keeps open for running rows; the api allows 20 per user. */
const MAX_WATCHED = 8;

const COLUMNS = [
  ['name', 'Name'],
  ['status', 'Status'],
  [null, 'Strategy'],
  [null, 'Symbols'],
  ['returnPct', 'Return'],
  ['sharpeRatio', 'Sharpe'],
  ['maxDrawdownPct', 'Max. drawdown'],
  ['createdAt', 'Created'],
] as const;

export function ListPage() {
  const [status, setStatus] = useState<BacktestStatus | ''>('');
  const [strategy, setStrategy] = useState('');
  const [symbol, setSymbol] = useState('');
  const [sort, setSort] = useState<string>('-createdAt');
  const [items, setItems] = useState<BacktestView[] | null>(null);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [strategies, setStrategies] = useState<string[]>([]);
  const [reload, setReload] = useState(0);

  const query = useMemo(() => {
    const params = new URLSearchParams({ sort, limit: '50' });
    if (status) params.set('status', status);
    if (strategy) params.set('strategy', strategy);
    if (symbol.trim()) params.set('symbol', symbol.trim());
    return params;
  }, [status, strategy, symbol, sort]);

  useEffect(() => {
    api<{ items: { name: string }[] }>(v1('/strategies')).then(
      (body) => setStrategies(body.items.map((item) => item.name)),
      () => {},
    );
  }, []);

  useEffect(() => {
    let live = true;
    api<BacktestViewPage>(v1(`/backtests?${query}`)).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setTotal(page.total);
        setCursor(page.nextCursor);
        setError(null);
      },
      (failure) => live && setError(errorText(failure)),
    );
    return () => {
      live = false;
    };
  }, [query, reload]);

  // Live status: a socket per queued or running row; a finished one reloads the page of rows
  // for its summary.
  const activeIds = (items ?? [])
    .filter((item) => item.status === 'queued' || item.status === 'running')
    .slice(0, MAX_WATCHED)
    .map((item) => item.id);
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    const stops = activeIds.map((id) =>
      watchBacktest(id, key, {
        onSnapshot: (record) =>
          setItems(
            (rows) => rows?.map((row) => (row.id === id ? { ...row, ...record } : row)) ?? null,
          ),
        onEvent: (event) => {
          if (event.type === 'status' || event.type === 'progress') {
            const patch =
              event.type === 'status'
                ? { status: event.data.status }
                : { progress: event.data.progress, status: 'running' as const };
            setItems(
              (rows) => rows?.map((row) => (row.id === id ? { ...row, ...patch } : row)) ?? null,
            );
          } else if (event.type !== 'log') {
            setReload((n) => n + 1);
          }
        },
      }),
    );
    return () => {
      for (const stop of stops) stop();
    };
  }, [activeIds.join()]);

  const toggle = (id: string) =>
    setSelected((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  const sortBy = (column: string) => setSort(sort === `-${column}` ? column : `-${column}`);

  return (
    <section>
      <div class="title-row">
        <h1>Backtests</h1>
        <Link href="/new" class="button">
          New backtest
        </Link>
      </div>
      <form class="filters" aria-label="Filter and sort" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as BacktestStatus | '')}
          >
            <option value="">Any</option>
            {Object.entries(STATUS_WORDS).map(([value, word]) => (
              <option value={value}>{word}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-strategy">Strategy</label>
          <select
            id="filter-strategy"
            value={strategy}
            onChange={(e) => setStrategy(e.currentTarget.value)}
          >
            <option value="">Any</option>
            {strategies.map((name) => (
              <option value={name}>{name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-symbol">Symbol</label>
          <input
            id="filter-symbol"
            value={symbol}
            placeholder="synthetic:DEMO"
            onChange={(e) => setSymbol(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sort">Sort</label>
          <select id="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value)}>
            {SORTS.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
            {!SORTS.some(([value]) => value === sort) && <option value={sort}>{sort}</option>}
          </select>
        </div>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="actions" aria-live="polite">
        <button
          type="button"
          disabled={selected.length < 2 || selected.length > 5}
          onClick={() => navigate(`/compare?ids=${selected.map(encodeURIComponent).join(',')}`)}
        >
          Compare selected ({selected.length})
        </button>
        <span class="hint">Select 2 to 5 completed backtests to compare them.</span>
      </div>
      {items === null && !error && <p>Loading…</p>}
      {items !== null && items.length === 0 && (
        <p>
          No backtests
          {query.has('status') || query.has('strategy') || query.has('symbol')
            ? ' match these filters'
            : ' yet'}
          . <Link href="/new">Start one</Link>.
        </p>
      )}
      {items !== null && items.length > 0 && (
        <ScrollRegion label="Backtests table">
          <table class="data">
            <caption>
              {items.length} of {total} backtests
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Select</span>
                </th>
                {COLUMNS.map(([column, label]) => (
                  <th
                    scope="col"
                    class={column && /Pct|Ratio/.test(column) ? 'num' : undefined}
                    aria-sort={
                      column && sort === column
                        ? 'ascending'
                        : column && sort === `-${column}`
                          ? 'descending'
                          : undefined
                    }
                  >
                    {column ? (
                      <button type="button" class="sort" onClick={() => sortBy(column)}>
                        {label}
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${item.name}`}
                      checked={selected.includes(item.id)}
                      disabled={item.status !== 'completed'}
                      onChange={() => toggle(item.id)}
                    />
                  </td>
                  <td>
                    <Link href={`/backtests/${encodeURIComponent(item.id)}`}>{item.name}</Link>
                  </td>
                  <td>
                    <StatusBadge status={item.status} progress={item.progress} />
                  </td>
                  <td>{item.config.strategy.name}</td>
                  <td>{item.config.symbols.join(', ')}</td>
                  <td class="num">{pct(item.summary?.returnPct)}</td>
                  <td class="num">{num(item.summary?.sharpeRatio, 3)}</td>
                  <td class="num">{pct(item.summary?.maxDrawdownPct)}</td>
                  <td>{when(item.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {cursor && (
        <button
          type="button"
          class="quiet"
          onClick={async () => {
            const params = new URLSearchParams(query);
            params.set('cursor', cursor);
            try {
              const page = await api<BacktestViewPage>(v1(`/backtests?${params}`));
              setItems((rows) => [...(rows ?? []), ...page.items]);
              setCursor(page.nextCursor);
            } catch (failure) {
              setError(errorText(failure));
            }
          }}
        >
          Load more
        </button>
      )}
      <SweepsSection />
    </section>
  );
}
