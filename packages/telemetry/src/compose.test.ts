import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoFileUrl } from './test-support.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: string | number };
}

const raw = readRepoFile('docker-compose.yml');
// `<<` merge keys share the env block and the restart and logging settings between services.
const compose = parse(raw, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** Compose's interpolation: `${NAME:-default}` and `${NAME-default}` with `env` unset/empty. */
function interpolate(value: string | number, env: Record<string, string> = {}): string {
  return String(value).replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}/g,
    (_, name: string, colon: string | undefined, fallback: string | undefined) => {
      const set = env[name];
      if (set !== undefined && (set !== '' || colon !== ':')) return set;
      return fallback ?? '';
    },
  );
}

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

describe('docker-compose.yml', () => {
  it('runs redis, mongo, api, worker, prometheus, grafana and the redis exporter', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'grafana', 'mongo', 'prometheus', 'redis', 'redis-exporter', 'worker'].sort(),
    );
  });

  it('gives every setting a default: each variable reference has a :- fallback', () => {
    const references = [...raw.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string);
    expect(references.length).toBeGreaterThan(20);
    for (const reference of references) expect(reference).toMatch(/^[A-Z0-9_]+:-/);
  });

  it('passes every setting of .env.example to the api or the worker', () => {
    const settings = [...readRepoFile('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map(
      (m) => m[1] as string,
    );
    expect(settings.length).toBeGreaterThan(10);
    const passed = new Set([
      ...Object.keys(service('api').environment ?? {}),
      ...Object.keys(service('worker').environment ?? {}),
    ]);
    for (const setting of settings) expect(passed, setting).toContain(setting);
  });

  it('persists Redis with AOF, refuses to evict, and bounds its memory', () => {
    const command = (service('redis').command ?? []).map((part) => interpolate(part));
    const option = (flag: string) => command[command.indexOf(flag) + 1];
    expect(command[0]).toBe('redis-server');
    expect(option('--appendonly')).toBe('yes');
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(option('--maxmemory')).toBe('512mb');
    const raw = service('redis').command ?? [];
    const limit = raw[raw.indexOf('--maxmemory') + 1] ?? '';
    expect(interpolate(limit, { REDIS_MAXMEMORY: '2gb' })).toBe('2gb');
  });

  it('runs three workers unless told otherwise', () => {
    const replicas = service('worker').deploy?.replicas ?? 1;
    expect(interpolate(replicas)).toBe('3');
    expect(interpolate(replicas, { WORKER_REPLICAS: '8' })).toBe('8');
  });

  it('keeps DATA_ROOT, Mongo and Redis in named volumes', () => {
    const mounts = (name: string) => service(name).volumes ?? [];
    expect(service('api').environment?.DATA_ROOT).toBe('/data');
    expect(mounts('api')).toContain('hindsight-data:/data');
    expect(mounts('worker')).toContain('hindsight-data:/data');
    expect(mounts('mongo')).toContain('mongo-data:/data/db');
    expect(mounts('redis')).toContain('redis-data:/data');
    for (const [name, svc] of Object.entries(services)) {
      for (const mount of svc.volumes ?? []) {
        const source = mount.split(':')[0] as string;
        if (source.startsWith('.')) {
          expect(existsSync(repoFileUrl(source.slice(2))), `${name}: ${source}`).toBe(true);
        } else {
          expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
        }
      }
    }
  });

  it('restarts every service and checks the health of each', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(interpolate(svc.restart ?? ''), name).toBe('unless-stopped');
      const dockerfile = svc.build ? readRepoFile(svc.build.dockerfile) : '';
      const checked = svc.healthcheck !== undefined || /^HEALTHCHECK /m.test(dockerfile);
      expect(checked, `${name} has no health check`).toBe(true);
    }
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build) continue;
      expect(svc.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
  });

  it('mounts the Prometheus and Grafana config where they read it', () => {
    expect(service('prometheus').volumes).toContain('./config/prometheus:/etc/prometheus:ro');
    expect(service('prometheus').command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    const provider = parse(
      readRepoFile('config/grafana/provisioning/dashboards/dashboards.yml'),
    ) as {
      providers: { options: { path: string } }[];
    };
    const dashboards = provider.providers[0]?.options.path;
    expect(service('grafana').volumes).toContain(`./config/grafana/dashboards:${dashboards}:ro`);
    expect(service('grafana').volumes).toContain(
      './config/grafana/provisioning:/etc/grafana/provisioning:ro',
    );
  });
});
