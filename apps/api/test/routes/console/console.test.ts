import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import consoleRoutes from '../../../src/routes/console/index.js';

/** A console build as vite lays it out: index.html and content-hashed assets. */
const dist = mkdtempSync(join(tmpdir(), 'hindsight-console-'));
mkdirSync(join(dist, 'assets'));
const INDEX =
  '<!doctype html><title>console</title><script src="/assets/index-abc123.js"></script>';
writeFileSync(join(dist, 'index.html'), INDEX);
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("hi")');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function serve(from: string) {
  const app = Fastify({ logger: false });
  await app.register(consoleRoutes, { dist: from });
  await app.ready();
  return app;
}

describe('the web console routes', () => {
  it("answer each of the console's pages with index.html, revalidated on every load", async () => {
    const app = await serve(dist);
    for (const url of ['/', '/new', '/compare?ids=a,b', '/backtests/01abc', '/sweeps/01abc']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
    await app.close();
  });

  it('serve hashed assets cached for a year as immutable, and 404 for others', async () => {
    const app = await serve(dist);
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("hi")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ url: '/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/backtests/a/b' })).statusCode).toBe(404);
    await app.close();
  });

  it('leave / unanswered, with a warning, when the console is not built', async () => {
    const app = await serve(join(dist, 'missing'));
    expect((await app.inject({ url: '/' })).statusCode).toBe(404);
    await app.close();
  });
});
