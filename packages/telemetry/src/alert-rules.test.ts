import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXTERNAL_SERIES } from './external-series.js';
import { metricNames } from './metric-names.js';
import { metricNamesIn } from './promql.js';
import { readRepoFile } from './test-support.js';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}

const rules = (
  parse(readRepoFile('config/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);
const ruleTests = parse(readRepoFile('config/prometheus/alerts.test.yml')) as {
  rule_files: string[];
  tests: RuleTest[];
};
const cases = ruleTests.tests.flatMap((test) => test.alert_rule_test);
const byName = new Map(rules.map((rule) => [rule.alert, rule]));

describe('the alert rules', () => {
  it('have the alerts issue 5 asks for, with its thresholds', () => {
    expect(byName.get('BacktestRunningTooLong')?.expr).toMatch(/> 30 \* 60$/);
    expect(byName.get('BacktestFailureRateHigh')?.expr).toMatch(/> 0\.10\s*$/);
    expect(byName.get('BacktestFailureRateHigh')?.for).toBe('5m');
    expect(byName.get('QueueBacklogHigh')?.for).toBe('10m');
    expect(byName.get('NoWorkerAlive')?.expr).toContain('up{job="worker"}');
    expect(byName.get('RedisMemoryNearLimit')?.expr).toContain('redis_memory_max_bytes');
  });

  it('name only series the services, Prometheus or the Redis exporter export', () => {
    const exported = new Set([
      ...metricNames(),
      ...EXTERNAL_SERIES.prometheus,
      ...EXTERNAL_SERIES.redisExporter,
    ]);
    for (const rule of rules) {
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('carry a severity, a summary and a description', () => {
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it('are each unit-tested firing and not firing (promtool test rules runs the cases)', () => {
    expect(ruleTests.rule_files).toEqual(['alerts.yml']);
    for (const rule of rules) {
      const own = cases.filter((c) => c.alertname === rule.alert);
      expect(
        own.some((c) => c.exp_alerts.length > 0),
        `${rule.alert} fires`,
      ).toBe(true);
      expect(
        own.some((c) => c.exp_alerts.length === 0),
        `${rule.alert} stays quiet`,
      ).toBe(true);
    }
  });
});
