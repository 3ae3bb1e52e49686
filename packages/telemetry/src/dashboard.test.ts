import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS, type MetricSpec } from './catalogue.js';
import { EXTERNAL_SERIES } from './external-series.js';
import { metricNames, seriesNames } from './metric-names.js';
import { metricNamesIn } from './promql.js';
import { readRepoFile } from './test-support.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readRepoFile('config/grafana/dashboards/hindsight.json')) as {
  uid: string;
  panels: Panel[];
};
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const queries = queryPanels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
);
const exported = new Set([
  ...metricNames(),
  ...EXTERNAL_SERIES.prometheus,
  ...EXTERNAL_SERIES.redisExporter,
]);

describe('the Grafana dashboard', () => {
  it('queries only series the services, Prometheus or the Redis exporter export', () => {
    expect(queries.length).toBeGreaterThan(20);
    for (const { panel, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${panel}: ${expr}`).toContain(name);
    }
  });

  it('shows what issue 5 asks for', () => {
    const used = (pattern: RegExp) => queries.some(({ expr }) => pattern.test(expr));
    const wanted: [string, RegExp][] = [
      ['queue depth', /\bqueue_jobs\{state=~"waiting/],
      ['throughput', /rate\(backtest_total\[/],
      [
        'failure rate',
        /backtest_total\{status="failed"\}.*\/.*backtest_total\{status=~"completed\|failed"\}/,
      ],
      ['latency percentiles', /histogram_quantile\(0\.99, .*http_request_duration_seconds_bucket/],
      ['active runs', /\bbacktest_active\b/],
      ['WebSocket connections', /\bwebsocket_connections\b/],
      ['process health: up', /\bup\{job=~"api\|worker/],
      ['process health: memory', /\bprocess_resident_memory_bytes\b/],
      ['process health: CPU', /\bprocess_cpu_seconds_total\b/],
      ['process health: event loop', /\bnodejs_eventloop_lag_p99_seconds\b/],
    ];
    for (const [what, pattern] of wanted) expect(used(pattern), what).toBe(true);
  });

  it('watches every metric Hindsight exports, here or in an alert rule', () => {
    const alerts = parse(readRepoFile('config/prometheus/alerts.yml')) as {
      groups: { rules: { expr: string }[] }[];
    };
    const exprs = [
      ...queries.map(({ expr }) => expr),
      ...alerts.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
    ];
    const watched = new Set(exprs.flatMap(metricNamesIn));
    for (const spec of Object.values(METRICS) as MetricSpec[]) {
      const seen = seriesNames(spec).some((name) => watched.has(name));
      expect(seen, `${spec.name} is exported but neither charted nor alerted on`).toBe(true);
    }
  });

  it('uses the provisioned Prometheus datasource everywhere', () => {
    const provisioning = parse(
      readRepoFile('config/grafana/provisioning/datasources/prometheus.yml'),
    ) as { datasources: { uid: string; type: string; url: string }[] };
    const [datasource] = provisioning.datasources;
    expect(datasource?.type).toBe('prometheus');
    expect(datasource?.url).toBe('http://prometheus:9090');
    for (const panel of queryPanels) {
      expect(panel.datasource?.uid, panel.title).toBe(datasource?.uid);
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe(datasource?.uid);
      }
    }
  });

  it('gives each panel its own id and its own place on the 24-column grid', () => {
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels) {
      const { x, w } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
    }
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });
});
