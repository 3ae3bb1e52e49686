import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookCreated, WebhookDelivery } from '@hindsight/models';
import type { ServiceProcess } from '@hindsight/service/testing';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import type { SweepView } from '../../src/schemas/sweep-view.js';
import {
  bearer,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  submitBody,
  type TestApp,
} from '../support.js';

/**
 * Notifications end to end: this api in-process, the real worker as a child process, a real HTTP
 * receiver and a real SMTP server, all on 127.0.0.1 (allowed through WEBHOOK_ALLOWED_HOSTS).
 * Retries wait 300 ms, then 600 ms, so a day of backoff fits in a second.
 */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let t: TestApp;
let worker: ServiceProcess;
let http: string;
let receiver: Server;
let receiverBase: string;
let smtp: SMTPServer;
const received: Received[] = [];
const mails: { to: string[]; raw: string }[] = [];
let flakyCalls = 0;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      // /flaky fails its first message once; /down never answers 2xx; the others take all.
      if (request.url === '/flaky') response.writeHead(++flakyCalls === 1 ? 500 : 200).end();
      else response.writeHead(request.url === '/down' ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString();
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const env = {
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_RETRY_DELAY_MS: '300',
    WEBHOOK_MAX_ATTEMPTS: '3',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SMTP_FROM: 'Hindsight <ci@hindsight.test>',
    PUBLIC_URL: 'https://hindsight.example.com',
  };
  t = await startTestApp(env);
  http = await listenLocally(t.app);
  worker = await startWorkerFor(t, env);
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  key: string = KEYS.bob,
): Promise<T> {
  const response = await fetch(`${http}${path}`, {
    method,
    headers: { ...bearer(key), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path}: ${text}`).toBe(true);
  return JSON.parse(text) as T;
}

/** Polls until `ready` holds; the test's own timeout bounds the wait. */
async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ready())) {
    if (worker.child.exitCode !== null) throw new Error(`worker died waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function verify(secret: string, request: Received): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

describe('a finished backtest notifies its owner', () => {
  it('signs the webhook, retries a failed one under the same id, disables a dead one, and e-mails', async () => {
    const flaky = await call<WebhookCreated>('POST', '/api/v1/webhooks', {
      url: `${receiverBase}/flaky`,
      events: ['backtest.completed'],
    });
    const down = await call<WebhookCreated>('POST', '/api/v1/webhooks', {
      url: `${receiverBase}/down`,
      events: ['backtest.completed', 'backtest.failed'],
    });
    await call('PUT', '/api/v1/notification-settings', {
      email: 'bob@example.com',
      events: ['backtest.completed'],
    });

    const { id } = await call<{ id: string }>('POST', '/api/v1/backtests', submitBody());
    await until('the backtest to finish', async () => {
      const record = await call<BacktestView>('GET', `/api/v1/backtests/${id}`);
      return record.status !== 'queued' && record.status !== 'running';
    });
    const record = await call<BacktestView>('GET', `/api/v1/backtests/${id}`);
    expect(record.status, worker.output().slice(-3000)).toBe('completed');

    const at = (path: string) => received.filter((r) => r.path === path);
    await until('the retry of /flaky', () => at('/flaky').length >= 2);
    await until('three attempts at /down', () => at('/down').length >= 3);
    await until('the e-mail', () => mails.length >= 1);

    // The retry carries the first attempt's webhook-id; both verify with the secret.
    const [first, retry] = at('/flaky');
    expect(first?.headers['webhook-id']).toBe(`msg_${id}_${flaky.id}`);
    expect(retry?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    for (const request of [first!, retry!]) {
      expect(verify(flaky.secret, request)).toEqual({
        type: 'backtest.completed',
        timestamp: record.finishedAt,
        data: {
          id,
          name: record.name,
          status: 'completed',
          summary: record.summary,
          error: null,
          finishedAt: record.finishedAt,
          links: {
            self: `https://hindsight.example.com/api/v1/backtests/${id}`,
            result: `https://hindsight.example.com/api/v1/backtests/${id}/result`,
          },
        },
      });
      expect(() => verify(down.secret, request), 'another secret does not verify').toThrow();
    }

    const flakyLog = await call<{ items: WebhookDelivery[] }>(
      'GET',
      `/api/v1/webhooks/${flaky.id}/deliveries`,
    );
    expect(flakyLog.items.map((d) => [d.attempt, d.statusCode, d.ok])).toEqual([
      [2, 200, true],
      [1, 500, false],
    ]);
    for (const delivery of flakyLog.items) {
      expect(delivery).toMatchObject({
        messageId: `msg_${id}_${flaky.id}`,
        event: 'backtest.completed',
        backtestId: id,
      });
      expect(delivery.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(flakyLog.items[1]?.error).toBe('the receiver answered 500');

    // Three failed attempts of one message: the subscription is disabled, saying why.
    await until('the dead subscription to be disabled', async () => {
      const list = await call<{ items: WebhookCreated[] }>('GET', '/api/v1/webhooks');
      return list.items.some((hook) => hook.id === down.id && !hook.enabled);
    });
    const hooks = (await call<{ items: WebhookCreated[] }>('GET', '/api/v1/webhooks')).items;
    expect(hooks.find((hook) => hook.id === flaky.id)?.enabled).toBe(true);
    expect(hooks.find((hook) => hook.id === down.id)?.disabledReason).toMatch(
      /failed all 3 attempts.*the receiver answered 503/,
    );
    const downLog = await call<{ items: WebhookDelivery[] }>(
      'GET',
      `/api/v1/webhooks/${down.id}/deliveries`,
    );
    expect(downLog.items.map((d) => [d.attempt, d.statusCode])).toEqual([
      [3, 503],
      [2, 503],
      [1, 503],
    ]);

    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['bob@example.com']);
    const text = mail.raw.replace(/=\r?\n/g, '');
    expect(text).toContain(`Subject: [Hindsight] ${record.name}: completed`);
    expect(text).toContain('From: Hindsight <ci@hindsight.test>');
    expect(text).toContain(`https://hindsight.example.com/api/v1/backtests/${id}`);
    expect(text).toContain(`Trades: ${record.summary?.trades}`);
    expect(text).toMatch(/Content-Type: text\/html/);
  }, 120_000);
});

const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe('a finished sweep notifies its owner, and only its owner', () => {
  it('signs sweep.completed and sweep.cancelled with the secret, and e-mails a summary', async () => {
    const hook = await call<WebhookCreated>('POST', '/api/v1/webhooks', {
      url: `${receiverBase}/sweeps`,
      events: ['sweep.completed', 'sweep.cancelled'],
    });
    await call('PUT', '/api/v1/notification-settings', {
      email: 'bob@example.com',
      events: ['sweep.completed'],
    });
    const mailsBefore = mails.length;
    const sweepBody = (grid: Record<string, number[]>, name: string) => ({
      ...submitBody({ name }),
      strategy: { name: 'sma_crossover', params: {} },
      grid,
      cache: false,
    });
    const untilEnded = async (id: string, key: string = KEYS.bob) => {
      await until(`sweep ${id} to end`, async () => {
        const view = await call<SweepView>('GET', `/api/v1/sweeps/${id}`, undefined, key);
        return view.status !== 'queued' && view.status !== 'running';
      });
      return call<SweepView>('GET', `/api/v1/sweeps/${id}`, undefined, key);
    };

    // Alice's sweep ends first: bob's subscription must never hear of it.
    const alices = await call<{ id: string }>(
      'POST',
      '/api/v1/sweeps',
      sweepBody({ fast: [5, 10], slow: [20, 30] }, 'alice sweep'),
      KEYS.alice,
    );
    expect((await untilEnded(alices.id, KEYS.alice)).status).toBe('completed');

    const { id } = await call<{ id: string }>(
      'POST',
      '/api/v1/sweeps',
      sweepBody({ fast: [5, 10, 15], slow: [20, 30] }, 'bob sweep'),
    );
    const view = await untilEnded(id);
    expect(view.status, worker.output().slice(-3000)).toBe('completed');

    // Too many combinations to finish before the cancel lands.
    const big = await call<{ id: string }>(
      'POST',
      '/api/v1/sweeps',
      sweepBody({ fast: range(2, 101), slow: range(110, 159) }, 'bob cancelled sweep'),
    );
    const cancelled = await call<SweepView>('POST', `/api/v1/sweeps/${big.id}/cancel`);
    expect(cancelled.status).toBe('cancelled');

    const at = () => received.filter((r) => r.path === '/sweeps');
    await until('both sweep messages', () => at().length >= 2);
    await until('the sweep e-mail', () => mails.length > mailsBefore);

    const messages = at().map((request) => ({ request, body: verify(hook.secret, request) }));
    const completed = messages.find((m) => (m.body as { type: string }).type === 'sweep.completed');
    expect(completed?.request.headers['webhook-id']).toBe(`msg_${id}_${hook.id}`);
    const stats = view.best!.stats as Record<string, unknown>;
    expect(completed?.body).toEqual({
      type: 'sweep.completed',
      timestamp: view.finishedAt,
      data: {
        id,
        name: 'bob sweep',
        status: 'completed',
        combos: view.combos,
        objective: { key: 'sharpeRatio', direction: 'max' },
        best: {
          params: view.best!.params,
          stats: {
            returnPct: stats.returnPct,
            sharpeRatio: stats.sharpeRatio,
            maxDrawdownPct: stats.maxDrawdownPct,
            trades: stats.trades,
            winRatePct: stats.winRatePct,
            equityFinal: stats.equityFinal,
          },
        },
        error: null,
        finishedAt: view.finishedAt,
        links: {
          self: `https://hindsight.example.com/api/v1/sweeps/${id}`,
          results: `https://hindsight.example.com/api/v1/sweeps/${id}/results`,
        },
      },
    });
    expect(view.combos).toEqual({ total: 6, done: 6, skipped: 0, failed: 0 });

    const cancel = messages.find((m) => (m.body as { type: string }).type === 'sweep.cancelled');
    expect(cancel?.request.headers['webhook-id']).toBe(`msg_${big.id}_${hook.id}`);
    expect(cancel?.body).toMatchObject({
      type: 'sweep.cancelled',
      data: { id: big.id, status: 'cancelled', best: null, error: null },
    });
    expect(
      messages.filter((m) => JSON.stringify(m.body).includes(alices.id)),
      "alice's sweep reaches no one else",
    ).toEqual([]);

    const log = await call<{ items: WebhookDelivery[] }>(
      'GET',
      `/api/v1/webhooks/${hook.id}/deliveries`,
    );
    expect(log.items.find((d) => d.event === 'sweep.completed')).toMatchObject({
      sweepId: id,
      backtestId: null,
      ok: true,
    });

    const mail = mails.at(-1)!;
    const text = mail.raw.replace(/=\r?\n/g, '');
    expect(text).toContain('Subject: [Hindsight] bob sweep: completed');
    expect(text).toContain('Combinations: 6 of 6 done (0 skipped, 0 failed)');
    expect(text).toContain(`https://hindsight.example.com/api/v1/sweeps/${id}`);
    expect(
      mails.filter((m) => m.raw.includes('cancelled sweep')),
      'cancel not in settings',
    ).toEqual([]);
  }, 120_000);
});
