import type { NumericStatKey } from '@hindsight/metrics';
import { useEffect, useState } from 'preact/hooks';
import {
  api,
  backtestPath,
  type CompareResponse,
  type EquityBody,
  errorText,
  post,
  v1,
} from '../api.js';
import { OverlayChart, PALETTE } from '../charts.js';
import { num } from '../format.js';
import { Link } from '../router.js';
import { ScrollRegion } from '../scroll-region.js';
import { statLabel, statUnit, statValue } from '../stats.js';

const EQUITY_POINTS = 1000;

export function ComparePage(props: { ids: string[] }) {
  const [compare, setCompare] = useState<CompareResponse | null>(null);
  const [equities, setEquities] = useState<EquityBody[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (props.ids.length < 2) return;
    post<CompareResponse>(v1('/backtests/compare'), { ids: props.ids }).then(
      setCompare,
      (failure) => setError(errorText(failure)),
    );
    Promise.all(
      props.ids.map((id) =>
        api<EquityBody>(backtestPath(id, `/equity?maxPoints=${EQUITY_POINTS}`)),
      ),
    ).then(setEquities, (failure) => setError(errorText(failure)));
  }, [props.ids.join()]);

  if (props.ids.length < 2) {
    return (
      <section>
        <h1>Compare backtests</h1>
        <p>
          Pick 2 to 5 completed backtests on <Link href="/">the list</Link> and choose “Compare
          selected”.
        </p>
      </section>
    );
  }
  if (error) {
    return (
      <section>
        <h1>Compare backtests</h1>
        <p role="alert" class="error">
          {error}
        </p>
      </section>
    );
  }
  if (!compare || !equities) return <p>Loading…</p>;
  const { backtests, correlation } = compare;
  const names = new Map(backtests.map((b) => [b.id, b.name]));
  const metricKeys = Object.keys(backtests[0]?.metrics ?? {}) as NumericStatKey[];
  const drawdownKeys = (Object.keys(backtests[0]?.drawdown ?? {}) as NumericStatKey[]).filter(
    (key) => !metricKeys.includes(key),
  );
  return (
    <section>
      <h1>Compare backtests</h1>
      <section aria-labelledby="overlay-title">
        <h2 id="overlay-title">Equity</h2>
        <ul class="legend">
          {backtests.map((b, index) => (
            <li>
              <span
                class="swatch"
                style={{ background: PALETTE[index % PALETTE.length] }}
                aria-hidden="true"
              />
              <Link href={`/backtests/${encodeURIComponent(b.id)}`}>{b.name}</Link> (
              {['solid', 'dotted', 'dashed'][index % 3]} line)
            </li>
          ))}
        </ul>
        <OverlayChart
          lines={backtests.map((b, index) => ({
            name: b.name,
            time: equities[index]!.time,
            values: equities[index]!.equity,
          }))}
        />
      </section>
      <section aria-labelledby="metrics-title">
        <h2 id="metrics-title">Metrics</h2>
        <ScrollRegion label="Metrics side by side">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Statistic</th>
                {backtests.map((b) => (
                  <th scope="col" class="num">
                    {b.name}
                    <span class="sub">
                      {b.strategy} · {b.symbols.join(', ')}
                    </span>
                  </th>
                ))}
                <th scope="col">Unit</th>
              </tr>
            </thead>
            <tbody>
              {metricKeys.map((key) => (
                <tr>
                  <th scope="row">{statLabel(key)}</th>
                  {backtests.map((b) => (
                    <td class="num">
                      {statValue(key, (b.metrics as Record<string, unknown>)[key])}
                    </td>
                  ))}
                  <td class="unit">{statUnit(key)}</td>
                </tr>
              ))}
              {drawdownKeys.map((key) => (
                <tr>
                  <th scope="row">{statLabel(key)}</th>
                  {backtests.map((b) => (
                    <td class="num">
                      {statValue(key, (b.drawdown as Record<string, unknown>)[key])}
                    </td>
                  ))}
                  <td class="unit">{statUnit(key)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>
      <section aria-labelledby="correlation-title">
        <h2 id="correlation-title">Correlation of daily returns</h2>
        <p class="hint">
          Pearson's r over the days two runs share (the count below each r); “—” below 3 common days
          or for a flat series.
        </p>
        <ScrollRegion label="Correlation matrix">
          <table class="data matrix">
            <thead>
              <tr>
                <td />
                {correlation.ids.map((id) => (
                  <th scope="col">{names.get(id) ?? id}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {correlation.matrix.map((row, i) => (
                <tr>
                  <th scope="row">{names.get(correlation.ids[i]!) ?? correlation.ids[i]}</th>
                  {row.map((r, j) => (
                    <td class="num" style={r === null ? undefined : { background: heat(r) }}>
                      {num(r, 3)}
                      <span class="sub">{correlation.days[i]?.[j]} days</span>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>
    </section>
  );
}

/** A light tint, blue for positive and red for negative r, pale enough for dark text. */
function heat(r: number): string {
  const alpha = Math.min(1, Math.abs(r)) * 0.35;
  return r >= 0 ? `rgba(11, 87, 208, ${alpha})` : `rgba(179, 38, 30, ${alpha})`;
}
