import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryError } from './errors.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(registry = new Registry()) {
  const server = await startMetricsServer(registry, 0, { host: '127.0.0.1' });
  servers.push(server);
  return server;
}

describe('startMetricsServer', () => {
  it('serves the registry at /metrics in its content type', async () => {
    const registry = new Registry();
    new Counter({ name: 'jobs_total', help: 'test', registers: [registry] }).inc(3);
    const server = await start(registry);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('jobs_total 3\n');
  });

  it('answers /health, and 404 or 405 elsewhere', async () => {
    const server = await start();
    const health = await fetch(`${server.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect((await fetch(`${server.url}/metrics/x`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('answers 500 with the reason when collecting fails', async () => {
    const registry = new Registry();
    new Counter({
      name: 'broken_total',
      help: 'test',
      registers: [registry],
      collect() {
        throw new Error('redis is gone');
      },
    });
    const server = await start(registry);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('collecting metrics failed: redis is gone\n');
  });

  it('says which port is taken, and rejects a port that cannot be', async () => {
    const first = await start();
    await expect(
      startMetricsServer(new Registry(), first.port, { host: '127.0.0.1' }),
    ).rejects.toThrow(
      new TelemetryError(`metrics port ${first.port} on 127.0.0.1 is already in use`),
    );
    await expect(startMetricsServer(new Registry(), 70_000)).rejects.toThrow(
      new TelemetryError('metrics port must be 0..65535, got 70000'),
    );
  });

  it('binds every address by default and gives a URL that reaches it', async () => {
    const server = await startMetricsServer(new Registry(), 0);
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('stops listening on close, even with a keep-alive scraper connected', async () => {
    const server = await start();
    await fetch(`${server.url}/metrics`, { keepalive: true });
    await server.close();
    servers.pop();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
