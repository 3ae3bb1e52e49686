import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile } from './test-support.js';

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
  static_configs?: { targets: string[] }[];
}

const prometheus = parse(readRepoFile('config/prometheus/prometheus.yml')) as {
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
};
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string | number> }>;
};

function job(name: string): ScrapeConfig {
  const found = prometheus.scrape_configs.find((config) => config.job_name === name);
  if (!found) throw new Error(`prometheus.yml has no job ${name}`);
  return found;
}

describe('prometheus.yml', () => {
  it('loads the alert rules', () => {
    expect(prometheus.rule_files).toEqual(['alerts.yml']);
  });

  it('finds every api and worker replica on the port compose gives it', () => {
    const api = job('api').dns_sd_configs?.[0];
    const worker = job('worker').dns_sd_configs?.[0];
    expect(api).toEqual({ names: ['api'], type: 'A', port: 3000, refresh_interval: '15s' });
    expect(worker).toEqual({ names: ['worker'], type: 'A', port: 9464, refresh_interval: '15s' });
    expect(Number(compose.services.api?.environment?.PORT)).toBe(api?.port);
    expect(Number(compose.services.worker?.environment?.WORKER_METRICS_PORT)).toBe(worker?.port);
    expect(job('api').metrics_path).toBe('/metrics');
    expect(job('worker').metrics_path).toBe('/metrics');
  });

  it('scrapes the Redis exporter that compose runs', () => {
    const [target] = job('redis').static_configs?.[0]?.targets ?? [];
    const host = target?.split(':')[0] as string;
    expect(Object.keys(compose.services)).toContain(host);
  });
});
