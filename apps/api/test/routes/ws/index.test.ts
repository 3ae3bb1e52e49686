import type { AddressInfo } from 'node:net';
import { BacktestEventPublisher, redisKeys } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_MAX_PAYLOAD_BYTES } from '../../../src/plugins/external/websocket.js';
import { WS_CLOSE } from '../../../src/routes/ws/index.js';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';
import { watch } from '../../ws-client.js';

let t: TestApp;
let base: string;
let publisher: BacktestEventPublisher;
const PING_MS = 200;

beforeAll(async () => {
  t = await startTestApp({ WS_MAX_CONNECTIONS_PER_USER: '3' }, { wsPingIntervalMs: PING_MS });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/ws/backtest`;
  publisher = new BacktestEventPublisher(t.app.redis, t.config.QUEUE_PREFIX);
});
afterAll(async () => {
  await t?.close();
});

async function submit(key: string = KEYS.bob): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(key),
    payload: submitBody(),
  });
  return response.json().id;
}

const progress = (p: number) => ({
  progress: p,
  step: 'simulation' as const,
  message: null,
  barsProcessed: Math.round(p * 100),
  equity: 100_000,
});

describe('/ws/backtest/:id', () => {
  it('sends a snapshot, then live events in seq order, then the terminal event and closes 1000', async () => {
    const id = await submit();
    const client = watch(`${base}/${id}`, bearer(KEYS.bob));
    await client.until((events) => events.length === 1);
    expect(client.events[0]).toMatchObject({
      type: 'snapshot',
      seq: 0,
      data: { id, status: 'queued' },
    });
    await publisher.publish(id, 'status', { status: 'running', step: 'data' });
    for (const p of [0.25, 0.5, 0.75]) await publisher.publish(id, 'progress', progress(p));
    await t.app.store.transition(id, { from: ['queued'], to: 'cancelled' });
    await publisher.publish(id, 'cancelled', { reason: 'test' });
    expect(await client.closed).toEqual({ code: WS_CLOSE.done, reason: 'backtest cancelled' });
    expect(client.events.map((e) => `${e.type}:${e.seq}`)).toEqual([
      'snapshot:0',
      'status:1',
      'progress:2',
      'progress:3',
      'progress:4',
      'cancelled:5',
    ]);
  });

  it('accepts ?token= instead of the header', async () => {
    const id = await submit();
    const client = watch(`${base}/${id}?token=${KEYS.bob}`);
    await client.until((events) => events.length === 1);
    expect(client.events[0]?.type).toBe('snapshot');
    client.socket.close();
  });

  it('replays what a reconnecting client missed with ?after=', async () => {
    const id = await submit();
    for (const p of [0.1, 0.2, 0.3, 0.4]) await publisher.publish(id, 'progress', progress(p));
    const client = watch(`${base}/${id}?after=2`, bearer(KEYS.bob));
    await client.until((events) => events.length === 3);
    expect(client.events.map((e) => `${e.type}:${e.seq}`)).toEqual([
      'snapshot:4',
      'progress:3',
      'progress:4',
    ]);
    await publisher.publish(id, 'progress', progress(0.5));
    await client.until((events) => events.length === 4);
    expect(client.events[3]).toMatchObject({ type: 'progress', seq: 5 });
    client.socket.close();
  });

  it('for a finished backtest: the snapshot, the stored terminal event, then 1000', async () => {
    const id = await submit();
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/backtests/${id}/cancel`,
      headers: bearer(KEYS.bob),
    });
    const client = watch(`${base}/${id}`, bearer(KEYS.bob));
    expect((await client.closed).code).toBe(WS_CLOSE.done);
    expect(client.events.map((e) => `${e.type}:${e.seq}`)).toEqual(['snapshot:1', 'cancelled:1']);
    expect(client.events[1]?.data).toEqual({ reason: 'cancelled before it started' });
  });

  it('for a finished backtest whose events expired: a terminal event made from the record', async () => {
    const id = await submit();
    await t.app.store.transition(id, {
      from: ['queued'],
      to: 'failed',
      patch: { error: { code: 'HS_ERR_INTERNAL', message: 'boom' } },
    });
    const client = watch(`${base}/${id}`, bearer(KEYS.bob));
    expect((await client.closed).code).toBe(WS_CLOSE.done);
    expect(client.events.map((e) => e.type)).toEqual(['snapshot', 'failed']);
    expect(client.events[1]?.data).toEqual({ error: { code: 'HS_ERR_INTERNAL', message: 'boom' } });
  });

  it('resumes a finished run whose event stream is gone with seqs at or after its terminal seq', async () => {
    const id = await submit();
    await publisher.publish(id, 'status', { status: 'running', step: 'data' });
    for (const p of [0.25, 0.5, 0.75]) await publisher.publish(id, 'progress', progress(p));
    await t.app.store.transition(id, { from: ['queued'], to: 'cancelled' });
    const terminal = await publisher.publish(id, 'cancelled', { reason: 'test' });
    // 30 s after the end, every event key with an expiry is gone: delete those, for real.
    const { QUEUE_PREFIX } = t.config;
    const keys = [redisKeys.eventStream(QUEUE_PREFIX, id), redisKeys.eventSeq(QUEUE_PREFIX, id)];
    for (const key of keys) if ((await t.app.redis.ttl(key)) > 0) await t.app.redis.del(key);
    expect(await t.app.redis.exists(keys[0]!), 'the stream expired').toBe(0);

    const client = watch(`${base}/${id}?after=2`, bearer(KEYS.bob));
    expect((await client.closed).code).toBe(WS_CLOSE.done);
    const seqs = client.events.map((e) => e.seq);
    expect(client.events.map((e) => e.type)).toEqual(['snapshot', 'cancelled']);
    for (const seq of seqs) expect(seq).toBeGreaterThanOrEqual(terminal.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The docs' client keeps events with a seq above the last it had (2): the terminal one counts.
    expect(client.events[1]?.seq).toBeGreaterThan(2);
  });

  it('closes 4401 for a bad key and 4404 for a backtest of another user or none', async () => {
    const id = await submit();
    const badKey = watch(`${base}/${id}`, bearer('wrong-key-123456'));
    expect(await badKey.closed).toEqual({ code: 4401, reason: 'missing or invalid API key' });
    const foreign = watch(`${base}/${id}`, bearer(KEYS.alice));
    expect(await foreign.closed).toEqual({ code: 4404, reason: `backtest '${id}' not found` });
    expect(foreign.events, 'not a glimpse').toEqual([]);
    const none = watch(`${base}/01hx0000000000000000000000`, bearer(KEYS.bob));
    expect((await none.closed).code).toBe(4404);
  });

  it('refuses a bad ?after= before the upgrade with 400', async () => {
    const id = await submit();
    const client = watch(`${base}/${id}?after=minus-one`, bearer(KEYS.bob));
    expect(await client.refused).toBe(400);
  });

  it('caps open sockets per user (WS_MAX_CONNECTIONS_PER_USER = 3) with a clear reason', async () => {
    const id = await submit();
    const open = [1, 2, 3].map(() => watch(`${base}/${id}`, bearer(KEYS.bob)));
    await Promise.all(open.map((c) => c.until((events) => events.length === 1)));
    const fourth = watch(`${base}/${id}`, bearer(KEYS.bob));
    expect(await fourth.closed).toEqual({
      code: WS_CLOSE.tooManyConnections,
      reason: 'too many WebSocket connections: at most 3 per user',
    });
    const otherUser = watch(`${base}/${await submit(KEYS.admin)}`, bearer(KEYS.admin));
    await otherUser.until((events) => events.length === 1);
    open[0]!.socket.close();
    await open[0]!.closed;
    await expect.poll(() => t.app.wsConnections.openFor('bob')).toBe(2);
    const again = watch(`${base}/${id}`, bearer(KEYS.bob));
    await again.until((events) => events.length === 1);
    for (const c of [open[1]!, open[2]!, again, otherUser]) c.socket.close();
  });

  it('pings every interval and terminates a socket that stops answering', async () => {
    const id = await submit();
    const client = watch(`${base}/${id}`, bearer(KEYS.bob));
    await client.until((events) => events.length === 1);
    let pings = 0;
    client.socket.on('ping', () => pings++);
    await expect.poll(() => pings, { timeout: 5 * PING_MS }).toBeGreaterThanOrEqual(2);
    // Stop reading: pings go unanswered, and the second sweep after that ends the socket.
    const before = t.app.wsConnections.openFor('bob');
    client.socket.pause();
    await expect
      .poll(() => t.app.wsConnections.openFor('bob'), { timeout: 5 * PING_MS })
      .toBe(before - 1);
    client.socket.resume();
    expect((await client.closed).code, 'terminated, not closed cleanly').toBe(1006);
  });

  it(`closes a client that sends a frame over ${WS_MAX_PAYLOAD_BYTES} bytes with 1009`, async () => {
    const id = await submit();
    const client = watch(`${base}/${id}`, bearer(KEYS.bob));
    await client.until((events) => events.length === 1);
    client.socket.send('x'.repeat(WS_MAX_PAYLOAD_BYTES + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it('keeps one Redis subscriber for every socket of the process', async () => {
    const ids = [await submit(), await submit()];
    const clients = ids.map((id) => watch(`${base}/${id}`, bearer(KEYS.bob)));
    await Promise.all(clients.map((c) => c.until((events) => events.length === 1)));
    const list = (await t.app.redis.client('LIST')) as string;
    const subscribers = list.split('\n').filter((line) => / cmd=(p)?subscribe/.test(line));
    expect(subscribers).toHaveLength(1);
    for (const c of clients) c.socket.close();
  });
});
