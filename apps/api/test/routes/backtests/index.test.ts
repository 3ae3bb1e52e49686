import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestJobIds } from '@hindsight/models';
import { taskDir } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, key: string = KEYS.bob) {
  return t.app.inject({ method, url, headers: bearer(key) });
}

async function submit(overrides: Record<string, unknown> = {}, key: string = KEYS.bob) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(key),
    payload: submitBody(overrides),
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json().id as string;
}

describe('GET /api/v1/backtests and /:id', () => {
  it('shows a record with its links', async () => {
    const id = await submit({ tags: ['one'] });
    const response = await call('GET', `/api/v1/backtests/${id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id, status: 'queued', tags: ['one'], progress: 0, summary: null });
    expect(body.links.events).toBe(`/ws/backtest/${id}`);
  });

  it("hides one user's backtests from another: 404 on read, cancel, delete, results, absent from lists", async () => {
    const id = await submit({ tags: ['private'] });
    for (const [method, url] of [
      ['GET', `/api/v1/backtests/${id}`],
      ['POST', `/api/v1/backtests/${id}/cancel`],
      ['POST', `/api/v1/backtests/${id}/rerun`],
      ['DELETE', `/api/v1/backtests/${id}`],
      ['GET', `/api/v1/backtests/${id}/result`],
      ['GET', `/api/v1/backtests/${id}/logs`],
    ] as const) {
      const response = await call(method, url, KEYS.alice);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error).toEqual({
        code: 'HS_ERR_NOT_FOUND',
        message: `backtest '${id}' not found`,
        details: { id },
      });
    }
    const list = await call('GET', '/api/v1/backtests?tag=private', KEYS.alice);
    expect(list.json().items).toEqual([]);
    expect((await call('GET', `/api/v1/backtests/${id}`)).statusCode, 'still there for bob').toBe(
      200,
    );
  });

  it('filters, sorts and pages with a cursor that neither skips nor repeats', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await submit({ tags: ['paged'] }));
    const seen: string[] = [];
    let url = '/api/v1/backtests?tag=paged&sort=createdAt&limit=2';
    for (;;) {
      const page = (await call('GET', url)).json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      if (page.nextCursor === null) break;
      url = `/api/v1/backtests?tag=paged&sort=createdAt&limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen, 'ids sort by creation time').toEqual(ids);
  });

  it.each([
    ['a cursor this api did not make', 'cursor=bm9wZQ', 'HS_ERR_BAD_CURSOR'],
    ['an unknown status', 'status=paused', 'HS_ERR_VALIDATION'],
    ['an unknown sort', 'sort=luck', 'HS_ERR_VALIDATION'],
    ['a limit over the maximum', 'limit=1000', 'HS_ERR_VALIDATION'],
    ['an unknown query parameter', 'colour=red', 'HS_ERR_VALIDATION'],
  ])('answers %s with 400 %s', async (_label, query, code) => {
    const response = await call('GET', `/api/v1/backtests?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });

  it('answers an unknown id with 404', async () => {
    const response = await call('GET', '/api/v1/backtests/01hx0000000000000000000000');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('HS_ERR_NOT_FOUND');
  });

  it('answers an unknown route with 404 HS_ERR_ROUTE_NOT_FOUND', async () => {
    const response = await call('GET', '/api/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'HS_ERR_ROUTE_NOT_FOUND',
      message: 'no route GET /api/v1/nothing-here',
    });
  });
});

describe('POST /api/v1/backtests/:id/cancel', () => {
  it('cancels a waiting backtest: 200, cancelled, flow gone, a cancelled event stored', async () => {
    const id = await submit();
    const response = await call('POST', `/api/v1/backtests/${id}/cancel`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'cancelled' });
    expect(await t.app.queues.queues.simulation.getJob(backtestJobIds.simulation(id))).toBe(
      undefined,
    );
    const stream = await t.app.eventHub.readStream(id, 1);
    expect(stream.map((event) => event.type)).toEqual(['cancelled']);
  });

  it('answers a terminal backtest with 409 naming its status', async () => {
    const id = await submit();
    await call('POST', `/api/v1/backtests/${id}/cancel`);
    const again = await call('POST', `/api/v1/backtests/${id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'HS_ERR_ALREADY_TERMINAL',
      message: `backtest '${id}' is already cancelled`,
    });
  });

  it('signals a running backtest across processes and answers 202 with the record', async () => {
    const id = await submit();
    await t.app.store.transition(id, { from: ['queued'], to: 'running' });
    const heard: string[] = [];
    const subscriber = t.app.cancelChannel;
    const stop = await subscriber.onCancel((backtestId) => heard.push(backtestId));
    const response = await call('POST', `/api/v1/backtests/${id}/cancel`);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ id, status: 'running' });
    await expect.poll(() => heard).toContain(id);
    expect(await subscriber.isCancelRequested(id)).toBe(true);
    stop();
  });

  it('answers an unknown id with 404', async () => {
    const response = await call('POST', '/api/v1/backtests/01hx0000000000000000000000/cancel');
    expect(response.statusCode).toBe(404);
  });
});

describe('POST /api/v1/backtests/:id/rerun', () => {
  it('submits a new backtest with the same config', async () => {
    const id = await submit({ cash: 12_345, tags: ['again'] });
    const response = await call('POST', `/api/v1/backtests/${id}/rerun`);
    expect(response.statusCode).toBe(202);
    const rerun = response.json().id;
    expect(rerun).not.toBe(id);
    const [a, b] = await Promise.all([t.app.store.getBacktest(id), t.app.store.getBacktest(rerun)]);
    expect(b?.config).toEqual(a?.config);
    expect(b?.fingerprint).toBe(a?.fingerprint);
  });
});

describe('DELETE /api/v1/backtests/:id', () => {
  it('removes the record, its logs, its jobs and DATA_ROOT/tasks/<id>/: 204, then 404', async () => {
    const id = await submit();
    await t.app.store.appendLogs(id, [
      { ts: new Date().toISOString(), level: 'info', message: 'hi' },
    ]);
    const dir = taskDir(t.config.DATA_ROOT, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stats.json'), '{}');
    const response = await call('DELETE', `/api/v1/backtests/${id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await t.app.store.getBacktest(id)).toBeNull();
    expect(await t.app.store.getLogs(id, { limit: 10 })).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(await t.app.queues.queues.simulation.getJob(backtestJobIds.simulation(id))).toBe(
      undefined,
    );
    expect((await call('GET', `/api/v1/backtests/${id}`)).statusCode).toBe(404);
  });
});
